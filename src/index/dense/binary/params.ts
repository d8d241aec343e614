/**
 * Parameters of binary-code indexes (BEBR, Tencent, KDD 2023; BPR, Yamada et
 * al., ACL 2021): rows kept as bit planes (32x smaller than float32 at one
 * bit per dimension), scored against the float query with popcounts over bit
 * planes, then the best candidates rescored exactly from stored floats.
 */
import type { DenseMetric } from '../dense-types.js';
import { RESCORE_RANGE, SEED_RANGE, type ParamRanges } from '../../param-ranges.js';
import { MAX_VARIANTS } from '../../../quantize/hadamard-variants.js';

/** Settings of a binary index. */
export interface BinaryParams {
  dim: number;
  metric: DenseMetric;
  /** Bit planes per dimension (1 = sign codes; more = residual planes). */
  planes: number;
  /** Bits of the query's weights when scoring with popcounts (1..8). */
  queryBits: number;
  /** Candidates rescored with exact floats, as a multiple of k (0 = no rescoring). */
  rescore: number;
  /**
   * Per-vector correction of the code estimate (`'vector'`, RaBitQ's ratio
   * estimator; one float per row) or none (`'none'`, BEBR's reconstruction).
   */
  correction: 'vector' | 'none';
  /**
   * Centres the codes are residuals from: 0 codes every row relative to the
   * mean of all rows (BEBR); c > 0 fits c k-means centroids and codes each row
   * relative to its nearest one (as RaBitQ pairs its codes with IVF centroids),
   * at 2 more bytes per row. Default: round(sqrt(rows)) from 1,024 rows up,
   * else 0.
   */
  centroids: number;
  /**
   * Code a seeded random orthogonal embedding of the rows instead of the rows
   * themselves (RaBitQ's random rotation), into as many dimensions as their
   * code words have bits (dim rounded up to a multiple of 32): the rotation
   * spreads each row's energy evenly over the signs, and a dim that is not a
   * multiple of 32 gets the padding bits its codes take anyway (100 -> 128 for
   * GloVe). Same code size; a codedDim x dim matrix per index and one product
   * with it per query. Default: only when dim is not a multiple of 32 (see
   * defaultBinaryRotate).
   */
  rotate: boolean;
  /**
   * Bases a row may be coded in (1..256, one byte per row when > 1): each row
   * takes whichever of `variants` randomized Hadamard bases gives its sign code
   * the smallest angle to it (see HadamardVariants), which shrinks the error of
   * the estimate; a query costs one fast transform per basis. Needs coded
   * dimensions divisible by 32 (with `rotate`, always). Default 1.
   */
  variants: number;
  /**
   * Centres each row may be coded against (1..16; with centroids > 0): each row
   * takes whichever of its `centreChoices` nearest centres (each in its best
   * basis) gives the smallest |r| tan θ, the part of RaBitQ's error bound a row
   * decides (see placeSignCodes). Same codes and per-row bytes; the build
   * chooses a basis for each candidate centre, so it takes about that many
   * times as long when variants > 1. Default 1 (the nearest centre).
   */
  centreChoices: number;
  /** Seed of the k-means centroids, of the rotation and of the variants. */
  seed: number;
}

/** The values the numeric binary parameters may take (centre numbers are stored as uint16). */
export const BINARY_PARAM_RANGES: ParamRanges = {
  planes: { min: 1, max: 8, integer: true },
  queryBits: { min: 1, max: 8, integer: true },
  rescore: RESCORE_RANGE,
  centroids: { min: 0, max: 65535, integer: true },
  variants: { min: 1, max: MAX_VARIANTS, integer: true },
  centreChoices: { min: 1, max: 16, integer: true },
  seed: SEED_RANGE,
};

/** The default number of centres for n rows. */
export function defaultBinaryCentroids(n: number): number {
  return n >= 1024 ? Math.min(65535, Math.round(Math.sqrt(n))) : 0;
}

/** Defaults: 1 plane, 4-bit query weights, rescoring 10 x k candidates, per-vector correction, one basis, the nearest centre (centroids: see defaultBinaryCentroids; rotate: defaultBinaryRotate). */
export const BINARY_DEFAULTS = {
  planes: 1,
  queryBits: 4,
  rescore: 10,
  correction: 'vector',
  variants: 1,
  centreChoices: 1,
  seed: 42,
} as const;

/**
 * Whether rows of `dim` are coded rotated by default: when dim is not a multiple
 * of 32, so the rotation fills padding bits (GloVe 100 -> 128 signs: recall@10
 * at 10 x k 0.841 -> 0.892). When it is, the rotation alone gained nothing
 * measurable (gauss 384: 0.976 -> 0.978) and would cost a dim x dim matrix in
 * every segment (9.4 MB at 1,536 dimensions) and a product with it per query.
 */
export function defaultBinaryRotate(dim: number): boolean {
  return dim % 32 !== 0;
}

/** Dimensions a binary index codes: dim, or with `rotate` every bit of dim's code words. */
export function codedDimensions(dim: number, rotate: boolean): number {
  return rotate ? Math.ceil(dim / 32) * 32 : dim;
}
