/**
 * The interface every text encoder offers: a query side and a document side (which
 * may differ by prefixes, query augmentation or an inference-free query encoder),
 * batched and asynchronous, with progress on long document jobs. `T` is what one
 * text becomes: a dense vector, sparse token weights, or token vectors.
 */

/** Progress callback: texts done so far, out of total. */
export type EncodeProgressCallback = (done: number, total: number) => void;

/** Turns texts into representations of type T. */
export interface Encoder<T> {
  encodeQueries(texts: readonly string[], onProgress?: EncodeProgressCallback): Promise<T[]>;
  encodeDocuments(texts: readonly string[], onProgress?: EncodeProgressCallback): Promise<T[]>;
}

/** Scores (query, document) pairs, for reranking. */
export interface PairScorer {
  score(query: string, documents: readonly string[], onProgress?: EncodeProgressCallback): Promise<Float32Array>;
}
