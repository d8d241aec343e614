/**
 * Parameters of int8 scalar-quantized dense indexes: rows kept as one byte
 * per dimension (4x smaller than float32), scanned with the query in float,
 * then the best candidates rescored from stored floats.
 */
import type { DenseMetric } from '../dense-types.js';
import { RESCORE_RANGE, type ParamRanges } from '../../param-ranges.js';

/** Settings of an int8 index. */
export interface Int8Params {
  dim: number;
  metric: DenseMetric;
  /** Range-fitting quantile (1 = min/max). */
  quantile: number;
  /** Candidates rescored exactly, as a multiple of k (0 = no rescoring). */
  rescore: number;
}

/** Defaults: ranges clipped at the 0.999 quantile, 4 x k candidates rescored. */
export const INT8_DEFAULTS = { quantile: 0.999, rescore: 4 } as const;

/** The values int8's parameters may take (a quantile of 0.5 or less would clip every range to nothing). */
export const INT8_PARAM_RANGES: ParamRanges = {
  quantile: { min: 0.5, minExclusive: true, max: 1, integer: false },
  rescore: RESCORE_RANGE,
};
