/**
 * Parameters of Seismic ("Efficient Inverted Indexes for Approximate
 * Retrieval over Learned Sparse Representations", Bruch, Nardini, Rulli,
 * Venturini, SIGIR 2024; kNN refinement from their CIKM 2024 paper), named as
 * in the paper and its reference implementation.
 */

/** Build settings. */
export interface SeismicBuildParams {
  /** Postings kept per list on average (static pruning). */
  nPostings: number;
  /** A list keeps at most maxFraction x nPostings postings. */
  maxFraction: number;
  /** Blocks per list as a fraction of the list's length. */
  centroidFraction: number;
  /** Fraction of a block summary's L1 mass that is kept. */
  summaryEnergy: number;
  /** Clusters smaller than this are merged into one leftover block per list. */
  minClusterSize: number;
  /** Terms of a document used to assign it to a cluster (approximate k-means). */
  kmeansDocCut: number;
  /** Bits of the forward index's values: 32 (float32) or 16 (half precision). */
  valueBits: 16 | 32;
  /** Neighbours per document in the kNN graph (0 = no graph). */
  knn: number;
  seed: number;
}

/** Search settings. */
export interface SeismicSearchParams {
  /** Query terms (largest weights) whose lists are visited. */
  queryCut: number;
  /** A block is skipped when its summary score < heapFactor x the current k-th score. */
  heapFactor: number;
  /** Graph neighbours of each result that are also scored (needs knn > 0 at build). */
  nKnn: number;
}

/**
 * Defaults tuned on the synthetic SPLADE-like collection (bench/sparse, 100k
 * documents: recall@10 0.97 at queryCut 5, heapFactor 0.9); the paper's
 * MS MARCO settings are nPostings 3000-6000, centroidFraction 0.1-0.2,
 * summaryEnergy 0.4-0.6. See docs/benchmarks.md.
 */
export const SEISMIC_BUILD_DEFAULTS: SeismicBuildParams = {
  nPostings: 2000,
  maxFraction: 1.5,
  centroidFraction: 0.05,
  summaryEnergy: 0.3,
  minClusterSize: 2,
  kmeansDocCut: 15,
  valueBits: 16,
  knn: 0,
  seed: 42,
};

/** Search defaults. */
export const SEISMIC_SEARCH_DEFAULTS: SeismicSearchParams = { queryCut: 10, heapFactor: 0.8, nKnn: 0 };
