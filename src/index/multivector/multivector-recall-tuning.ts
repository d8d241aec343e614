/**
 * Recall targets for MUVERA fields (Jayaram et al., "MUVERA: Multi-Vector Retrieval via Fixed
 * Dimensional Encodings", NeurIPS 2024): the recall@10 of each candidate depth (how many
 * documents the encodings propose for exact MaxSim), measured when a segment is built against
 * exhaustive MaxSim, on pseudo-queries made of token vectors of the segment's documents: a few
 * tokens of one document, or of two (landing between documents as queries do). The curve has
 * the dense families' form and is chosen from the same way.
 */
import { xorshift32 } from '../../kernels/xorshift.js';
import { DEEP_SEARCH, type RecallCurve, type RecallPoint } from '../dense/recall-tuning.js';
import type { MultiVectorIndex } from './multivector-index.js';

/** Candidate depths measured, cheapest first (100 is the default). */
export const MUVERA_CANDIDATE_SETTINGS: readonly number[] = [20, 50, 100, 200, 400, 800, 1600, 3200];
/** Token vectors a pseudo-query takes from each document it is made of. */
const QUERY_TOKENS = 6;
/** Multiply-adds the exhaustive reference may spend on one segment before fewer pseudo-queries are used. */
const EXHAUSTIVE_BUDGET = 4e9;
/** Fewest pseudo-queries a curve is measured on. */
const MIN_QUERIES = 20;
/** Fields with fewer documents are not tuned. */
export const MIN_TUNED_MULTIVECTOR_DOCS = 1000;

/** The curve of a MUVERA index; undefined without MUVERA or under MIN_TUNED_MULTIVECTOR_DOCS documents. */
export function tuneMultiVector(
  index: MultiVectorIndex,
  options: { k?: number; sample?: number; seed?: number } = {},
): RecallCurve | undefined {
  if (!index.approximate || index.size < MIN_TUNED_MULTIVECTOR_DOCS) return undefined;
  const k = options.k ?? 10;
  // exhaustive MaxSim is the costly part (every token of the segment per query token): bound it
  const perQuery = index.data.offsets[index.size]! * QUERY_TOKENS * 1.5 * index.data.dim;
  const affordable = Math.floor(EXHAUSTIVE_BUDGET / Math.max(1, perQuery));
  const queries = pseudoQueries(index, options.sample ?? Math.max(MIN_QUERIES, Math.min(100, affordable)), options.seed ?? 7);
  const truth = queries.map((q) => new Set(index.exhaustive(q, k).ids));
  const deep = Math.min(DEEP_SEARCH, index.size);
  const points: RecallPoint[] = [];
  // depths below the document count, and the first that covers them all (an exhaustive MaxSim)
  const depths = MUVERA_CANDIDATE_SETTINGS.filter(
    (c, i) => c < index.size || (i > 0 && MUVERA_CANDIDATE_SETTINGS[i - 1]! < index.size) || i === 0,
  );
  for (const candidates of depths) {
    let hits = 0;
    let deepHits = 0;
    const start = performance.now();
    queries.forEach((q, i) => {
      for (const id of index.search(q, k, { candidates }).ids) if (truth[i]!.has(id)) hits++;
    });
    const micros = ((performance.now() - start) * 1000) / queries.length;
    queries.forEach((q, i) => {
      const got = index.search(q, deep, { candidates }).ids;
      for (let j = 0; j < Math.min(k, got.length); j++) if (truth[i]!.has(got[j]!)) deepHits++;
    });
    points.push({ params: { candidates }, recall: hits / (queries.length * k), deepRecall: deepHits / (queries.length * k), micros });
  }
  return { k, queries: queries.length, source: 'sampled', points };
}

/** Pseudo-queries, prepared for search: a few token rows of one document, or of two. */
function pseudoQueries(index: MultiVectorIndex, count: number, seed: number): Float32Array[] {
  const rand = xorshift32(seed);
  const dim = index.data.dim;
  const out: Float32Array[] = [];
  for (let q = 0; q < count; q++) {
    const rows: number[] = [];
    for (let s = 0; s < 1 + (q % 2); s++) {
      const doc = index.documentRows(Math.floor(rand() * index.size));
      const tokens = doc.length / dim;
      for (let t = 0; t < Math.min(QUERY_TOKENS, tokens); t++) {
        const pick = Math.floor(rand() * tokens);
        for (let j = 0; j < dim; j++) rows.push(doc[pick * dim + j]!);
      }
    }
    if (rows.length > 0) out.push(index.prepareQuery(Float32Array.from(rows)));
  }
  return out;
}
