/**
 * Scores a run against qrels exactly as trec_eval 9.0.8 does: which queries
 * count, how per-query values are averaged (arithmetic, geometric, sums) and
 * what `-c`, `-l`, `-M`, `-J` change.
 */
import { QuarryError } from '../core/quarry-error.js';
import { resolveMeasures, type RequestedMeasure } from './measures/registry.js';
import type { MeasureContext } from './measures/measure-def.js';
import type { Qrels } from './qrels.js';
import { compareBytes, rankJudgments, type RankingOptions } from './ranked-judgments.js';
import { streamRun, type QueryRun, type RunData } from './run.js';

/** trec_eval's options, with its flag letters. */
export interface EvalOptions {
  /** Measures or groups (`-m`), e.g. `["map", "P.10", "ndcg_cut.10"]`. Default: `official`. */
  measures?: readonly string[];
  /** `-l`: minimum relevance level counted as relevant. Default 1. */
  relevanceLevel?: number;
  /** `-c`: average over every query in the qrels, counting missing ones as zero. */
  averageComplete?: boolean;
  /** `-M`: evaluate only the first N documents of each query. */
  maxDocsPerTopic?: number;
  /** `-J`: drop retrieved documents that have no judgment. */
  judgedOnly?: boolean;
  /** `-N`: number of documents in the collection (utility only). */
  numDocsInColl?: number;
}

/** A value as printed: numbers for long/float measures, strings for runid and relstring. */
export type MeasureValue = number | string;

/** The result of an evaluation. */
export interface EvalReport {
  runid: string;
  /** Output measure names in print order (e.g. `map`, `P_5`, `P_10`). */
  names: string[];
  /** Whether each name is printed as an integer, a float or a string. */
  types: Map<string, 'long' | 'float' | 'string'>;
  /** Per-query values, qids in trec_eval's order (byte order). Summary-only measures are absent. */
  perQuery: Map<string, Map<string, MeasureValue>>;
  /**
   * Every query that contributed to `all`, with all its values (including
   * summary-only measures and, under `-c`, the queries missing from the run).
   */
  scored: Map<string, Map<string, MeasureValue>>;
  /** The `all` line: averages, sums and counts. */
  all: Map<string, MeasureValue>;
  /** Non-fatal problems, e.g. no overlap between run and qrels. */
  warnings: string[];
}

const SUMMARY_ONLY = new Set(['runid', 'num_q', 'gm_map', 'gm_bpref']);
const MIN_GEO_MEAN = 0.00001;

/** Accumulates per-query results and produces the report. */
class Evaluation {
  readonly measures: RequestedMeasure[];
  readonly ranking: RankingOptions;
  readonly ctx: MeasureContext;
  readonly perQuery = new Map<string, Map<string, MeasureValue>>();
  readonly numeric = new Map<string, number[]>();
  runQueries = 0;

  constructor(
    readonly qrels: Qrels,
    readonly opts: EvalOptions,
  ) {
    this.measures = resolveMeasures(opts.measures ?? []);
    const relevanceLevel = opts.relevanceLevel ?? 1;
    const maxDocs = opts.maxDocsPerTopic ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isInteger(relevanceLevel)) throw new QuarryError('BAD_ARGUMENT', 'relevance level must be an integer', { field: '-l' });
    if (!Number.isInteger(maxDocs) || maxDocs < 0) throw new QuarryError('BAD_ARGUMENT', 'must be a non-negative integer', { field: '-M' });
    this.ranking = { relevanceLevel, maxDocsPerTopic: maxDocs, judgedOnly: opts.judgedOnly ?? false };
    this.ctx = { relevanceLevel, numDocsInColl: opts.numDocsInColl ?? 0 };
  }

  reset(): void {
    this.perQuery.clear();
    this.runQueries = 0;
  }

  addQuery(q: QueryRun): void {
    this.runQueries++;
    const judgments = this.qrels.get(q.qid);
    if (judgments === undefined) return; // trec_eval ignores queries without judgments
    this.perQuery.set(q.qid, this.score(q.qid, q.docnos, q.scores));
  }

  private score(qid: string, docnos: readonly string[], scores: ArrayLike<number>): Map<string, MeasureValue> {
    const rr = rankJudgments(qid, docnos, scores, this.qrels.get(qid), this.ranking);
    const values = new Map<string, MeasureValue>();
    for (const m of this.measures) {
      if (m.def.average === 'runid' || m.def.average === 'count') continue;
      const v = m.def.compute(rr, m.params, this.ctx);
      if (typeof v === 'string') values.set(m.names[0]!, v);
      else for (let i = 0; i < m.names.length; i++) values.set(m.names[i]!, v[i]!);
    }
    return values;
  }

  finish(runid: string): EvalReport {
    const warnings: string[] = [];
    const evaluated = [...this.perQuery.keys()];
    if (evaluated.length === 0) {
      warnings.push(`no query of the run (${this.runQueries} queries) is in the qrels (${this.qrels.size} queries): every measure is 0`);
    }
    const rows = new Map(this.perQuery);
    const printed = new Set(evaluated);
    if (this.opts.averageComplete) {
      for (const qid of this.qrels.keys()) if (!rows.has(qid)) rows.set(qid, this.score(qid, [], []));
    }
    const order = [...printed].sort(compareBytes);
    const perQuery = new Map<string, Map<string, MeasureValue>>();
    for (const qid of order) {
      const src = rows.get(qid)!;
      const shown = new Map<string, MeasureValue>();
      for (const [k, v] of src) if (!SUMMARY_ONLY.has(k)) shown.set(k, v);
      perQuery.set(qid, shown);
    }
    const numQ = this.opts.averageComplete ? this.qrels.size : evaluated.length;
    const all = new Map<string, MeasureValue>();
    const names: string[] = [];
    const types = new Map<string, 'long' | 'float' | 'string'>();
    for (const m of this.measures) {
      for (const name of m.names) {
        names.push(name);
        types.set(name, m.def.valueType);
        switch (m.def.average) {
          case 'runid':
            all.set(name, runid);
            break;
          case 'count':
            all.set(name, numQ);
            break;
          case 'none':
            break;
          case 'sum': {
            if (this.opts.averageComplete && m.def.completeSummary !== undefined) {
              all.set(name, m.def.completeSummary(this.qrels));
              break;
            }
            let s = 0;
            for (const r of rows.values()) s += r.get(name) as number;
            all.set(name, s);
            break;
          }
          case 'mean': {
            let s = 0;
            for (const r of rows.values()) s += r.get(name) as number;
            all.set(name, numQ > 0 ? s / numQ : 0);
            break;
          }
          case 'geometric': {
            let s = 0;
            for (const r of rows.values()) s += Math.log(Math.max(r.get(name) as number, MIN_GEO_MEAN));
            all.set(name, numQ > 0 ? Math.exp(s / numQ) : 0);
            break;
          }
        }
      }
    }
    const scored = new Map([...rows.keys()].sort(compareBytes).map((q) => [q, rows.get(q)!]));
    return { runid, names, types, perQuery, scored, all, warnings };
  }
}

/**
 * Evaluates a TREC run file against qrels, streaming the run one query at a
 * time when its queries are contiguous.
 *
 * @example
 * const report = evaluateRunFile(readQrels('qrels.txt'), 'run.trec', { measures: ['map', 'ndcg_cut.10'] });
 * report.all.get('ndcg_cut_10');
 */
export function evaluateRunFile(qrels: Qrels, runPath: string, opts: EvalOptions = {}): EvalReport {
  const ev = new Evaluation(qrels, opts);
  const info = streamRun(
    runPath,
    (q) => ev.addQuery(q),
    () => ev.reset(),
  );
  const report = ev.finish(info.runid);
  if (report.warnings.length > 0) report.warnings[0] = `${runPath}: ${report.warnings[0]}`;
  return report;
}

/**
 * Evaluates an in-memory run (qid -> documents and scores).
 *
 * @example
 * const run: RunData = new Map([['q1', { docnos: ['d1', 'd2'], scores: [2, 1] }]]);
 * evaluateRun(qrels, run, { measures: ['P.1'] }).all.get('P_1');
 */
export function evaluateRun(qrels: Qrels, run: RunData, opts: EvalOptions = {}, runid = 'run'): EvalReport {
  const ev = new Evaluation(qrels, opts);
  for (const [qid, q] of run) ev.addQuery({ qid, docnos: q.docnos, scores: q.scores });
  return ev.finish(runid);
}
