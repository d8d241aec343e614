// Quarry's WebAssembly SIMD kernels: clustering (see index.ts).

import { l2sq_f32 } from './float32';

/**
 * Nearest centroid (squared L2) of n rows of dim floats at data + r * strideBytes:
 * assign[r] = argmin_c |row - centroid c|^2 (first on ties), dist[r] = that distance.
 */
export function nearest_l2_rows(data: usize, n: i32, strideBytes: i32, dim: i32, centroids: usize, k: i32, assign: usize, dist: usize): void {
  const cBytes = <usize>dim << 2;
  for (let r = 0; r < n; r++) {
    const row = data + <usize>r * <usize>strideBytes;
    let best = 0;
    let bestD: f32 = Infinity;
    if (dim < 8) {
      // product-quantizer sub-vectors are a few floats: a plain loop beats SIMD set-up and reduction
      for (let c = 0; c < k; c++) {
        const cen = centroids + <usize>c * cBytes;
        let d: f32 = 0;
        for (let j = 0; j < dim; j++) {
          const x = load<f32>(row + (<usize>j << 2)) - load<f32>(cen + (<usize>j << 2));
          d += x * x;
        }
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
    } else {
      for (let c = 0; c < k; c++) {
        const d = l2sq_f32(row, centroids + <usize>c * cBytes, dim);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
    }
    store<i32>(assign + (<usize>r << 2), best);
    store<f32>(dist + (<usize>r << 2), bestD);
  }
}
