/**
 * The query pipeline: validate the spec, evaluate the filter once per
 * segment into allow-lists, run every retrieval leg with the filter pushed
 * down, fuse, cut to offset/k, and attach per-leg scores and ranks, facets
 * and (on request) an explanation. Works on any `QuerySource`, which the
 * collection's reader snapshot implements.
 */
import { Bitset } from '../kernels/bitset.js';
import { QuarryError } from '../core/quarry-error.js';
import { checkDeadline } from '../core/deadline.js';
import { fuseCombMnz, fuseRrf, fuseWeighted, type Fused, type LegResult } from './fusion.js';
import { legFieldNames, legTextFields, parseQuerySpec, type QuerySpec } from './query-spec.js';
import { resolveRm3Params } from './rm3.js';
import { calibrate, type CalibrationModel } from './calibration.js';
import { evaluateWhere, validateWhere, type FieldKinds, type FilterColumns } from './where.js';

/** A ranked list from one leg over all segments: global documents and scores, best first. */
export interface LegHits {
  docs: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/** What the pipeline needs from a collection snapshot. */
export interface QuerySource {
  readonly fields: FieldKinds;
  readonly segmentCount: number;
  segmentSize(i: number): number;
  segmentBase(i: number): number;
  segmentColumns(i: number): FilterColumns | null;
  /** Runs one leg; `allow[i]` (or null) restricts segment i. */
  retrieve(leg: QuerySpec['retrieve'][number], k: number, allow: readonly (Bitset | null)[] | null): LegHits;
  /**
   * Reranks candidates (global documents, best first, with first-stage
   * scores) by MaxSim on a multi-vector field, keeping the top k; returns
   * the new order, MaxSim scores and how many candidates were scored.
   */
  rerank?(
    stage: NonNullable<QuerySpec['rerank']>,
    docs: ArrayLike<number>,
    scores: ArrayLike<number>,
    k: number,
  ): { docs: ArrayLike<number>; scores: ArrayLike<number>; scored: number };
  /** Per-token contributions (query weight × document weight) of a sparse leg's score for a document. */
  explainSparse?(
    field: string,
    weights: Readonly<Record<string, number>>,
    doc: number,
  ): { token: string; query: number; document: number; score: number }[];
  /** The collection's fitted relevance calibration, or null (see search/calibration.ts). */
  calibration?(): CalibrationModel | null;
  /** The documents the collection's saved audit flagged, or null when it has no audit. */
  flagged?(): ReadonlySet<number> | null;
  /** The recall@10 the index's measured curves predict for `leg` fetching `k` results; null for an exact leg or explicit parameters. */
  expectedRecall?(leg: QuerySpec['retrieve'][number], k: number): number | null;
  /** Explanation of a BM25 leg's score for a document, when available. */
  explainText?(
    fields: readonly string[] | Readonly<Record<string, number>>,
    text: string,
    doc: number,
    syntax?: 'terms' | 'lucene',
  ): Record<string, unknown>;
  id(doc: number): string;
  stored(doc: number): Record<string, unknown>;
}

/** One result of a pipeline query. */
export interface PipelineHit {
  id: string;
  doc: number;
  score: number;
  /** Per leg (in spec order): rank (1-based) and raw score, or null when the leg did not return it. */
  legs: { rank: number | null; score: number | null }[];
  /** With `filter.minRelevance`: the calibrated probability of relevance. */
  relevance?: number;
  /** With a `crossEncoder` stage: the cross-encoder's score (also `score`) for reranked hits. */
  crossEncoder?: number;
  stored?: Record<string, unknown>;
  explain?: Record<string, unknown>;
}

/** The answer to a query spec. */
export interface PipelineResult {
  hits: PipelineHit[];
  /** Candidates after fusion and filtering (before offset/k). */
  total: number;
  facets?: Record<string, Record<string, number>>;
  /** With `rerank`: candidates rescored. */
  reranked?: number;
  /** With `crossEncoder`: candidates the cross-encoder scored. */
  crossEncoded?: number;
  /**
   * Per leg, the recall@10 its segments' measured curves predict for the setting they searched
   * with (null for an exact leg, or one with explicit search parameters); present when a leg has one.
   */
  expectedRecall?: (number | null)[];
}

/** Runs a query spec (validated here) against a source. */
export function runQuery(source: QuerySource, input: unknown, opts: { includeStored?: boolean } = {}): PipelineResult {
  return runParsedQuery(source, parseQuerySpec(input), opts);
}

/** Runs an already validated query spec against a source. */
export function runParsedQuery(source: QuerySource, spec: QuerySpec, opts: { includeStored?: boolean } = {}): PipelineResult {
  if (spec.crossEncoder !== undefined)
    throw new QuarryError(
      'BAD_ARGUMENT',
      'a crossEncoder stage runs a model asynchronously',
      { field: 'crossEncoder' },
      'use Snapshot.queryAsync (the CLI and the server do)',
    );
  spec.retrieve.forEach((leg, i) => {
    const f = source.fields[leg.field];
    const want =
      leg.text !== undefined ? 'text' : leg.vector !== undefined ? 'dense' : leg.multivector !== undefined ? 'multivector' : 'sparse';
    // A dense field with an encoder takes text: the query side of its encoder turns it into a vector.
    const encodesText = want === 'text' && f?.type === 'dense' && (f as { encoder?: unknown }).encoder !== undefined;
    if (want === 'text' && (f?.type === 'sparse' || f?.type === 'multivector') && (f as { encoder?: unknown }).encoder !== undefined) {
      throw new QuarryError(
        'BAD_ARGUMENT',
        `field "${leg.field}" is encoded by a transformer, which runs asynchronously`,
        { field: `retrieve[${i}].text` },
        'search with Snapshot.queryAsync (the CLI and the server do)',
      );
    }
    if (!encodesText && (f === undefined || f.type !== want)) {
      const kinds = Object.entries(source.fields)
        .filter(([, x]) => x.type === want)
        .map(([n]) => n);
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${leg.field}" is not a ${want} field`,
        { field: `retrieve[${i}].field` },
        kinds.length > 0 ? `${want} fields: ${kinds.join(', ')}` : `the collection has no ${want} fields`,
      );
    }
  });
  spec.retrieve.forEach((leg, i) => {
    if (leg.prf !== undefined && (source.fields[leg.field]?.type === 'text' || leg.multivector !== undefined)) {
      throw new QuarryError(
        'BAD_ARGUMENT',
        'Rocchio feedback applies to dense and sparse legs',
        { field: `retrieve[${i}].prf` },
        'for BM25 legs use RM3 (snapshot.searchRm3 or quarry search --rm3)',
      );
    }
    if (leg.syntax === 'lucene' && source.fields[leg.field]?.type !== 'text') {
      throw new QuarryError(
        'BAD_ARGUMENT',
        `query syntax applies to BM25 (text) fields; "${leg.field}" is not one`,
        { field: `retrieve[${i}].syntax` },
        'leave syntax out: an encoder reads the text as it is',
      );
    }
    if (leg.fields !== undefined) {
      const names = legFieldNames(leg);
      const bad = names.find((n) => source.fields[n]?.type !== 'text');
      if (bad !== undefined) {
        const text = Object.entries(source.fields)
          .filter(([, x]) => x.type === 'text')
          .map(([n]) => n);
        throw new QuarryError(
          'BAD_ARGUMENT',
          `"${bad}" is not a text field`,
          { field: `retrieve[${i}].fields` },
          `text fields: ${text.join(', ')}`,
        );
      }
    }
    if (leg.mode !== undefined && source.fields[leg.field]?.type !== 'text')
      throw new QuarryError('BAD_ARGUMENT', `mode applies to BM25 (text) fields; "${leg.field}" is not one`, {
        field: `retrieve[${i}].mode`,
      });
    if (leg.rm3 !== undefined) {
      if (source.fields[leg.field]?.type !== 'text' || legFieldNames(leg).length > 1)
        throw new QuarryError(
          'BAD_ARGUMENT',
          'RM3 expands a BM25 leg on one text field',
          { field: `retrieve[${i}].rm3` },
          'give one "field"',
        );
      if (leg.syntax === 'lucene')
        throw new QuarryError('BAD_ARGUMENT', 'RM3 expands a bag of words, not Lucene syntax', { field: `retrieve[${i}].rm3` });
      resolveRm3Params(leg.rm3, `retrieve[${i}].rm3`);
    }
    // BM25 is exact (targetRecall would otherwise look as if it had been used)
    const legType = source.fields[leg.field]?.type;
    if (leg.targetRecall !== undefined && legType === 'text')
      throw new QuarryError(
        'BAD_ARGUMENT',
        'targetRecall applies to dense, sparse and multi-vector legs',
        { field: `retrieve[${i}].targetRecall` },
        'BM25 is exact: it has no recall to aim for',
      );
    // BM25 has no search parameters; accepting some would look as if they had been used
    if (leg.params !== undefined && source.fields[leg.field]?.type === 'text') {
      throw new QuarryError(
        'BAD_ARGUMENT',
        'a BM25 leg takes no search parameters',
        { field: `retrieve[${i}].params` },
        'params apply to dense, sparse and multi-vector legs',
      );
    }
  });
  for (const f of spec.facets ?? []) {
    if (source.fields[f]?.type !== 'keyword') throw new QuarryError('BAD_ARGUMENT', `"${f}" is not a keyword field`, { field: 'facets' });
  }
  let allow: (Bitset | null)[] | null = null;
  if (spec.filter?.where !== undefined) {
    validateWhere(spec.filter.where, source.fields);
    allow = [];
    for (let i = 0; i < source.segmentCount; i++)
      allow.push(evaluateWhere(spec.filter.where, source.segmentColumns(i), source.segmentSize(i)));
  }
  const flagged = spec.filter?.flagged !== undefined ? flaggedDocuments(source) : null;
  if (flagged !== null && spec.filter?.flagged === 'exclude') allow = withoutFlagged(source, allow, flagged);
  const depth = spec.k + spec.offset;
  const legs: LegResult[] = spec.retrieve.map((leg, i) => {
    checkDeadline();
    const hits = source.retrieve(leg, leg.k ?? Math.max(100, depth), allow);
    // scores are float32 sums: huge query weights times huge document weights overflow to infinity
    for (let j = 0; j < hits.scores.length; j++)
      if (!Number.isFinite(hits.scores[j]!))
        throw new QuarryError(
          'BAD_ARGUMENT',
          `the scores of field "${leg.field}" overflow the float32 range`,
          { field: `retrieve[${i}]` },
          'the query weights or vector times the documents’ are too large: scale the query down',
        );
    return { docs: hits.docs, scores: hits.scores, weight: leg.weight ?? 1 };
  });
  const expected = spec.retrieve.map((leg) => source.expectedRecall?.(leg, leg.k ?? Math.max(100, depth)) ?? null);
  let fused: Fused;
  if (legs.length === 1 && spec.fuse === undefined) fused = fuseWeighted(legs, 'none');
  else if (spec.fuse?.method === 'weighted') fused = fuseWeighted(legs, spec.fuse.normalize);
  else if (spec.fuse?.method === 'mnz') fused = fuseCombMnz(legs, spec.fuse.normalize);
  else fused = fuseRrf(legs, spec.fuse?.method === 'rrf' ? spec.fuse.k : 60);
  const flaggedAction = spec.filter?.flagged;
  if (flagged !== null && typeof flaggedAction === 'object')
    for (const d of flagged) {
      const s = fused.scores.get(d);
      // a negative score (an L2 leg's, unfused) is divided, so that the document always loses ground
      if (s !== undefined) fused.scores.set(d, s >= 0 ? s * flaggedAction.downweight : s / flaggedAction.downweight);
    }
  let ranked = [...fused.scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  let relevance: Map<number, number> | null = null;
  if (spec.filter?.minRelevance !== undefined) {
    const model = source.calibration?.() ?? null;
    if (model === null)
      throw new QuarryError(
        'BAD_ARGUMENT',
        'this collection has no relevance calibration',
        { field: 'filter.minRelevance' },
        'fit one with quarry calibrate DIR --queries Q --qrels R',
      );
    const text = spec.retrieve.find((l) => l.text !== undefined)?.text ?? '';
    const probs = calibrate(
      model,
      ranked.map(([, s]) => s),
      text.split(/\s+/).filter(Boolean).length,
    );
    relevance = new Map(ranked.map(([d], i) => [d, probs[i]!]));
    const t = spec.filter.minRelevance;
    ranked = ranked.filter(([d]) => relevance!.get(d)! >= t);
  }
  let reranked: { scored: number } | null = null;
  if (spec.rerank !== undefined) {
    const r = spec.rerank;
    const type = source.fields[r.field]?.type;
    const want = r.multivector !== undefined ? 'multivector' : 'dense';
    if (type !== want || source.rerank === undefined)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${r.field}" is not a ${want === 'dense' ? 'dense' : 'multi-vector'} field`,
        { field: 'rerank.field' },
        'rerank by MaxSim on a multivector field, or by exact similarity on a dense field',
      );
    const top = source.rerank(
      r,
      ranked.map(([d]) => d),
      ranked.map(([, s]) => s),
      depth,
    );
    reranked = { scored: top.scored };
    const inTop = new Set(Array.from(top.docs));
    // The reranked documents lead, in their new order; the other candidates follow in first-stage order.
    ranked = [...Array.from(top.docs, (d, i): [number, number] => [d, top.scores[i]!]), ...ranked.filter(([d]) => !inTop.has(d))];
  }
  const page = ranked.slice(spec.offset, spec.offset + spec.k);
  const hits: PipelineHit[] = page.map(([doc, score]) => {
    const ranks = fused.legRanks.get(doc)!;
    const scores = fused.legScores.get(doc)!;
    const hit: PipelineHit = { id: source.id(doc), doc, score, legs: ranks.map((r, i) => ({ rank: r, score: scores[i]! })) };
    if (relevance !== null) hit.relevance = relevance.get(doc)!;
    if (opts.includeStored ?? true) hit.stored = source.stored(doc);
    if (spec.explain) hit.explain = explainHit(source, spec, hit);
    return hit;
  });
  const result: PipelineResult = { hits, total: ranked.length };
  if (expected.some((e) => e !== null)) result.expectedRecall = expected;
  if (reranked !== null) result.reranked = reranked.scored;
  if (spec.facets !== undefined)
    result.facets = facetCounts(
      source,
      spec.facets,
      ranked.map(([d]) => d),
    );
  return result;
}

function explainHit(source: QuerySource, spec: QuerySpec, hit: PipelineHit): Record<string, unknown> {
  const legs = spec.retrieve.map((leg, i) => {
    const base: Record<string, unknown> = { field: leg.field, rank: hit.legs[i]!.rank, score: hit.legs[i]!.score };
    if (
      leg.text !== undefined &&
      source.fields[leg.field]?.type === 'text' &&
      source.explainText !== undefined &&
      hit.legs[i]!.rank !== null
    )
      base.bm25 = source.explainText(legTextFields(leg), leg.text, hit.doc, leg.syntax);
    if (leg.sparse !== undefined && source.explainSparse !== undefined) base.sparse = source.explainSparse(leg.field, leg.sparse, hit.doc);
    return base;
  });
  const fusion =
    spec.retrieve.length === 1 && spec.fuse === undefined
      ? 'single leg: raw score'
      : spec.fuse?.method === 'weighted'
        ? `weighted sum of ${spec.fuse.normalize}-normalized leg scores (${NORMALIZATION[spec.fuse.normalize]})`
        : spec.fuse?.method === 'mnz'
          ? `CombMNZ: weighted sum of ${spec.fuse.normalize}-normalized leg scores (${NORMALIZATION[spec.fuse.normalize]}) times the number of legs that found the document`
          : `reciprocal rank fusion, k = ${spec.fuse?.method === 'rrf' ? spec.fuse.k : 60}: sum of weight / (k + rank)`;
  if (spec.rerank !== undefined) {
    const r = spec.rerank;
    return {
      fusion,
      legs,
      rerank: `score = ${r.multivector !== undefined ? 'MaxSim' : 'exact similarity of the stored vectors'} on "${r.field}" over the first ${r.depth} fused candidates${r.alpha !== undefined ? `, skipping those below (1 - ${r.alpha}) x the k-th fused score` : ''}${r.beta !== undefined ? `, stopping after ${r.beta} consecutive misses` : ''}`,
    };
  }
  return { fusion, legs };
}

const NORMALIZATION: Record<'minmax' | 'zscore' | 'none', string> = {
  minmax: "each leg's scores mapped to (s - min) / (max - min) over its candidates",
  zscore: "each leg's scores mapped to (s - mean) / std over its candidates",
  none: 'raw scores',
};

function facetCounts(source: QuerySource, fields: readonly string[], docs: readonly number[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const f of fields) out[f] = {};
  const bases = Array.from({ length: source.segmentCount }, (_, i) => source.segmentBase(i));
  for (const doc of docs) {
    let s = bases.length - 1;
    while (s > 0 && bases[s]! > doc) s--;
    const cols = source.segmentColumns(s);
    const local = doc - bases[s]!;
    for (const f of fields) {
      const kw = cols?.keywords.get(f);
      if (kw === undefined) continue;
      for (let k = kw.offsets[local]!; k < kw.offsets[local + 1]!; k++) {
        const v = kw.values[kw.ords[k]!]!;
        out[f]![v] = (out[f]![v] ?? 0) + 1;
      }
    }
  }
  return out;
}

/** The flagged documents of the collection's audit; an error when it has none. */
function flaggedDocuments(source: QuerySource): ReadonlySet<number> {
  const flagged = source.flagged?.() ?? null;
  if (flagged === null)
    throw new QuarryError(
      'BAD_ARGUMENT',
      'this collection has no saved audit',
      { field: 'filter.flagged' },
      'audit it and save the report with quarry audit DIR --save',
    );
  return flagged;
}

/** The allow-lists `allow` (null: every document) with the flagged documents removed. */
function withoutFlagged(source: QuerySource, allow: (Bitset | null)[] | null, flagged: ReadonlySet<number>): Bitset[] {
  const out: Bitset[] = [];
  for (let i = 0; i < source.segmentCount; i++) {
    const size = source.segmentSize(i);
    let a = allow?.[i] ?? null;
    if (a === null) {
      a = new Bitset(size);
      a.words.fill(0xffffffff);
    }
    out.push(a);
  }
  for (const d of flagged) {
    for (let i = source.segmentCount - 1; i >= 0; i--) {
      const base = source.segmentBase(i);
      if (d >= base) {
        if (d - base < source.segmentSize(i)) out[i]!.remove(d - base);
        break;
      }
    }
  }
  return out;
}
