/**
 * A deterministic synthetic collection shaped like SPLADE output on MS MARCO:
 * a BERT-sized vocabulary (30,522), Zipfian term popularity, skewed weights in
 * (0, 3] so a few terms carry most of a vector's mass, and topical structure
 * (each document and query mixes terms of one or two topics with background
 * terms) so that queries have genuine near neighbours.
 *
 * Seismic's paper reports for MS MARCO with SPLADE (CoCondenser): about 8.8M
 * passages, ~120 non-zeros per document and ~43 per query; this generator's
 * defaults are 120 and 40 (short variant: 8).
 */
import { Prng } from '../common/prng.js';
import { ZipfTable } from '../common/zipf-table.js';
import type { SparseMatrix } from '../../src/kernels/sparse-matrix.js';

/**
 * How a term's weight relates to its popularity. `informative` (default):
 * like SPLADE, whose weights are IDF-like (its FLOPS regularizer makes common
 * terms cost more), a term's weight is scaled by its inverse popularity, so
 * the terms carrying a vector's mass are the discriminative ones. `popular`:
 * the first version of this generator, where topic terms are drawn by
 * popularity and weighted regardless of it, so the heaviest terms of most
 * queries occur in a large share of all documents (see splade-stats.ts).
 */
export type SyntheticWeighting = 'informative' | 'popular';

/** Generator settings. */
export interface SyntheticSparseSettings {
  weighting: SyntheticWeighting;
  docs: number;
  queries: number;
  docNnz: number;
  queryNnz: number;
  vocabulary: number;
  topics: number;
  seed: number;
}

export const SYNTH_DEFAULTS: SyntheticSparseSettings = {
  weighting: 'informative',
  docs: 1_000_000,
  queries: 1000,
  docNnz: 120,
  queryNnz: 40,
  vocabulary: 30522,
  topics: 2000,
  seed: 2024,
};

/** Generates documents and queries as CSR matrices. */
export function generateSyntheticSparse(s: SyntheticSparseSettings): { docs: SparseMatrix; queries: SparseMatrix } {
  const rng = new Prng(s.seed);
  const zipf = new ZipfTable(s.vocabulary, 1.05);
  // A random permutation so that popular terms are spread over the id space.
  const perm = new Uint32Array(s.vocabulary);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  // Inverse popularity, scaled to (0, 1]: 1 for the rarest term. The cube puts the document
  // frequency of a query's five heaviest terms where real SPLADE queries have it (about 3%
  // here, 3.6% estimated for seismic-toy's queries; splade-stats.ts prints both).
  const informativeness = new Float32Array(s.vocabulary).fill(1);
  if (s.weighting === 'informative') {
    const rarest = -Math.log(zipf.probability(s.vocabulary - 1));
    for (let r = 0; r < s.vocabulary; r++) informativeness[perm[r]!] = (-Math.log(zipf.probability(r)) / rarest) ** 3;
  }
  const TOPIC_TERMS = 200;
  const topicTerms = new Uint32Array(s.topics * TOPIC_TERMS);
  for (let i = 0; i < topicTerms.length; i++) topicTerms[i] = perm[zipf.sample(rng.next() * 0.9 + 0.1 * rng.next())]!;
  const make = (n: number, nnz: number): SparseMatrix => {
    const indptr = new Float64Array(n + 1);
    const indices = new Uint32Array(n * nnz);
    const values = new Float32Array(n * nnz);
    const weight = new Map<number, number>();
    let off = 0;
    for (let r = 0; r < n; r++) {
      weight.clear();
      const t1 = rng.int(s.topics);
      const t2 = rng.next() < 0.5 ? rng.int(s.topics) : t1;
      while (weight.size < nnz) {
        const u = rng.next();
        let term: number;
        let w: number;
        if (u < 0.6) {
          const t = rng.next() < 0.7 ? t1 : t2;
          term = topicTerms[t * TOPIC_TERMS + Math.floor(rng.next() ** 2 * TOPIC_TERMS)]!;
          w = 0.2 + 2.8 * rng.next() ** 3; // topical terms carry most of the mass
        } else {
          term = perm[zipf.sample(rng.next())]!;
          w = 0.02 + 0.4 * rng.next() ** 4;
        }
        if (!weight.has(term)) weight.set(term, Math.min(3, w * informativeness[term]!));
      }
      const terms = [...weight.keys()].sort((a, b) => a - b);
      for (const t of terms) {
        indices[off] = t;
        values[off++] = weight.get(t)!;
      }
      indptr[r + 1] = off;
    }
    return { rows: n, dim: s.vocabulary, indptr, indices: indices.subarray(0, off), values: values.subarray(0, off) };
  };
  const docs = make(s.docs, s.docNnz);
  const queries = make(s.queries, s.queryNnz);
  return { docs, queries };
}
