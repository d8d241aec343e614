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
  /** Name of the family whose format writes this index (its definition in dense-registry.ts). */
  readonly family: string;
  readonly dim: number;
  readonly metric: DenseMetric;
  /** Number of rows (including deleted ones). */
  readonly size: number;
  search(query: Float32Array, k: number, opts?: O): DenseHits;
  /** Searches `queries` (rows of `dim`) one after another. */
  searchBatch(queries: Float32Array, k: number, opts?: O): DenseHits[];
  /**
   * Row `r` of the floats the index was built from (normalized for cosine), for exact
   * scores of single documents (feedback, reranking): a view of memory, or one read
   * when the index left its floats on disk. Null when it kept no floats.
   */
  floatRow(r: number): Float32Array | null;
  /**
   * Every float row the index was built from (normalized for cosine), to rebuild
   * indexes when segments merge (read whole from disk when the index left them there).
   * Null when it kept no floats.
   */
  floatRows(): Float32Array | null;
  /** Closes the file the index reads its rescoring floats from, if it left them on disk. */
  close(): void;
}
