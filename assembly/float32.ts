// Quarry's WebAssembly SIMD kernels: float32 (see index.ts).

@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** Dot product of n float32 values at a and b. */
export function dot_f32(a: usize, b: usize, n: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    s += load<f32>(a + o) * load<f32>(b + o);
  }
  return s;
}

/** Squared Euclidean distance of n float32 values at a and b. */
export function l2sq_f32(a: usize, b: usize, n: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    const d0 = f32x4.sub(v128.load(a + o), v128.load(b + o));
    const d1 = f32x4.sub(v128.load(a + o, 16), v128.load(b + o, 16));
    const d2 = f32x4.sub(v128.load(a + o, 32), v128.load(b + o, 32));
    const d3 = f32x4.sub(v128.load(a + o, 48), v128.load(b + o, 48));
    s0 = f32x4.add(s0, f32x4.mul(d0, d0));
    s1 = f32x4.add(s1, f32x4.mul(d1, d1));
    s2 = f32x4.add(s2, f32x4.mul(d2, d2));
    s3 = f32x4.add(s3, f32x4.mul(d3, d3));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(a + o), v128.load(b + o));
    s0 = f32x4.add(s0, f32x4.mul(d, d));
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(a + o) - load<f32>(b + o);
    s += d * d;
  }
  return s;
}

/** out[r] = q . row r, for `rows` consecutive rows of dim floats starting at base. */
export function dot_f32_rows(q: usize, base: usize, dim: i32, rows: i32, out: usize): void {
  const stride = <usize>dim << 2;
  for (let r = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), dot_f32(q, base + <usize>r * stride, dim));
}

/** out[r] = |q - row r|^2, for `rows` consecutive rows. */
export function l2sq_f32_rows(q: usize, base: usize, dim: i32, rows: i32, out: usize): void {
  const stride = <usize>dim << 2;
  for (let r = 0; r < rows; r++) store<f32>(out + (<usize>r << 2), l2sq_f32(q, base + <usize>r * stride, dim));
}

/** out[j] = distance of q to row ids[j] (ids: int32; rows of dim floats at base): dot, or squared L2 when l2 is 1. */
@inline function dist_f32_ids(q: usize, base: usize, dim: i32, ids: usize, count: i32, l2: i32, out: usize): void {
  const stride = <usize>dim << 2;
  let j = 0;
  // four rows per pass, so that their cache misses overlap
  for (; j + 4 <= count; j += 4) {
    const p = ids + (<usize>j << 2);
    dist4_f32(q, base + <usize>load<i32>(p) * stride, base + <usize>load<i32>(p, 4) * stride, base + <usize>load<i32>(p, 8) * stride, base + <usize>load<i32>(p, 12) * stride, dim, l2, out + (<usize>j << 2));
  }
  for (; j < count; j++) {
    const row = base + <usize>load<i32>(ids + (<usize>j << 2)) * stride;
    store<f32>(out + (<usize>j << 2), l2 ? l2sq_f32(q, row, dim) : dot_f32(q, row, dim));
  }
}

/** out[j] = q . row ids[j] (ids: int32), rows of dim floats at base. */
export function dot_f32_ids(q: usize, base: usize, dim: i32, ids: usize, count: i32, out: usize): void {
  dist_f32_ids(q, base, dim, ids, count, 0, out);
}

/** out[j] = |q - row ids[j]|^2. */
export function l2sq_f32_ids(q: usize, base: usize, dim: i32, ids: usize, count: i32, out: usize): void {
  dist_f32_ids(q, base, dim, ids, count, 1, out);
}

/** row[j] += a * x[j] for j < n (both float32). */
@inline export function axpy_f32(row: usize, a: f32, x: usize, n: i32): void {
  const s = f32x4.splat(a);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(row + o, f32x4.add(v128.load(row + o), f32x4.mul(s, v128.load(x + o))));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(row + o, load<f32>(row + o) + a * load<f32>(x + o));
  }
}

/**
 * A += u vᵀ for an m x n row-major float32 matrix A, u of m and v of n values:
 * a gradient's rank-1 update. Rows whose u is 0 are skipped.
 */
export function ger_f32(a: usize, m: i32, n: i32, u: usize, v: usize): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const ui = load<f32>(u + (<usize>i << 2));
    if (ui != 0) axpy_f32(a + <usize>i * rowBytes, ui, v, n);
  }
}

/** out += Aᵀ u for an m x n row-major float32 matrix A (out: n values, u: m). Rows whose u is 0 are skipped. */
export function gemv_t_f32(a: usize, m: i32, n: i32, u: usize, out: usize): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const ui = load<f32>(u + (<usize>i << 2));
    if (ui != 0) axpy_f32(out, ui, a + <usize>i * rowBytes, n);
  }
}

/**
 * Dot products (l2 = 0) or squared L2 distances of the query to four rows at once,
 * into out[0..3]. One pass over the four rows with one accumulator each: their cache
 * misses are in flight together instead of one row after another.
 */
export function dist4_f32(q: usize, x0: usize, x1: usize, x2: usize, x3: usize, dim: i32, l2: i32, out: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  let i = 0;
  if (l2 != 0) {
    for (; i + 4 <= dim; i += 4) {
      const o = <usize>i << 2;
      const qv = v128.load(q + o);
      const d0 = f32x4.sub(v128.load(x0 + o), qv);
      const d1 = f32x4.sub(v128.load(x1 + o), qv);
      const d2 = f32x4.sub(v128.load(x2 + o), qv);
      const d3 = f32x4.sub(v128.load(x3 + o), qv);
      a0 = f32x4.add(a0, f32x4.mul(d0, d0));
      a1 = f32x4.add(a1, f32x4.mul(d1, d1));
      a2 = f32x4.add(a2, f32x4.mul(d2, d2));
      a3 = f32x4.add(a3, f32x4.mul(d3, d3));
    }
  } else {
    for (; i + 4 <= dim; i += 4) {
      const o = <usize>i << 2;
      const qv = v128.load(q + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(x0 + o), qv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(x1 + o), qv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(x2 + o), qv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(x3 + o), qv));
    }
  }
  let s0 = hsum(a0);
  let s1 = hsum(a1);
  let s2 = hsum(a2);
  let s3 = hsum(a3);
  for (; i < dim; i++) {
    const o = <usize>i << 2;
    const qs = load<f32>(q + o);
    if (l2 != 0) {
      const d0 = load<f32>(x0 + o) - qs;
      const d1 = load<f32>(x1 + o) - qs;
      const d2 = load<f32>(x2 + o) - qs;
      const d3 = load<f32>(x3 + o) - qs;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    } else {
      s0 += load<f32>(x0 + o) * qs;
      s1 += load<f32>(x1 + o) * qs;
      s2 += load<f32>(x2 + o) * qs;
      s3 += load<f32>(x3 + o) * qs;
    }
  }
  store<f32>(out, s0);
  store<f32>(out, s1, 4);
  store<f32>(out, s2, 8);
  store<f32>(out, s3, 12);
}
