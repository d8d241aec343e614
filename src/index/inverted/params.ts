/**
 * Parameters of the inverted index and of BM25 scoring (Robertson et al.;
 * Lucene's BM25Similarity, as Anserini uses it).
 */

/** BM25 parameters of a text field. */
export interface Bm25Params {
  /** Term-frequency saturation. Anserini's default 0.9. */
  k1: number;
  /** Document-length normalization. Anserini's default 0.4. */
  b: number;
}

/** Anserini's BM25 defaults (k1 = 0.9, b = 0.4). */
export const BM25_DEFAULTS: Readonly<Bm25Params> = { k1: 0.9, b: 0.4 };

/** Postings per block; each block records its largest frequency and shortest length for pruning. */
export const POSTINGS_BLOCK_SIZE = 128;

/** Within a block, the absolute document at every SKIP_INTERVAL-th posting is kept so that skipping reads at most this many gaps. */
export const SKIP_INTERVAL = 32;
