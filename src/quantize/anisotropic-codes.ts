/**
 * Score-aware product codes (Guo et al., "Accelerating Large-Scale Inference with Anisotropic
 * Vector Quantization", ICML 2020, ScaNN): for inner-product search the part of a row's
 * quantization error parallel to the row changes its scores with the queries near it more than
 * the orthogonal part does, so codes are chosen to minimise ‖r⊥‖² + η‖r∥‖² (η ≥ 1) instead of
 * ‖r‖². The loss couples the subspaces through r∥, so the nearest codes are refined by coordinate
 * descent: each subspace in turn takes the sub-centroid that minimises the loss with the others
 * fixed.
 */
import type { ProductQuantizer } from './product-quantizer.js';

/** Coordinate-descent passes over the subspaces after the nearest codes. */
export const ANISOTROPIC_PASSES = 2;

/**
 * Refines `codes` (m bytes per row, the nearest sub-centroids of `residuals`) in place for the
 * anisotropic loss with weight `eta` on the error along each row of `rows` (the full vectors, whose
 * direction the parallel error is measured along; residuals are what the codes quantize).
 */
export function refineAnisotropic(pq: ProductQuantizer, rows: Float32Array, residuals: Float32Array, codes: Uint8Array, eta: number): void {
  const { dim, m, starts, centroids, ksub } = pq;
  const n = rows.length / dim;
  const r = new Float32Array(dim);
  for (let d = 0; d < n; d++) {
    const at = d * dim;
    let norm = 0;
    for (let j = 0; j < dim; j++) norm += rows[at + j]! * rows[at + j]!;
    if (norm === 0) continue;
    const inv = 1 / Math.sqrt(norm);
    // r = residual − reconstruction; p = r · u with u the row's direction
    let p = 0;
    for (let s = 0; s < m; s++) {
      const from = starts[s]!;
      const len = starts[s + 1]! - from;
      const c = 256 * from + codes[d * m + s]! * len;
      for (let j = 0; j < len; j++) {
        const v = residuals[at + from + j]! - centroids[c + j]!;
        r[from + j] = v;
        p += v * rows[at + from + j]! * inv;
      }
    }
    for (let pass = 0; pass < ANISOTROPIC_PASSES; pass++) {
      for (let s = 0; s < m; s++) {
        const from = starts[s]!;
        const len = starts[s + 1]! - from;
        let mine = 0;
        for (let j = 0; j < len; j++) mine += r[from + j]! * rows[at + from + j]! * inv;
        const others = p - mine;
        let best = Infinity;
        let bestCode = codes[d * m + s]!;
        let bestPar = mine;
        for (let c = 0; c < ksub; c++) {
          const off = 256 * from + c * len;
          let e = 0;
          let par = 0;
          for (let j = 0; j < len; j++) {
            const v = residuals[at + from + j]! - centroids[off + j]!;
            e += v * v;
            par += v * rows[at + from + j]! * inv;
          }
          const total = others + par;
          const loss = e + (eta - 1) * total * total;
          if (loss < best) {
            best = loss;
            bestCode = c;
            bestPar = par;
          }
        }
        codes[d * m + s] = bestCode;
        const off = 256 * from + bestCode * len;
        for (let j = 0; j < len; j++) r[from + j] = residuals[at + from + j]! - centroids[off + j]!;
        p = others + bestPar;
      }
    }
  }
}
