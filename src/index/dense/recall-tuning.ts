/**
 * Recall targets for approximate dense indexes: the recall each search setting of an index
 * reaches, measured once when the index is built on pseudo-queries drawn from its own rows
 * against an exact scan, and the cheapest setting that reaches a target chosen from that curve
 * at query time. Rows used as queries flatter an index (each is its own nearest neighbour, in a
 * dense part of the space; left out of its own results, it still sits where rows are dense), so
 * each pseudo-query is a row moved in a random direction, half of them as far as the row's k-th
 * nearest neighbour and half as far as its (10·k)-th: they land between the rows, as real queries
 * do. How well that predicts a workload's recall depends on how far its queries sit from the
 * rows (test/index/recall-tuning.test.ts checks GloVe's held-out words; the recall-targets
 * benchmark measures more); a query log measures the workload itself.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { standardNormal, xorshift32 } from '../../kernels/xorshift.js';
import type { DenseIndex, DenseMetric, DenseSearchOptions } from './dense-types.js';
import { FlatIndex } from './flat/flat-index.js';

/** One search setting and what it measured. */
export interface RecallPoint {
  params: Record<string, number>;
  /** Mean recall@k over the pseudo-queries, searching for k results. */
  recall: number;
  /**
   * Mean recall@k of the first k of DEEP_SEARCH results: what a query pipeline leg gets (legs
   * fetch at least that many candidates for fusion), often more than `recall` at the same setting.
   */
  deepRecall?: number;
  /** Mean search time per query, in microseconds (on the machine that built the index). */
  micros: number;
}

/** The measured recall of an index's search settings, cheapest first. */
export interface RecallCurve {
  k: number;
  /** Pseudo-queries measured (or logged queries, with `quarry tune`). */
  queries: number;
  source: 'sampled' | 'log';
  points: RecallPoint[];
}

/** How a curve is measured. */
export interface RecallTuningOptions {
  /** Results per query the recall is measured at (default 10). */
  k?: number;
  /** Pseudo-queries drawn from the rows (default 200). */
  sample?: number;
  /** Queries to measure with instead of pseudo-queries (rows of dim, e.g. a query log). */
  queries?: Float32Array;
  seed?: number;
}

/** Indexes with fewer rows are not tuned: their families search them nearly exactly anyway. */
export const MIN_TUNED_ROWS = 1000;
/** Candidates a query pipeline leg fetches by default; curves also measure searches this deep. */
export const DEEP_SEARCH = 100;
/** The recall a query gets when neither it nor its field names a target. */
export const DEFAULT_TARGET_RECALL = 0.95;

type AnyDenseIndex = DenseIndex<DenseSearchOptions & Record<string, unknown>>;

/**
 * Measures `settings` (cheapest first) on `index`, built over `rows` (normalized for cosine,
 * as the index holds them).
 */
export function measureRecallCurve(
  index: AnyDenseIndex,
  rows: Float32Array,
  settings: readonly Record<string, number>[],
  options: RecallTuningOptions = {},
): RecallCurve {
  const k = options.k ?? 10;
  const { dim, metric } = index;
  const n = rows.length / dim;
  if (n <= k) throw new QuarryError('BAD_ARGUMENT', `an index of ${n} rows is too small to tune at k = ${k}`, { field: 'k' });
  const exact = new FlatIndex(rows, { dim, metric });
  const queries = options.queries ?? pseudoQueries(exact, rows, options, k);
  const count = queries.length / dim;
  const truth = exact.searchBatch(queries, k).map((h) => new Set(h.ids));
  const points: RecallPoint[] = [];
  const deep = Math.min(DEEP_SEARCH, n);
  for (const params of settings) {
    let hits = 0;
    // the faster of two passes: one pass's time is at the mercy of whatever else the machine does
    let micros = Infinity;
    for (let pass = 0; pass < 2; pass++) {
      const start = performance.now();
      for (let q = 0; q < count; q++) {
        const got = index.search(queries.subarray(q * dim, (q + 1) * dim), k, params);
        if (pass === 0) for (const id of got.ids) if (truth[q]!.has(id)) hits++;
      }
      micros = Math.min(micros, ((performance.now() - start) * 1000) / count);
    }
    let deepHits = 0;
    for (let q = 0; q < count; q++) {
      const got = index.search(queries.subarray(q * dim, (q + 1) * dim), deep, params).ids;
      for (let i = 0; i < Math.min(k, got.length); i++) if (truth[q]!.has(got[i]!)) deepHits++;
    }
    points.push({ params: { ...params }, recall: hits / (count * k), deepRecall: deepHits / (count * k), micros });
  }
  return { k, queries: count, source: options.queries !== undefined ? 'log' : 'sampled', points };
}

/**
 * The setting to search with for `target` when a search asks for `depth` results: the first
 * point (the settings are measured cheapest first) whose recall at that depth (`deepRecall` from
 * DEEP_SEARCH results on, else `recall`) reaches it, or the point of highest recall when none
 * does; null for no curve. The order, not the measured times, decides: times measured while a
 * commit runs are noisy, and the same curve must always choose the same setting. The returned
 * point's `recall` is the one predicted at `depth`.
 */
export function chooseSetting(curve: RecallCurve | undefined, target: number, depth = 10): RecallPoint | null {
  if (curve === undefined || curve.points.length === 0) return null;
  const at = (p: RecallPoint): number => (depth >= DEEP_SEARCH && p.deepRecall !== undefined ? p.deepRecall : p.recall);
  let best = curve.points[0]!;
  for (const p of curve.points) {
    if (at(p) >= target) return { ...p, recall: at(p) };
    if (at(p) > at(best)) best = p;
  }
  return { ...best, recall: at(best) };
}

/** Rows moved in random directions, half as far as their k-th nearest neighbour, half as far as their (10·k)-th. */
function pseudoQueries(exact: FlatIndex, rows: Float32Array, options: RecallTuningOptions, k: number): Float32Array {
  const dim = exact.dim;
  const n = rows.length / dim;
  const count = Math.min(options.sample ?? 200, n);
  const rand = xorshift32(options.seed ?? 7);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(rand() * n));
  const sources = [...picked];
  const queries = new Float32Array(count * dim);
  sources.forEach((r, q) => queries.set(rows.subarray(r * dim, (r + 1) * dim), q * dim));
  const far = Math.min(10 * k, n - 1);
  const neighbours = exact.searchBatch(queries, far + 1);
  const noise = new Float64Array(dim);
  sources.forEach((r, q) => {
    const ids = neighbours[q]!.ids;
    const to = ids[Math.min(q < count >> 1 ? k : far, ids.length - 1)]!;
    let d2 = 0;
    for (let j = 0; j < dim; j++) d2 += (rows[r * dim + j]! - rows[to * dim + j]!) ** 2;
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += (noise[j] = standardNormal(rand)) ** 2;
    const scale = Math.sqrt(d2 / (norm || 1));
    const out = queries.subarray(q * dim, (q + 1) * dim);
    for (let j = 0; j < dim; j++) out[j]! += noise[j]! * scale;
    normalizeIfCosine(out, exact.metric);
  });
  return queries;
}

function normalizeIfCosine(v: Float32Array, metric: DenseMetric): void {
  if (metric !== 'cosine') return;
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  for (let j = 0; j < v.length; j++) v[j]! /= n;
}

/** True when `params` names one of a family's search parameters: the search then uses them, not a measured setting. */
export function namesSearchParams(params: Readonly<Record<string, unknown>> | undefined, searchParams: object): boolean {
  return Object.keys(params ?? {}).some((p) => Object.hasOwn(searchParams, p));
}
