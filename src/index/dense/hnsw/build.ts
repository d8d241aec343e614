/** Builds an HNSW index by inserting rows one at a time (reproducible for a seed). */
import { HnswGraph } from './graph.js';
import { checkParamRanges } from '../../param-ranges.js';
import { HNSW_DEFAULTS, HNSW_PARAM_RANGES, type HnswParams } from './params.js';
import { HnswIndex } from './hnsw-index.js';

/** Builds an index over `vectors` (rows of `params.dim`); `onProgress` is called every 1,000 rows. */
export function buildHnsw(
  vectors: Float32Array,
  params: Partial<HnswParams> & Pick<HnswParams, 'dim' | 'metric'>,
  onProgress?: (done: number, total: number) => void,
): HnswIndex {
  checkParamRanges(HNSW_PARAM_RANGES, params, params.dim);
  const p: HnswParams = { ...HNSW_DEFAULTS, ...params };
  const index = new HnswIndex(new HnswGraph(p), p);
  const total = vectors.length / p.dim;
  for (let r = 0; r < total; r += 1000) {
    index.add(vectors.subarray(r * p.dim, Math.min(total, r + 1000) * p.dim));
    onProgress?.(Math.min(total, r + 1000), total);
  }
  return index;
}
