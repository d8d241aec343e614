// Quarry's WebAssembly SIMD kernels: the static encoder's pooling and its gradient (see index.ts).

import { axpy_f32, dot_f32 } from './float32';

/** out[0..dim) = Σ_i weights[ids[i]] · table row ids[i] (ids: n int32 token rows; rows of dim float32). */
export function pool_weighted_f32(table: usize, weights: usize, dim: i32, ids: usize, n: i32, out: usize): void {
  memory.fill(out, 0, <usize>dim << 2);
  const stride = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = <usize>load<i32>(ids + (<usize>i << 2));
    axpy_f32(out, load<f32>(weights + (id << 2)), table + id * stride, dim);
  }
}

/**
 * The pooling's gradient, given g = dLoss/d(pooled sum) (dim float32): for each token i,
 * gradient row slots[i] += weights[ids[i]] · g and gradient weight slots[i] += row ids[i] · g.
 */
export function pool_backward_f32(table: usize, weights: usize, dim: i32, ids: usize, slots: usize, n: i32, g: usize, gRows: usize, gWeights: usize): void {
  const stride = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = <usize>load<i32>(ids + (<usize>i << 2));
    const s = <usize>load<i32>(slots + (<usize>i << 2));
    axpy_f32(gRows + s * stride, load<f32>(weights + (id << 2)), g, dim);
    const gw = gWeights + (s << 2);
    store<f32>(gw, load<f32>(gw) + dot_f32(table + id * stride, g, dim));
  }
}
