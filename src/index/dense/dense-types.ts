/** Types shared by the dense vector index families (flat, hnsw, binary, ivfpq). */
import type { Bitset } from '../../kernels/bitset.js';

/** Similarity of a dense field. `cosine` vectors are normalized on insert and at query time. */
export type DenseMetric = 'cosine' | 'dot' | 'l2';

/** Result of a dense search: row numbers and similarities (higher is better; -squared distance for l2), best first. */
export interface DenseHits {
  ids: Int32Array;
  scores: Float32Array;
}

/** Options every dense family accepts. */
export interface DenseSearchOptions {
  /** Only these rows may be returned. */
  allow?: Bitset | null;
}

/** What every dense index can do. */
export interface DenseIndex<O extends DenseSearchOptions = DenseSearchOptions> {
  readonly dim: number;
  readonly metric: DenseMetric;
  /** Number of rows (including deleted ones). */
  readonly size: number;
  search(query: Float32Array, k: number, opts?: O): DenseHits;
  /** Searches `queries` (rows of `dim`) one after another. */
  searchBatch(queries: Float32Array, k: number, opts?: O): DenseHits[];
}
