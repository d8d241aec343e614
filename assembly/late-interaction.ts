// Quarry's WebAssembly SIMD kernels: late interaction (see index.ts).

import { dot_f32 } from './float32';
import { dot_f32_bytes } from './int8';

/**
 * MaxSim of nq query token rows against nt document token rows (float32, dim each):
 * sum over query tokens of the best dot product over document tokens. `best` is
 * scratch for nq floats. Document tokens are streamed once; the query stays in cache.
 */
export function maxsim_f32(q: usize, nq: i32, tokens: usize, nt: i32, dim: i32, best: usize): f32 {
  if (nt == 0) return 0;
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < nq; i++) store<f32>(best + (<usize>i << 2), -Infinity);
  for (let t = 0; t < nt; t++) {
    const d = tokens + <usize>t * rowBytes;
    for (let i = 0; i < nq; i++) {
      const s = dot_f32(q + <usize>i * rowBytes, d, dim);
      const at = best + (<usize>i << 2);
      if (s > load<f32>(at)) store<f32>(at, s);
    }
  }
  let sum: f32 = 0;
  for (let i = 0; i < nq; i++) sum += load<f32>(best + (<usize>i << 2));
  return sum;
}

/** MaxSim against int8 token codes with one float32 scale per token (value = scale x code). */
export function maxsim_f32_i8(q: usize, nq: i32, codes: usize, scales: usize, nt: i32, dim: i32, best: usize): f32 {
  if (nt == 0) return 0;
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < nq; i++) store<f32>(best + (<usize>i << 2), -Infinity);
  for (let t = 0; t < nt; t++) {
    const d = codes + <usize>t * <usize>dim;
    const scale = load<f32>(scales + (<usize>t << 2));
    for (let i = 0; i < nq; i++) {
      const s = dot_f32_bytes<i8>(q + <usize>i * rowBytes, d, dim) * scale;
      const at = best + (<usize>i << 2);
      if (s > load<f32>(at)) store<f32>(at, s);
    }
  }
  let sum: f32 = 0;
  for (let i = 0; i < nq; i++) sum += load<f32>(best + (<usize>i << 2));
  return sum;
}
