/**
 * Deterministic synthetic documents for the ingest benchmark: document i always
 * has the same text (Zipfian words), learned-sparse vector (~120 Zipfian terms,
 * skewed weights) and 64-d dense vector (one of 64 Gaussian clusters), so a
 * writer in another process and the benchmark agree on every document.
 */
import { xorshift32 } from '../../src/kernels/xorshift.js';

export const DENSE_DIM = 64;
const VOCAB = 50_000;
const SPARSE_VOCAB = 30_522;

/** The schema: BM25 text, exact sparse, and a dense field with the given index. */
export function ingestSchema(denseIndex: string): Record<string, unknown> {
  return {
    id: '_id',
    fields: {
      text: { type: 'text' },
      splade: { type: 'sparse' },
      emb: { type: 'dense', dim: DENSE_DIM, metric: 'cosine', index: denseIndex },
      year: { type: 'number' },
    },
    store: ['year'],
  };
}

/** A Zipf(1) draw over [0, n) by inverse transform of a continuous approximation. */
function zipf(u: number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(u * Math.log(n + 1)) - 1));
}

/** Document i. */
export function syntheticDoc(i: number): Record<string, unknown> {
  const r = xorshift32(i * 2654435761 + 1);
  const words: string[] = [];
  const len = 20 + Math.floor(r() * 40);
  for (let w = 0; w < len; w++) words.push(`w${zipf(r(), VOCAB).toString(36)}`);
  const splade: Record<string, number> = {};
  const nnz = 80 + Math.floor(r() * 80);
  for (let t = 0; t < nnz; t++) splade[String(zipf(r(), SPARSE_VOCAB))] = Math.round((0.05 + 2.95 * r() ** 3) * 1000) / 1000;
  const cluster = i % 64;
  const c = xorshift32(cluster + 7);
  const emb: number[] = [];
  for (let d = 0; d < DENSE_DIM; d++) emb.push(Math.round((c() * 2 - 1 + 0.3 * (r() - 0.5)) * 1e4) / 1e4);
  return { _id: `d${i}`, text: words.join(' '), splade, emb, year: 1990 + (i % 35) };
}

/** Query j: a few frequent-ish words, a sparse query, and a dense vector near a cluster. */
export function syntheticQuery(j: number): { text: string; sparse: Record<string, number>; vector: number[] } {
  const r = xorshift32(j * 40503 + 99);
  const words: string[] = [];
  for (let w = 0; w < 4; w++) words.push(`w${zipf(r() * 0.7, VOCAB).toString(36)}`);
  const sparse: Record<string, number> = {};
  for (let t = 0; t < 30; t++) sparse[String(zipf(r(), SPARSE_VOCAB))] = 0.1 + r() * 2;
  const c = xorshift32((j % 64) + 7);
  const vector: number[] = [];
  for (let d = 0; d < DENSE_DIM; d++) vector.push(c() * 2 - 1 + 0.3 * (r() - 0.5));
  return { text: words.join(' '), sparse, vector };
}
