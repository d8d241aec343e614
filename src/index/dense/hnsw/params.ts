/**
 * Parameters of HNSW graphs (Malkov & Yashunin, "Efficient and robust
 * approximate nearest neighbor search using Hierarchical Navigable Small
 * World graphs", TPAMI 2020), named as in the paper.
 */
import type { DenseMetric } from '../dense-types.js';
import { SEED_RANGE, type ParamRanges } from '../../param-ranges.js';

/** Settings of an HNSW index. */
export interface HnswParams {
  dim: number;
  metric: DenseMetric;
  /** Neighbours per node on upper layers; layer 0 keeps 2M. */
  M: number;
  /** Candidate list size while inserting. */
  efConstruction: number;
  /** Default candidate list size while searching (raised to k when smaller). */
  efSearch: number;
  /** Seed of the level generator (builds are reproducible). */
  seed: number;
}

/** Defaults: M 16, efConstruction 200, efSearch 64 (hnswlib's common settings). */
export const HNSW_DEFAULTS = { M: 16, efConstruction: 200, efSearch: 64, seed: 42 } as const;

/**
 * The values HNSW's parameters may take: M >= 2 (the level multiplier is 1 / ln M)
 * and M <= 127 (a node's layer-0 link count, up to 2M, is kept in one byte).
 */
export const HNSW_PARAM_RANGES: ParamRanges = {
  M: { min: 2, max: 127, integer: true },
  efConstruction: { min: 1, integer: true },
  efSearch: { min: 1, integer: true },
  seed: SEED_RANGE,
};

/** Filters that leave at most this share of the rows are answered by an exact scan of the allowed rows. */
export const HNSW_EXACT_FILTER_SHARE = 0.02;
