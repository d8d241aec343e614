// Quarry's WebAssembly SIMD kernels: 8-bit (see index.ts).

import { hsum } from './float32';

/** Dot product of n signed bytes, exact in 32 bits. */
export function dot_i8(a: usize, b: usize, n: i32): i32 {
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_low_i8x16_s(x, y)));
    acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_high_i8x16_s(x, y)));
  }
  let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < n; i++) s += <i32>load<i8>(a + <usize>i) * <i32>load<i8>(b + <usize>i);
  return s;
}

/** Squared Euclidean distance of n signed bytes, exact in 32 bits (n < 33,000). */
export function l2sq_i8(a: usize, b: usize, n: i32): i32 {
  let acc = i32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const x = v128.load(a + <usize>i);
    const y = v128.load(b + <usize>i);
    // widen to 16 bits before subtracting: byte differences reach 255
    const dl = i16x8.sub(i16x8.extend_low_i8x16_s(x), i16x8.extend_low_i8x16_s(y));
    const dh = i16x8.sub(i16x8.extend_high_i8x16_s(x), i16x8.extend_high_i8x16_s(y));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(dl, dl));
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(dh, dh));
  }
  let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < n; i++) {
    const d = <i32>load<i8>(a + <usize>i) - <i32>load<i8>(b + <usize>i);
    s += d * d;
  }
  return s;
}

/** out[r] = |a - row r|^2 for rows of dim signed bytes (int32 out). */
export function l2sq_i8_rows(a: usize, base: usize, dim: i32, rows: i32, out: usize): void {
  for (let r = 0; r < rows; r++) store<i32>(out + (<usize>r << 2), l2sq_i8(a, base + <usize>r * <usize>dim, dim));
}

/** out[r] = a . row r for rows of dim signed bytes (int32 out). */
export function dot_i8_rows(a: usize, base: usize, dim: i32, rows: i32, out: usize): void {
  for (let r = 0; r < rows; r++) store<i32>(out + (<usize>r << 2), dot_i8(a, base + <usize>r * <usize>dim, dim));
}

/**
 * Dot product of n float32 values at a with n bytes at b, read as T (u8 or i8); the
 * byte-to-float widening is chosen at compile time.
 */
@inline export function dot_f32_bytes<T>(a: usize, b: usize, n: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const c = v128.load(b + <usize>i);
    const ao = a + (<usize>i << 2);
    let f0: v128, f1: v128, f2: v128, f3: v128;
    if (isSigned<T>()) {
      const lo = i16x8.extend_low_i8x16_s(c);
      const hi = i16x8.extend_high_i8x16_s(c);
      f0 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo));
      f1 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo));
      f2 = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi));
      f3 = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi));
    } else {
      const lo = i16x8.extend_low_i8x16_u(c);
      const hi = i16x8.extend_high_i8x16_u(c);
      f0 = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo));
      f1 = f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo));
      f2 = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi));
      f3 = f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi));
    }
    s0 = f32x4.add(s0, f32x4.mul(v128.load(ao), f0));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(ao, 16), f1));
    s0 = f32x4.add(s0, f32x4.mul(v128.load(ao, 32), f2));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(ao, 48), f3));
  }
  let s = hsum(f32x4.add(s0, s1));
  for (; i < n; i++) s += load<f32>(a + (<usize>i << 2)) * <f32>load<T>(b + <usize>i);
  return s;
}

/** Asymmetric score of a float32 query against rows of unsigned-byte codes: out[r] = add + sum_d q[d] * code[r][d]. */
export function dot_f32_u8_rows(q: usize, codes: usize, dim: i32, rows: i32, add: f32, out: usize): void {
  for (let r = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), add + dot_f32_bytes<u8>(q, codes + <usize>r * <usize>dim, dim));
}

/** Sum of the four i32 lanes. */
@inline function hsum_i32(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** 16 codes at c (bytes) times 16 query weights at q (i16), as i32 lane sums. */
@inline function dot16_i16_u8(q: usize, c: usize): v128 {
  const x = v128.load(c);
  return i32x4.add(i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(x), v128.load(q)), i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(x), v128.load(q, 16)));
}

/**
 * sum_{d >= from} q[d] * code[d] for the last dim - from (< 16) dimensions of one
 * row: 8 and 4 at a time with loads of exactly those bytes (nothing past the row
 * or the query is read), then one by one.
 */
@inline function tail_i16_u8(q: usize, c: usize, from: i32, dim: i32): i32 {
  let i = from;
  let acc = i32x4.splat(0);
  if (i + 8 <= dim) {
    acc = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(v128.load64_zero(c + <usize>i)), v128.load(q + (<usize>i << 1)));
    i += 8;
  }
  if (i + 4 <= dim) {
    acc = i32x4.add(acc, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(v128.load32_zero(c + <usize>i)), v128.load64_zero(q + (<usize>i << 1))));
    i += 4;
  }
  let s = hsum_i32(acc);
  for (; i < dim; i++) s += <i32>load<i16>(q + (<usize>i << 1)) * <i32>load<u8>(c + <usize>i);
  return s;
}

/**
 * Integer score of a 16-bit query against rows of unsigned-byte codes:
 * out[r] = add + scale * sum_d q[d] * code[r][d], exact in 32 bits while
 * dim x 255 x max |q[d]| < 2^31 (the caller sizes q so; see queryWeightLevels).
 * A dim that is not a multiple of 16 ends with 8- and 4-code SIMD steps rather
 * than a byte loop. (Scoring 2 or 4 rows per pass to share the query's loads was
 * measured slower here from 384 dimensions up, up to 3x at 768.)
 */
export function dot_i16_u8_rows(q: usize, codes: usize, dim: i32, rows: i32, scale: f64, add: f64, out: usize): void {
  const full = dim & ~15;
  for (let r = 0; r < rows; r++) {
    const c = codes + <usize>r * <usize>dim;
    let acc = i32x4.splat(0);
    for (let i = 0; i < full; i += 16) acc = i32x4.add(acc, dot16_i16_u8(q + (<usize>i << 1), c + <usize>i));
    store<f32>(out + (<usize>r << 2), <f32>(add + scale * <f64>(hsum_i32(acc) + tail_i16_u8(q, c, full, dim))));
  }
}
