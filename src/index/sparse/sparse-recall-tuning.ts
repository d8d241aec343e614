/**
 * Recall targets for approximate learned-sparse indexes (Seismic): the recall@10 of each search
 * setting, measured when a segment is built against the exact inverted lists, on pseudo-queries
 * made from the segment's own rows. Learned-sparse queries are shorter than documents, so each
 * pseudo-query keeps the largest terms of a row, and half of them also take the largest terms of a
 * second row, landing between documents as queries do. The curve has the dense families' form
 * (RecallCurve) and is chosen from the same way.
 */
import { xorshift32 } from '../../kernels/xorshift.js';
import { normalizeSparse, type SparseMatrix, type SparseVector } from '../../kernels/sparse-matrix.js';
import { DEEP_SEARCH, type RecallCurve, type RecallPoint, type RecallTuningOptions } from '../dense/recall-tuning.js';
import type { SparseIndex } from './sparse-family.js';
import { EXACT_SPARSE_FAMILY } from './exact/exact-family.js';

/** Terms a pseudo-query keeps from each row it is made of. */
const QUERY_TERMS = 20;
/** Sparse indexes with fewer rows are not tuned. */
export const MIN_TUNED_SPARSE_ROWS = 1000;

const NO_FILTER = { excluded: null, allowed: null };

/** Measures `settings` (cheapest first) of `index`, built over `rows`. */
export function measureSparseRecallCurve(
  index: SparseIndex,
  rows: SparseMatrix,
  settings: readonly Record<string, number>[],
  options: Omit<RecallTuningOptions, 'queries'> = {},
): RecallCurve {
  const k = options.k ?? 10;
  const exact = EXACT_SPARSE_FAMILY.build(rows, {});
  const queries = pseudoQueries(rows, options.sample ?? 200, options.seed ?? 7);
  const truth = queries.map((q) => new Set(exact.searchRows(q, k, {}, NO_FILTER).ids));
  const deep = Math.min(DEEP_SEARCH, rows.rows);
  const points: RecallPoint[] = [];
  for (const params of settings) {
    let hits = 0;
    let micros = Infinity;
    for (let pass = 0; pass < 2; pass++) {
      const start = performance.now();
      queries.forEach((q, i) => {
        const got = index.searchRows(q, k, params, NO_FILTER).ids;
        if (pass === 0) for (const id of got) if (truth[i]!.has(id)) hits++;
      });
      micros = Math.min(micros, ((performance.now() - start) * 1000) / queries.length);
    }
    let deepHits = 0;
    queries.forEach((q, i) => {
      const got = index.searchRows(q, deep, params, NO_FILTER).ids;
      for (let j = 0; j < Math.min(k, got.length); j++) if (truth[i]!.has(got[j]!)) deepHits++;
    });
    points.push({ params: { ...params }, recall: hits / (queries.length * k), deepRecall: deepHits / (queries.length * k), micros });
  }
  return { k, queries: queries.length, source: 'sampled', points };
}

/** Pseudo-queries: the largest terms of a row (and, for half of them, of a second row). */
function pseudoQueries(rows: SparseMatrix, count: number, seed: number): SparseVector[] {
  const rand = xorshift32(seed);
  const nonEmpty: number[] = [];
  for (let r = 0; r < rows.rows; r++) if (rows.indptr[r + 1]! > rows.indptr[r]!) nonEmpty.push(r);
  const out: SparseVector[] = [];
  for (let q = 0; q < Math.min(count, nonEmpty.length); q++) {
    const weights = new Map<number, number>();
    const sources = 1 + (q % 2);
    for (let s = 0; s < sources; s++) {
      const r = nonEmpty[Math.floor(rand() * nonEmpty.length)]!;
      const terms: [number, number][] = [];
      for (let j = rows.indptr[r]!; j < rows.indptr[r + 1]!; j++) terms.push([rows.indices[j]!, rows.values[j]!]);
      terms.sort((a, b) => b[1] - a[1]);
      for (const [t, w] of terms.slice(0, QUERY_TERMS)) weights.set(t, (weights.get(t) ?? 0) + w);
    }
    out.push(normalizeSparse([...weights.keys()], [...weights.values()], 'pseudo-query'));
  }
  return out;
}
