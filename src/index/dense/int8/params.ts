/**
 * Parameters of int8 scalar-quantized dense indexes: rows kept as one byte
 * per dimension (4x smaller than float32), scanned with the query in float,
 * then the best candidates rescored from stored floats.
 */
import type { DenseMetric } from '../dense-types.js';
import { RESCORE_RANGE, SEED_RANGE, type ParamRanges } from '../../param-ranges.js';

/** Settings of an int8 index. */
export interface Int8Params {
  dim: number;
  metric: DenseMetric;
  /** Range-fitting quantile (1 = min/max). */
  quantile: number;
  /** Candidates rescored exactly, as a multiple of k (0 = no rescoring). */
  rescore: number;
  /**
   * Rescore from low-rank + sparse rows instead of floats held in memory (0: off): each row kept
   * as `lowRank` coefficients on a basis fitted by randomized SVD plus its `sparseResidual` largest
   * leftover entries (4 lowRank + 6 sparseResidual bytes per row); the exact floats stay in the
   * index file, read only to merge or re-encode.
   */
  lowRank: number;
  /** Residual entries kept per row with lowRank (default 8). */
  sparseResidual: number;
  /** Seed of the randomized SVD. */
  seed: number;
}

/** Defaults: ranges clipped at the 0.999 quantile, 4 x k candidates rescored from floats (no low-rank rows). */
export const INT8_DEFAULTS = { quantile: 0.999, rescore: 4, lowRank: 0, sparseResidual: 8, seed: 7 } as const;

/** The values int8's parameters may take (a quantile of 0.5 or less would clip every range to nothing). */
export const INT8_PARAM_RANGES: ParamRanges = {
  quantile: { min: 0.5, minExclusive: true, max: 1, integer: false },
  rescore: RESCORE_RANGE,
  lowRank: { min: 0, integer: true, atMostDim: true },
  sparseResidual: { min: 0, integer: true, atMostDim: true },
  seed: SEED_RANGE,
};
