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

/** A fitted binarizer. */
export interface ResidualBinarizer {
  dim: number;
  planes: number;
  /** Centres, k rows of dim: one (the mean) or the k-means centroids. */
  centres: Float32Array;
  /** scales[t * dim + d]: magnitude of plane t in dimension d. */
  scales: Float32Array;
}

/** Number of centres of a binarizer. */
export function centreCount(b: ResidualBinarizer): number {
  return b.centres.length / b.dim;
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
 * Fits a binarizer with `planes` bit planes on rows of `dim`, coding each row
 * relative to `centres[assign[r]]` (centres: k rows; assign null = centre 0).
 */
export function fitResidualBinarizer(data: Float32Array, dim: number, planes: number, centres: Float32Array, assign: Uint16Array | null): ResidualBinarizer {
  const n = data.length / dim;
  const scales = new Float32Array(planes * dim);
  const residual = new Float32Array(data.length);
  for (let r = 0; r < n; r++) {
    const c = (assign === null ? 0 : assign[r]!) * dim;
    for (let d = 0; d < dim; d++) residual[r * dim + d] = data[r * dim + d]! - centres[c + d]!;
  }
  for (let t = 0; t < planes; t++) {
    // The least-squares scale of sign codes in each dimension is the mean absolute residual.
    for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) scales[t * dim + d]! += Math.abs(residual[r * dim + d]!) / n;
    for (let i = 0; i < residual.length; i++) {
      const d = i % dim;
      residual[i]! -= residual[i]! >= 0 ? scales[t * dim + d]! : -scales[t * dim + d]!;
    }
  }
  return { dim, planes, centres, scales };
}

/**
 * Encodes rows into packed codes: for each row, `planes` planes of
 * planeWords(dim) words; bit d of plane t is 1 when the residual is >= 0.
 */
export function encodeResidualBits(b: ResidualBinarizer, data: Float32Array, assign: Uint16Array | null): Uint32Array {
  const { dim, planes } = b;
  const n = data.length / dim;
  const words = planeWords(dim);
  const codes = new Uint32Array(n * planes * words);
  const residual = new Float32Array(dim);
  for (let r = 0; r < n; r++) {
    const c = (assign === null ? 0 : assign[r]!) * dim;
    for (let d = 0; d < dim; d++) residual[d] = data[r * dim + d]! - b.centres[c + d]!;
    for (let t = 0; t < planes; t++) {
      const base = (r * planes + t) * words;
      for (let d = 0; d < dim; d++) {
        const s = b.scales[t * dim + d]!;
        if (residual[d]! >= 0) {
          codes[base + (d >>> 5)]! |= 1 << (d & 31);
          residual[d]! -= s;
        } else residual[d]! += s;
      }
    }
  }
  return codes;
}

/**
 * Per-vector corrections of the code estimate (after RaBitQ, Gao and Long,
 * SIGMOD 2024): with r the centred row and x its reconstruction from the codes
 * (without the centre), <r, q> ~= |r|^2 <x, q> / <x, r>. The ratio form is exact
 * for q = r and, unlike the plain reconstruction, does not favour rows whose
 * codes happen to reconstruct them long. Returns |r|^2 / <x, r> per row (0 for
 * a row equal to its centre).
 */
export function residualCorrections(b: ResidualBinarizer, data: Float32Array, codes: Uint32Array, assign: Uint16Array | null): Float32Array {
  const { dim, planes } = b;
  const n = data.length / dim;
  const words = planeWords(dim);
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const centre = (assign === null ? 0 : assign[r]!) * dim;
    let rr = 0;
    let xr = 0;
    for (let d = 0; d < dim; d++) {
      const c = data[r * dim + d]! - b.centres[centre + d]!;
      let x = 0;
      for (let t = 0; t < planes; t++) {
        const bit = (codes[(r * planes + t) * words + (d >>> 5)]! >>> (d & 31)) & 1;
        x += bit === 1 ? b.scales[t * dim + d]! : -b.scales[t * dim + d]!;
      }
      rr += c * c;
      xr += x * c;
    }
    out[r] = xr > 0 ? rr / xr : 0;
  }
  return out;
}

/**
 * Per-row offsets that make the estimate exact along the row's centre (the
 * query-residual idea of RaBitQ, Gao and Long, SIGMOD 2024, in a form that
 * scans rows in any order). The code estimate f * <v, x> of <v, r> (x the
 * reconstruction, f the row's correction, 1 without) is linear in v, so its
 * error for the query q splits into its error for q - c and its error for the
 * centre c itself. The latter is known when the row is coded: the offset
 * <r, c> - f * <x, c> removes it, leaving an error that scales with |q - c|
 * rather than |q|, i.e. small for queries near the row's centre, where its
 * true neighbours are.
 */
export function residualOffsets(b: ResidualBinarizer, data: Float32Array, codes: Uint32Array, assign: Uint16Array | null, corrections: Float32Array | null): Float32Array {
  const { dim, planes } = b;
  const n = data.length / dim;
  const words = planeWords(dim);
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const centre = (assign === null ? 0 : assign[r]!) * dim;
    let rc = 0;
    let xc = 0;
    for (let d = 0; d < dim; d++) {
      const c = b.centres[centre + d]!;
      let x = 0;
      for (let t = 0; t < planes; t++) {
        const bit = (codes[(r * planes + t) * words + (d >>> 5)]! >>> (d & 31)) & 1;
        x += bit === 1 ? b.scales[t * dim + d]! : -b.scales[t * dim + d]!;
      }
      rc += (data[r * dim + d]! - c) * c;
      xc += x * c;
    }
    out[r] = rc - (corrections === null ? 1 : corrections[r]!) * xc;
  }
  return out;
}
