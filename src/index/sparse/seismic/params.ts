/**
 * Parameters of Seismic ("Efficient Inverted Indexes for Approximate
 * Retrieval over Learned Sparse Representations", Bruch, Nardini, Rulli,
 * Venturini, SIGIR 2024; kNN refinement from their CIKM 2024 paper), named as
 * in the paper and its reference implementation.
 */
import { QuarryError } from '../../../core/quarry-error.js';
import { SEED_RANGE, type ParamRanges, type SearchParamRanges } from '../../param-ranges.js';

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
  /**
   * Visit the first list's blocks from the highest summary score down (the
   * reference implementation's `sorted`): faster, since the heap fills with
   * good documents early, at some cost in recall.
   */
  sorted: boolean;
}

/**
 * Defaults checked on the synthetic SPLADE-like collection (bench/sparse, 1M
 * documents: recall@10 0.999 with the search defaults, 0.984 at queryCut 3,
 * heapFactor 0.9, sorted; summaryEnergy 0.3 trades recall for speed, 0.952 at
 * 0.29 ms, but loses short queries' neighbours); the paper's MS MARCO settings
 * are nPostings 3000-6000, centroidFraction 0.1-0.2, summaryEnergy 0.4-0.6.
 * See docs/benchmarks.md.
 */
export const SEISMIC_BUILD_DEFAULTS: SeismicBuildParams = {
  nPostings: 2000,
  maxFraction: 1.5,
  centroidFraction: 0.05,
  summaryEnergy: 0.5,
  minClusterSize: 2,
  kmeansDocCut: 15,
  valueBits: 16,
  knn: 0,
  seed: 42,
};

/** The values the build parameters may take. */
export const SEISMIC_PARAM_RANGES: ParamRanges = {
  nPostings: { min: 1, integer: true },
  maxFraction: { min: 1, integer: false },
  centroidFraction: { min: 0, minExclusive: true, max: 1, integer: false },
  summaryEnergy: { min: 0, minExclusive: true, max: 1, integer: false },
  minClusterSize: { min: 1, integer: true },
  kmeansDocCut: { min: 1, integer: true },
  valueBits: { min: 16, max: 32, integer: true, oneOf: [16, 32] },
  knn: { min: 0, integer: true },
  seed: SEED_RANGE,
};

/** Search defaults. */
export const SEISMIC_SEARCH_DEFAULTS: SeismicSearchParams = { queryCut: 10, heapFactor: 0.8, nKnn: 0, sorted: false };

/**
 * Search settings with defaults filled in, checked: queryCut a positive
 * integer, heapFactor a number >= 0, nKnn a non-negative integer, sorted
 * a boolean (1 and 0 accepted, for number-valued parameter maps).
 */
export function resolveSeismicSearchParams(given: Partial<Record<keyof SeismicSearchParams, unknown>>): SeismicSearchParams {
  const d = SEISMIC_SEARCH_DEFAULTS;
  const queryCut = given.queryCut ?? d.queryCut;
  const heapFactor = given.heapFactor ?? d.heapFactor;
  const nKnn = given.nKnn ?? d.nKnn;
  const sorted = given.sorted ?? d.sorted;
  const bad = (field: string, value: unknown, want: string): never => {
    throw new QuarryError('BAD_ARGUMENT', `${field} must be ${want}, got ${JSON.stringify(value)}`, { field: `params.${field}` });
  };
  if (typeof queryCut !== 'number' || !Number.isInteger(queryCut) || queryCut < 1) bad('queryCut', queryCut, 'a positive integer');
  if (typeof heapFactor !== 'number' || !(heapFactor >= 0))
    bad('heapFactor', heapFactor, 'a number >= 0 (usually 0.7-1; 0 skips no block)');
  if (typeof nKnn !== 'number' || !Number.isInteger(nKnn) || nKnn < 0) bad('nKnn', nKnn, 'a non-negative integer');
  if (sorted !== true && sorted !== false && sorted !== 1 && sorted !== 0) bad('sorted', sorted, 'true or false');
  return { queryCut: queryCut as number, heapFactor: heapFactor as number, nKnn: nKnn as number, sorted: sorted === true || sorted === 1 };
}

/** Search parameters of a Seismic field; Seismic checks their values itself (`sorted` may be a boolean or 0/1). */
export const SEISMIC_SEARCH_PARAMS: SearchParamRanges = { queryCut: null, heapFactor: null, nKnn: null, sorted: null };
