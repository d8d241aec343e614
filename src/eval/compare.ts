/**
 * Compares runs against a baseline, measure by measure, with paired t-tests,
 * randomization tests and Holm's correction across the compared runs.
 */
import { QuarryError } from '../core/quarry-error.js';
import { evaluateRunFile, type EvalOptions, type EvalReport } from './evaluate.js';
import type { Qrels } from './qrels.js';
import { holmAdjust, pairedRandomizationTest, pairedTTest } from './significance.js';

/** Options of a comparison. */
export interface CompareOptions extends EvalOptions {
  /** Randomization trials (default 10,000). */
  trials?: number;
  /** Seed of the randomization test (default 42). */
  seed?: number;
  /** Significance level applied to Holm-adjusted p-values (default 0.05). */
  alpha?: number;
}

/** One run's figures for one measure. */
export interface CompareCell {
  run: string;
  mean: number;
  delta: number;
  tTestP: number;
  randomizationP: number;
  /** Holm-adjusted randomization p-value across the compared runs. */
  holmP: number;
  /** +1 significant win, -1 significant loss, 0 neither. */
  verdict: -1 | 0 | 1;
}

/** One measure row of the comparison table. */
export interface CompareRow {
  measure: string;
  baseline: number;
  cells: CompareCell[];
}

/** Result of `compareRuns`. */
export interface Comparison {
  baseline: string;
  runs: string[];
  queries: number;
  alpha: number;
  rows: CompareRow[];
}

const DEFAULT_MEASURES = ['map', 'ndcg_cut.10', 'P.10', 'recall.100'];

/**
 * Evaluates the baseline and each run over the same queries (every judged
 * query that any of the runs answered; a run missing a query scores 0 on it)
 * and tests each run against the baseline.
 *
 * @example
 * const table = compareRuns(readQrels('qrels.txt'), 'bm25.run', ['rm3.run'], { measures: ['map'] });
 */
export function compareRuns(qrels: Qrels, baselinePath: string, runPaths: readonly string[], opts: CompareOptions = {}): Comparison {
  if (runPaths.length === 0) throw new QuarryError('BAD_ARGUMENT', 'give at least one run to compare with the baseline');
  const evalOpts: EvalOptions = { ...opts, measures: opts.measures?.length ? opts.measures : DEFAULT_MEASURES, averageComplete: true };
  const reports = [baselinePath, ...runPaths].map((p) => evaluateRunFile(qrels, p, evalOpts));
  const answered = new Set<string>();
  for (const r of reports) for (const q of r.perQuery.keys()) answered.add(q);
  const queries = [...reports[0]!.scored.keys()].filter((q) => answered.has(q));
  if (queries.length === 0) throw new QuarryError('EMPTY', 'no judged query is answered by any of the runs');
  const alpha = opts.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new QuarryError('BAD_ARGUMENT', `must be between 0 and 1, got ${alpha}`, { field: 'alpha' });
  const rows: CompareRow[] = [];
  for (const name of reports[0]!.names) {
    if (reports[0]!.types.get(name) !== 'float') continue;
    const series = reports.map((r) => column(r, name, queries));
    const base = series[0]!;
    const tests = series.slice(1).map((s) => ({
      t: pairedTTest(base, s),
      r: pairedRandomizationTest(base, s, opts.trials ?? 10000, opts.seed ?? 42),
      mean: meanOf(s),
    }));
    const holm = holmAdjust(tests.map((x) => x.r.p));
    const baseMean = meanOf(base);
    rows.push({
      measure: name,
      baseline: baseMean,
      cells: tests.map((x, i) => ({
        run: runPaths[i]!,
        mean: x.mean,
        delta: x.mean - baseMean,
        tTestP: x.t.p,
        randomizationP: x.r.p,
        holmP: holm[i]!,
        verdict: holm[i]! < alpha ? (x.mean > baseMean ? 1 : -1) : 0,
      })),
    });
  }
  return { baseline: baselinePath, runs: [...runPaths], queries: queries.length, alpha, rows };
}

function column(report: EvalReport, name: string, queries: readonly string[]): Float64Array {
  const out = new Float64Array(queries.length);
  queries.forEach((q, i) => {
    out[i] = (report.scored.get(q)?.get(name) as number | undefined) ?? 0;
  });
  return out;
}

function meanOf(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : 0;
}

/** Renders a comparison as an aligned text table; ▲/▼ mark significant wins/losses. */
export function formatComparison(c: Comparison): string {
  const header = [
    'measure',
    'baseline',
    ...c.runs.map((_, i) => `run ${i + 1}`),
    ...c.runs.map((_, i) => `p(t) ${i + 1}`),
    ...c.runs.map((_, i) => `p(rand,Holm) ${i + 1}`),
  ];
  const body = c.rows.map((r) => [
    r.measure,
    r.baseline.toFixed(4),
    ...r.cells.map((x) => `${x.mean.toFixed(4)} ${x.verdict > 0 ? '▲' : x.verdict < 0 ? '▼' : ' '}`),
    ...r.cells.map((x) => x.tTestP.toFixed(4)),
    ...r.cells.map((x) => x.holmP.toFixed(4)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cols: string[]): string => cols.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  const legend = [
    `baseline: ${c.baseline}`,
    ...c.runs.map((r, i) => `run ${i + 1}: ${r}`),
    `${c.queries} queries; ▲/▼ = significantly better/worse than the baseline (randomization test, Holm-adjusted p < ${c.alpha})`,
  ];
  return [fmt(header), ...body.map(fmt), '', ...legend].join('\n') + '\n';
}
