/**
 * Multi-bit residual binarization, after BEBR ("Binary Embedding-based
 * Retrieval at Tencent", KDD 2023): the first bit plane is the sign of the
 * centred vector, scaled per dimension by the mean absolute deviation; each
 * further plane binarizes the residual left by the planes before it. The
 * reconstruction is centre + sum_t scale_t (*) sign_t. The centre is either
 * the mean of all rows or, as RaBitQ (Gao and Long, SIGMOD 2024) pairs its
 * codes with IVF centroids, the row's nearest k-means centroid: residuals from
 * nearby centres are shorter, so the same bits estimate inner products with
 * smaller error.
 */
import type { HadamardVariants } from './hadamard-variants.js';
import { planeLogits, type PlaneEncoder } from './plane-encoder.js';

/** A fitted binarizer. */
export interface ResidualBinarizer {
  dim: number;
  planes: number;
  /** Centres, k rows of dim: one (the mean) or the k-means centroids. */
  centres: Float32Array;
  /** scales[t * dim + d]: magnitude of plane t in dimension d. */
  scales: Float32Array;
  /**
   * A trained encoder choosing each plane's bits (see PlaneEncoder), or absent: bit d of plane t
   * is then the sign of the residual's dimension d.
   */
  encoder?: PlaneEncoder | null;
  /**
   * A trained linear decoder, or absent: plane t then reconstructs D_t b_t with
   * decoder[(t * dim + d) * dim + j] = D_t[d][j] (b in {-1, +1}^dim) instead of scale_t (*) b.
   * A query is scored against plane t with the weights D_tᵀ q (see planeWeights).
   */
  decoder?: Float32Array | null;
}

/**
 * The weights of query `q` (coded space) against each plane's signs, out[t * dim + j]: the code
 * estimate of <q, residual> is sum_t sum_j out[t * dim + j] b_tj.
 */
export function planeWeights(b: ResidualBinarizer, q: Float32Array, out: Float32Array): void {
  const { dim, planes, scales } = b;
  const decoder = b.decoder ?? null;
  for (let t = 0; t < planes; t++) {
    if (decoder === null) {
      for (let d = 0; d < dim; d++) out[t * dim + d] = q[d]! * scales[t * dim + d]!;
      continue;
    }
    for (let j = 0; j < dim; j++) out[t * dim + j] = 0;
    for (let d = 0; d < dim; d++) {
      const v = q[d]!;
      if (v === 0) continue;
      const row = (t * dim + d) * dim;
      for (let j = 0; j < dim; j++) out[t * dim + j]! += v * decoder[row + j]!;
    }
  }
}

/** Number of centres of a binarizer. */
export function centreCount(b: ResidualBinarizer): number {
  return b.centres.length / b.dim;
}

/** The centre of `b` nearest to `y` (coded space, squared distance). */
export function nearestCentreOf(b: ResidualBinarizer, y: Float32Array): number {
  const k = centreCount(b);
  let best = 0;
  let bestDist = Infinity;
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let d = 0; d < b.dim; d++) s += (y[d]! - b.centres[c * b.dim + d]!) ** 2;
    if (s < bestDist) {
      bestDist = s;
      best = c;
    }
  }
  return best;
}

/** Mean of the rows, as a one-row centre table. */
export function meanCentre(data: Float32Array, dim: number): Float32Array {
  const n = data.length / dim;
  const mean = new Float32Array(dim);
  for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) mean[d]! += data[r * dim + d]! / n;
  return mean;
}

/** Words of one bit plane of one vector. */
export function planeWords(dim: number): number {
  return Math.ceil(dim / 32);
}

/**
 * Writes row r, in the coordinates the binarizer codes (the rows themselves,
 * or an embedding of them), into `out`. Lets the build code rows it never
 * holds in those coordinates all at once.
 */
export type RowReader = (r: number, out: Float32Array) => void;

/** Each row's basis (see HadamardVariants): residuals are coded after T_of[r]. */
export interface RowVariants {
  transforms: HadamardVariants;
  of: Uint8Array;
}

/**
 * Fits a binarizer with `planes` bit planes on n rows of `dim`, coding each
 * row relative to `centres[assign[r]]` (centres: k rows; assign null = centre 0).
 */
export function fitResidualBinarizer(
  read: RowReader,
  n: number,
  dim: number,
  planes: number,
  centres: Float32Array,
  assign: Uint16Array | null,
  variants: RowVariants | null = null,
): ResidualBinarizer {
  const scales = new Float32Array(planes * dim);
  const sums = new Float64Array(dim);
  const residual = new Float32Array(dim);
  // One pass per plane, recomputing each row's residual from the planes fitted
  // so far: no n x dim residual copy next to the rows.
  for (let t = 0; t < planes; t++) {
    sums.fill(0);
    for (let r = 0; r < n; r++) {
      centredRow(read, r, centres, assign, residual, variants);
      for (let u = 0; u < t; u++) subtractPlane(residual, scales, u * dim);
      for (let d = 0; d < dim; d++) sums[d]! += Math.abs(residual[d]!);
    }
    // The least-squares scale of sign codes in each dimension is the mean absolute residual.
    for (let d = 0; d < dim; d++) scales[t * dim + d] = sums[d]! / n;
  }
  return { dim, planes, centres, scales };
}

/** Writes row r minus its centre into `out`, in the row's basis. */
function centredRow(
  read: RowReader,
  r: number,
  centres: Float32Array,
  assign: Uint16Array | null,
  out: Float32Array,
  variants: RowVariants | null = null,
): void {
  read(r, out);
  const dim = out.length;
  const c = (assign === null ? 0 : assign[r]!) * dim;
  for (let d = 0; d < dim; d++) out[d]! -= centres[c + d]!;
  if (variants !== null) variants.transforms.apply(variants.of[r]!, out);
}

/** Removes one plane's reconstruction (scale times sign of the residual) from the residual. */
function subtractPlane(residual: Float32Array, scales: Float32Array, from: number): void {
  for (let d = 0; d < residual.length; d++) residual[d]! -= residual[d]! >= 0 ? scales[from + d]! : -scales[from + d]!;
}

/**
 * Encodes n rows into packed codes: for each row, `planes` planes of
 * planeWords(dim) words; bit d of plane t is 1 when the residual is >= 0.
 */
export function encodeResidualBits(
  b: ResidualBinarizer,
  read: RowReader,
  n: number,
  assign: Uint16Array | null,
  variants: RowVariants | null = null,
): Uint32Array {
  const { dim, planes } = b;
  const words = planeWords(dim);
  const codes = new Uint32Array(n * planes * words);
  const residual = new Float32Array(dim);
  const scratch = planeScratch(b);
  for (let r = 0; r < n; r++) {
    centredRow(read, r, b.centres, assign, residual, variants);
    codeResidualPlanes(b, residual, codes, r * planes * words, scratch);
  }
  return codes;
}

/** Work buffers of codeResidualPlanes for binarizer `b`. */
export interface PlaneScratch {
  pre: Float32Array;
  z: Float32Array;
}

/** Buffers for codeResidualPlanes. */
export function planeScratch(b: ResidualBinarizer): PlaneScratch {
  return { pre: new Float32Array(b.encoder?.hidden ?? 0), z: new Float32Array(b.dim) };
}

/**
 * Writes the planes of one centred `residual` into `codes` from word `base` (which must be zero)
 * and leaves in `residual` what the planes do not reconstruct.
 */
export function codeResidualPlanes(
  b: ResidualBinarizer,
  residual: Float32Array,
  codes: Uint32Array,
  base: number,
  scratch: PlaneScratch,
): void {
  const { dim, planes, scales } = b;
  const words = planeWords(dim);
  const encoder = b.encoder ?? null;
  for (let t = 0; t < planes; t++) {
    const at = base + t * words;
    const from = t * dim;
    if (encoder === null) {
      for (let d = 0; d < dim; d++) if (residual[d]! >= 0) codes[at + (d >>> 5)]! |= 1 << (d & 31);
      subtractPlane(residual, scales, from);
      continue;
    }
    planeLogits(encoder, t, residual, scratch.pre, scratch.z);
    const z = scratch.z;
    for (let d = 0; d < dim; d++) if (z[d]! >= 0) codes[at + (d >>> 5)]! |= 1 << (d & 31);
    const decoder = b.decoder ?? null;
    if (decoder === null) {
      for (let d = 0; d < dim; d++) residual[d]! -= z[d]! >= 0 ? scales[from + d]! : -scales[from + d]!;
      continue;
    }
    for (let d = 0; d < dim; d++) {
      const row = (t * dim + d) * dim;
      let v = 0;
      for (let j = 0; j < dim; j++) v += z[j]! >= 0 ? decoder[row + j]! : -decoder[row + j]!;
      residual[d]! -= v;
    }
  }
}

/**
 * Per-row terms of the code estimate, one float each per row.
 *
 * `corrections` (after RaBitQ, Gao and Long, SIGMOD 2024): with r the centred
 * row and x its reconstruction from the codes (without the centre),
 * <r, q> ~= f <x, q> with f = |r|^2 / <x, r>. The ratio form is exact for q = r
 * and, unlike the plain reconstruction, does not favour rows whose codes happen
 * to reconstruct them long (f = 0 for a row equal to its centre).
 *
 * `offsets` make the estimate exact along the row's centre c (RaBitQ's
 * query-residual idea in a form that scans rows in any order): f <v, x> is
 * linear in v, so its error for the query q splits into its error for q - c and
 * its error for c itself. The latter is known when the row is coded, and the
 * offset <r, c> - f <x, c> removes it, leaving an error that scales with
 * |q - c| rather than |q|: small for queries near the row's centre, where its
 * true neighbours are.
 */
export function residualRowTerms(
  b: ResidualBinarizer,
  read: RowReader,
  n: number,
  codes: Uint32Array,
  assign: Uint16Array | null,
  variants: RowVariants | null = null,
): { corrections: Float32Array; offsets: Float32Array } {
  const dim = b.dim;
  const corrections = new Float32Array(n);
  const offsets = new Float32Array(n);
  const x = new Float64Array(dim);
  const v = new Float32Array(dim);
  // the row's centre in the row's basis
  const tc = new Float32Array(dim);
  for (let r = 0; r < n; r++) {
    reconstructResidual(b, codes, r, x);
    centredRow(read, r, b.centres, assign, v, variants);
    const centre = (assign === null ? 0 : assign[r]!) * dim;
    tc.set(b.centres.subarray(centre, centre + dim));
    if (variants !== null) variants.transforms.apply(variants.of[r]!, tc);
    let rr = 0;
    let xr = 0;
    let rc = 0;
    let xc = 0;
    for (let d = 0; d < dim; d++) {
      const c = tc[d]!;
      rr += v[d]! * v[d]!;
      xr += x[d]! * v[d]!;
      rc += v[d]! * c;
      xc += x[d]! * c;
    }
    // the offset uses the factor as stored (float32), so that the two stay consistent
    const f = Math.fround(xr > 0 ? rr / xr : 0);
    corrections[r] = f;
    offsets[r] = rc - f * xc;
  }
  return { corrections, offsets };
}

/** Writes into `x` row r's reconstruction from its codes, without its centre: sum_t scale_t (*) sign_t. */
export function reconstructResidual(b: ResidualBinarizer, codes: Uint32Array, r: number, x: Float64Array): void {
  const { dim, planes } = b;
  const words = planeWords(dim);
  const decoder = b.decoder ?? null;
  if (decoder !== null) {
    x.fill(0);
    for (let t = 0; t < planes; t++) {
      const at = (r * planes + t) * words;
      for (let d = 0; d < dim; d++) {
        const row = (t * dim + d) * dim;
        let v = 0;
        for (let j = 0; j < dim; j++) v += ((codes[at + (j >>> 5)]! >>> (j & 31)) & 1) === 1 ? decoder[row + j]! : -decoder[row + j]!;
        x[d]! += v;
      }
    }
    return;
  }
  for (let d = 0; d < dim; d++) {
    let v = 0;
    for (let t = 0; t < planes; t++) {
      const bit = (codes[(r * planes + t) * words + (d >>> 5)]! >>> (d & 31)) & 1;
      v += bit === 1 ? b.scales[t * dim + d]! : -b.scales[t * dim + d]!;
    }
    x[d] = v;
  }
}
