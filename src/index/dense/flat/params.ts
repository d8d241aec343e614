/** The flat (exact scan) dense index: no parameters beyond the field's dimension and metric. */
import type { DenseMetric } from '../dense-types.js';

/** Settings of a flat index. */
export interface FlatParams {
  dim: number;
  metric: DenseMetric;
}
