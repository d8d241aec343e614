// Quarry's WebAssembly SIMD kernels (AssemblyScript, compiled by scripts/build-wasm.mjs).
//
// Every argument named like a pointer is a byte offset into the module's one
// imported memory; the caller (src/kernels/wasm/kernel-memory.ts) places index
// data and per-query scratch there, so nothing is copied per call. Lengths
// need not be multiples of the SIMD width: each kernel finishes with a scalar
// tail. The pure-TypeScript kernels in src/kernels are the reference these
// are tested against.

// ---------------------------------------------------------------- float32

@inline function hsum(v: v128): f32 {
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
@inline function axpy_f32(row: usize, a: f32, x: usize, n: i32): void {
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

// ---------------------------------------------------------------- 8-bit

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
@inline function dot_f32_bytes<T>(a: usize, b: usize, n: i32): f32 {
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

// ---------------------------------------------------------------- clustering

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

// ---------------------------------------------------------------- heaps of (key, id) pairs

// Heaps keep keys and ids in two parallel arrays; these move one pair.

/** Copies pair `from` to slot `to`. */
@inline function move_pair(keys: usize, ids: usize, from: i32, to: i32): void {
  store<f32>(keys + (<usize>to << 2), load<f32>(keys + (<usize>from << 2)));
  store<i32>(ids + (<usize>to << 2), load<i32>(ids + (<usize>from << 2)));
}

/** Writes (key, id) into slot i. */
@inline function put_pair(keys: usize, ids: usize, i: i32, key: f32, id: i32): void {
  store<f32>(keys + (<usize>i << 2), key);
  store<i32>(ids + (<usize>i << 2), id);
}

// ---------------------------------------------------------------- HNSW layer 0

// Binary heaps of (distance, node) in two parallel arrays. The candidate heap is a
// min-heap (closest on top); the result heap a max-heap (farthest on top).

@inline function heap_up(d: usize, ids: usize, i: i32, key: f32, id: i32, maxHeap: bool): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pk = load<f32>(d + (<usize>p << 2));
    if (maxHeap ? pk >= key : pk <= key) break;
    move_pair(d, ids, p, i);
    i = p;
  }
  put_pair(d, ids, i, key, id);
}

/** Places (key, id) at slot 0 of a heap of n entries and sifts it down. */
function heap_sift_down(d: usize, ids: usize, n: i32, key: f32, id: i32, maxHeap: bool): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    let c = l;
    const r = l + 1;
    if (r < n) {
      const lk = load<f32>(d + (<usize>l << 2));
      const rk = load<f32>(d + (<usize>r << 2));
      if (maxHeap ? rk > lk : rk < lk) c = r;
    }
    const ck = load<f32>(d + (<usize>c << 2));
    if (maxHeap ? ck <= key : ck >= key) break;
    move_pair(d, ids, c, i);
    i = c;
  }
  put_pair(d, ids, i, key, id);
}

/** Removes the top of a heap of `size` entries (size > 0). */
function heap_pop(d: usize, ids: usize, size: i32, maxHeap: bool): void {
  const n = size - 1;
  if (n == 0) return;
  heap_sift_down(d, ids, n, load<f32>(d + (<usize>n << 2)), load<i32>(ids + (<usize>n << 2)), maxHeap);
}

/** Adds (key, id) to the result max-heap of size `size` holding at most `cap`; returns the new size. */
@inline function best_offer(d: usize, ids: usize, size: i32, cap: i32, key: f32, id: i32): i32 {
  if (size < cap) {
    heap_up(d, ids, size, key, id, true);
    return size + 1;
  }
  // full: the new entry replaces the farthest (one sift-down instead of a push and a pop)
  heap_sift_down(d, ids, size, key, id, true);
  return size;
}

/**
 * Dot products (l2 = 0) or squared L2 distances of the query to four rows at once,
 * into out[0..3]. One pass over the four rows with one accumulator each: their cache
 * misses are in flight together instead of one row after another.
 */
function dist4_f32(q: usize, x0: usize, x1: usize, x2: usize, x3: usize, dim: i32, l2: i32, out: usize): void {
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

/**
 * HNSW's neighbour selection heuristic (Malkov & Yashunin, TPAMI 2020, Algorithm 4):
 * walks the n candidates (ids, with their distances to the base node, ascending) and
 * keeps one only if it is closer to the base than to every neighbour kept before it,
 * until max are kept. Distances as the graph measures them: squared L2 (l2 = 1) or
 * minus the inner product. Writes the kept ids to out; returns how many.
 */
export function hnsw_select(vectors: usize, dim: i32, l2: i32, ids: usize, dists: usize, n: i32, max: i32, out: usize): i32 {
  const stride = <usize>dim << 2;
  let kept = 0;
  for (let i = 0; i < n && kept < max; i++) {
    const e = load<i32>(ids + (<usize>i << 2));
    const toBase = load<f32>(dists + (<usize>i << 2));
    const row = vectors + <usize>e * stride;
    let good = true;
    for (let j = 0; j < kept; j++) {
      const other = vectors + <usize>load<i32>(out + (<usize>j << 2)) * stride;
      const d = l2 ? l2sq_f32(row, other, dim) : -dot_f32(row, other, dim);
      if (d < toBase) {
        good = false;
        break;
      }
    }
    if (good) {
      store<i32>(out + (<usize>kept << 2), e);
      kept++;
    }
  }
  return kept;
}

/**
 * Best-first search of an HNSW graph's layer 0 (Malkov & Yashunin, Algorithm 2) from
 * nEntries entry nodes: distances are squared L2 (l2 = 1) or negated dot products.
 * links0: M0 int32 slots per node, counts0: uint8 per node; deleted: uint8 per node;
 * allow: filter bitset or 0. stamp: uint16 per node, a node is visited when
 * stamp == epoch. candD/candI: scratch for up to one entry per node; bestD/bestI: room
 * for ef + 1; pending: scratch for M0 int32. Leaves the ef closest allowed live nodes in bestD/bestI sorted closest
 * first and returns how many.
 */
export function hnsw_search0(q: usize, vectors: usize, dim: i32, l2: i32, links0: usize, M0: i32, counts0: usize, deleted: usize, allow: usize, stamp: usize, epoch: u32, entries: usize, nEntries: i32, ef: i32, candD: usize, candI: usize, bestD: usize, bestI: usize, pending: usize, dists: usize): i32 {
  const rowBytes = <usize>dim << 2;
  let nCand = 0;
  let nBest = 0;
  for (let j = 0; j < nEntries; j++) {
    const e = load<i32>(entries + (<usize>j << 2));
    const sa = stamp + (<usize>e << 1);
    if (<u32>load<u16>(sa) == epoch) continue;
    store<u16>(sa, <u16>epoch);
    const x = vectors + <usize>e * rowBytes;
    const d = l2 != 0 ? l2sq_f32(q, x, dim) : -dot_f32(q, x, dim);
    heap_up(candD, candI, nCand++, d, e, false);
    if (load<u8>(deleted + <usize>e) == 0 && (allow == 0 || (load<u32>(allow + (<usize>(e >>> 5) << 2)) & (1 << (e & 31))) != 0)) {
      if (nBest < ef || d < load<f32>(bestD)) nBest = best_offer(bestD, bestI, nBest, ef, d, e);
    }
  }
  while (nCand > 0) {
    const cd = load<f32>(candD);
    const c = load<i32>(candI);
    if (nBest >= ef && cd > load<f32>(bestD)) break;
    heap_pop(candD, candI, nCand--, false);
    const links = links0 + <usize>c * (<usize>M0 << 2);
    const n = <i32>load<u8>(counts0 + <usize>c);
    // first mark the unvisited neighbours (compacting them into the visited slots of this
    // list's copy), then score them: the independent row loads can overlap
    let m = 0;
    for (let j = 0; j < n; j++) {
      const e = load<i32>(links + (<usize>j << 2));
      const sa = stamp + (<usize>e << 1);
      if (<u32>load<u16>(sa) == epoch) continue;
      store<u16>(sa, <u16>epoch);
      store<i32>(pending + (<usize>m << 2), e);
      m++;
    }
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      const p = pending + (<usize>j << 2);
      const o = dists + (<usize>j << 2);
      dist4_f32(q, vectors + <usize>load<i32>(p) * rowBytes, vectors + <usize>load<i32>(p, 4) * rowBytes, vectors + <usize>load<i32>(p, 8) * rowBytes, vectors + <usize>load<i32>(p, 12) * rowBytes, dim, l2, o);
      if (l2 == 0) v128.store(o, f32x4.neg(v128.load(o)));
    }
    for (; j < m; j++) {
      const x = vectors + <usize>load<i32>(pending + (<usize>j << 2)) * rowBytes;
      store<f32>(dists + (<usize>j << 2), l2 != 0 ? l2sq_f32(q, x, dim) : -dot_f32(q, x, dim));
    }
    for (let j = 0; j < m; j++) {
      const e = load<i32>(pending + (<usize>j << 2));
      const d = load<f32>(dists + (<usize>j << 2));
      if (nBest < ef || d < load<f32>(bestD)) {
        heap_up(candD, candI, nCand++, d, e, false);
        if (load<u8>(deleted + <usize>e) == 0 && (allow == 0 || (load<u32>(allow + (<usize>(e >>> 5) << 2)) & (1 << (e & 31))) != 0)) {
          nBest = best_offer(bestD, bestI, nBest, ef, d, e);
        }
      }
    }
  }
  // heap sort: repeatedly move the farthest to the end, leaving closest first
  for (let n = nBest; n > 1; n--) {
    const d = load<f32>(bestD);
    const id = load<i32>(bestI);
    heap_pop(bestD, bestI, n, true);
    put_pair(bestD, bestI, n - 1, d, id);
  }
  return nBest;
}

// ---------------------------------------------------------------- late interaction

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

// ---------------------------------------------------------------- binary codes

/**
 * Hamming distance of two packed codes of `words` 32-bit words. Scalar 64-bit popcnt
 * (one instruction per 8 bytes) beats the SIMD byte popcount here, whose horizontal
 * sum costs more than it saves on codes of a few hundred bits.
 */
export function hamming(a: usize, b: usize, words: i32): i32 {
  let s0: u64 = 0;
  let s1: u64 = 0;
  let i = 0;
  for (; i + 4 <= words; i += 4) {
    const o = <usize>i << 2;
    s0 += popcnt<u64>(load<u64>(a + o) ^ load<u64>(b + o));
    s1 += popcnt<u64>(load<u64>(a + o, 8) ^ load<u64>(b + o, 8));
  }
  for (; i + 2 <= words; i += 2) {
    const o = <usize>i << 2;
    s0 += popcnt<u64>(load<u64>(a + o) ^ load<u64>(b + o));
  }
  if (i < words) s1 += <u64>popcnt<u32>(load<u32>(a + (<usize>i << 2)) ^ load<u32>(b + (<usize>i << 2)));
  return <i32>(s0 + s1);
}

/** out[r] = Hamming distance of q to code r, codes of `words` words stored consecutively (int32 out). */
export function hamming_rows(q: usize, base: usize, words: i32, rows: i32, out: usize): void {
  const stride = <usize>words << 2;
  if (words == 4) {
    // 128-bit codes (e.g. 128-d sign codes) are common enough to unroll: two popcnts per row
    const q0 = load<u64>(q);
    const q1 = load<u64>(q, 8);
    for (let r = 0; r < rows; r++) {
      const c = base + (<usize>r << 4);
      store<i32>(out + (<usize>r << 2), <i32>(popcnt<u64>(load<u64>(c) ^ q0) + popcnt<u64>(load<u64>(c, 8) ^ q1)));
    }
    return;
  }
  for (let r = 0; r < rows; r++) store<i32>(out + (<usize>r << 2), hamming(q, base + <usize>r * stride, words));
}

/** Set bits of `words` words at a. */
@inline function ones(a: usize, words: i32): i32 {
  let s: u64 = 0;
  let i = 0;
  for (; i + 2 <= words; i += 2) s += popcnt<u64>(load<u64>(a + (<usize>i << 2)));
  if (i < words) s += <u64>popcnt<u32>(load<u32>(a + (<usize>i << 2)));
  return <i32>s;
}

/** Set bits of (a AND b) over `words` words. */
@inline function ones_and(a: usize, b: usize, words: i32): i32 {
  let s: u64 = 0;
  let i = 0;
  for (; i + 2 <= words; i += 2) {
    const o = <usize>i << 2;
    s += popcnt<u64>(load<u64>(a + o) & load<u64>(b + o));
  }
  if (i < words) s += <u64>popcnt<u32>(load<u32>(a + (<usize>i << 2)) & load<u32>(b + (<usize>i << 2)));
  return <i32>s;
}

/**
 * Bit-plane estimate of q . x for residual binary codes (see src/index/binary/search.ts):
 * out[r] = base + sum_t 2 (minW[t] ones(code_rt) + step[t] sum_j 2^j ones(code_rt AND Q_tj)).
 * codes: rows x planes x words; qPlanes: planes x bits x words; minW, step: float64 per plane.
 */
export function bitplane_rows(qPlanes: usize, codes: usize, words: i32, planes: i32, bits: i32, rows: i32, minW: usize, step: usize, base: f64, out: usize): void {
  if (bits == 4) {
    bitplane_rows4(qPlanes, codes, words, planes, rows, minW, step, base, out);
    return;
  }
  const wordBytes = <usize>words << 2;
  if (words == 4) {
    for (let r = 0; r < rows; r++) {
      let est = base;
      for (let t = 0; t < planes; t++) est += plane128(codes + (<usize>r * <usize>planes + <usize>t) * 16, qPlanes + <usize>t * <usize>bits * 16, bits, load<f64>(minW + (<usize>t << 3)), load<f64>(step + (<usize>t << 3)));
      store<f32>(out + (<usize>r << 2), <f32>est);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let est = base;
    for (let t = 0; t < planes; t++) {
      const c = codes + (<usize>r * <usize>planes + <usize>t) * wordBytes;
      const n1 = ones(c, words);
      let weighted = 0;
      for (let j = 0; j < bits; j++) weighted += ones_and(c, qPlanes + (<usize>t * <usize>bits + <usize>j) * wordBytes, words) << j;
      est += 2 * (load<f64>(minW + (<usize>t << 3)) * <f64>n1 + load<f64>(step + (<usize>t << 3)) * <f64>weighted);
    }
    store<f32>(out + (<usize>r << 2), <f32>est);
  }
}

/**
 * One 128-bit plane's share of a bitplane estimate, for any number of query
 * bits: 2 (minW * ones + step * sum_j 2^j ones(code & query plane j)).
 */
@inline function plane128(c: usize, q: usize, bits: i32, minW: f64, step: f64): f64 {
  const x = load<u64>(c);
  const y = load<u64>(c, 8);
  const n1 = popcnt<u64>(x) + popcnt<u64>(y);
  let w: u64 = 0;
  for (let j = 0; j < bits; j++) {
    const p = q + (<usize>j << 4);
    w += (popcnt<u64>(x & load<u64>(p)) + popcnt<u64>(y & load<u64>(p, 8))) << <u64>j;
  }
  return 2 * (minW * <f64>n1 + step * <f64>w);
}

/**
 * bitplane_rows for rows coded in several bases (src/learn/hadamard-variants.ts):
 * row r uses basis variants[r]'s query planes (planes x bits planes of `words`
 * words per basis, one after another), plane offsets and steps (planes f64s
 * per basis) and constant (one f64 per basis).
 */
export function bitplane_rows_variants(qPlanes: usize, codes: usize, words: i32, planes: i32, bits: i32, rows: i32, minW: usize, step: usize, base: usize, variants: usize, out: usize): void {
  const wordBytes = <usize>words << 2;
  const setBytes = <usize>planes * <usize>bits * wordBytes;
  if (bits == 4 && words == 4) {
    for (let r = 0; r < rows; r++) {
      const v = <usize>load<u8>(variants + <usize>r);
      let est = load<f64>(base + (v << 3));
      for (let t = 0; t < planes; t++) {
        const vt = v * <usize>planes + <usize>t;
        const c = codes + (<usize>r * <usize>planes + <usize>t) * wordBytes;
        const q = qPlanes + vt * 64;
        const x = load<u64>(c);
        const y = load<u64>(c, 8);
        const n1 = popcnt<u64>(x) + popcnt<u64>(y);
        const w = popcnt<u64>(x & load<u64>(q)) + popcnt<u64>(y & load<u64>(q, 8)) + ((popcnt<u64>(x & load<u64>(q, 16)) + popcnt<u64>(y & load<u64>(q, 24))) << 1) + ((popcnt<u64>(x & load<u64>(q, 32)) + popcnt<u64>(y & load<u64>(q, 40))) << 2) + ((popcnt<u64>(x & load<u64>(q, 48)) + popcnt<u64>(y & load<u64>(q, 56))) << 3);
        est += 2 * (load<f64>(minW + (vt << 3)) * <f64>n1 + load<f64>(step + (vt << 3)) * <f64>w);
      }
      store<f32>(out + (<usize>r << 2), <f32>est);
    }
    return;
  }
  if (words == 4) {
    for (let r = 0; r < rows; r++) {
      const v = <usize>load<u8>(variants + <usize>r);
      let est = load<f64>(base + (v << 3));
      for (let t = 0; t < planes; t++) {
        const vt = v * <usize>planes + <usize>t;
        est += plane128(codes + (<usize>r * <usize>planes + <usize>t) * 16, qPlanes + vt * <usize>bits * 16, bits, load<f64>(minW + (vt << 3)), load<f64>(step + (vt << 3)));
      }
      store<f32>(out + (<usize>r << 2), <f32>est);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const v = <usize>load<u8>(variants + <usize>r);
    let est = load<f64>(base + (v << 3));
    const qv = qPlanes + v * setBytes;
    for (let t = 0; t < planes; t++) {
      const vt = v * <usize>planes + <usize>t;
      const c = codes + (<usize>r * <usize>planes + <usize>t) * wordBytes;
      const n1 = ones(c, words);
      let weighted = 0;
      for (let j = 0; j < bits; j++) weighted += ones_and(c, qv + (<usize>t * <usize>bits + <usize>j) * wordBytes, words) << j;
      est += 2 * (load<f64>(minW + (vt << 3)) * <f64>n1 + load<f64>(step + (vt << 3)) * <f64>weighted);
    }
    store<f32>(out + (<usize>r << 2), <f32>est);
  }
}

/**
 * bitplane_rows for 4-bit query weights (the default): each code word is loaded
 * once and ANDed with the four query planes in registers, instead of once per
 * plane as the general loop does.
 */
function bitplane_rows4(qPlanes: usize, codes: usize, words: i32, planes: i32, rows: i32, minW: usize, step: usize, base: f64, out: usize): void {
  if (planes == 1 && words == 4) {
    bitplane_rows4_128(qPlanes, codes, rows, load<f64>(minW), load<f64>(step), base, out);
    return;
  }
  if (words == 4) {
    bitplane_rows4_128_planes(qPlanes, codes, planes, rows, minW, step, base, out);
    return;
  }
  const wordBytes = <usize>words << 2;
  const pairs = words >> 1;
  for (let r = 0; r < rows; r++) {
    let est = base;
    for (let t = 0; t < planes; t++) {
      const c = codes + (<usize>r * <usize>planes + <usize>t) * wordBytes;
      const q0 = qPlanes + (<usize>t << 2) * wordBytes;
      const q1 = q0 + wordBytes;
      const q2 = q1 + wordBytes;
      const q3 = q2 + wordBytes;
      let n1: u64 = 0;
      let a0: u64 = 0;
      let a1: u64 = 0;
      let a2: u64 = 0;
      let a3: u64 = 0;
      for (let i = 0; i < pairs; i++) {
        const o = <usize>i << 3;
        const x = load<u64>(c + o);
        n1 += popcnt<u64>(x);
        a0 += popcnt<u64>(x & load<u64>(q0 + o));
        a1 += popcnt<u64>(x & load<u64>(q1 + o));
        a2 += popcnt<u64>(x & load<u64>(q2 + o));
        a3 += popcnt<u64>(x & load<u64>(q3 + o));
      }
      if (words & 1) {
        const o = <usize>(words - 1) << 2;
        const x = load<u32>(c + o);
        n1 += <u64>popcnt<u32>(x);
        a0 += <u64>popcnt<u32>(x & load<u32>(q0 + o));
        a1 += <u64>popcnt<u32>(x & load<u32>(q1 + o));
        a2 += <u64>popcnt<u32>(x & load<u32>(q2 + o));
        a3 += <u64>popcnt<u32>(x & load<u32>(q3 + o));
      }
      const weighted = a0 + (a1 << 1) + (a2 << 2) + (a3 << 3);
      est += 2 * (load<f64>(minW + (<usize>t << 3)) * <f64>n1 + load<f64>(step + (<usize>t << 3)) * <f64>weighted);
    }
    store<f32>(out + (<usize>r << 2), <f32>est);
  }
}

/** bitplane_rows4 for one plane of 97..128 dimensions: the query's eight words stay in locals. */
function bitplane_rows4_128(qPlanes: usize, codes: usize, rows: i32, minW: f64, step: f64, base: f64, out: usize): void {
  const a0 = load<u64>(qPlanes);
  const b0 = load<u64>(qPlanes, 8);
  const a1 = load<u64>(qPlanes, 16);
  const b1 = load<u64>(qPlanes, 24);
  const a2 = load<u64>(qPlanes, 32);
  const b2 = load<u64>(qPlanes, 40);
  const a3 = load<u64>(qPlanes, 48);
  const b3 = load<u64>(qPlanes, 56);
  const m2 = 2 * minW;
  const s2 = 2 * step;
  for (let r = 0; r < rows; r++) {
    const c = codes + (<usize>r << 4);
    const x = load<u64>(c);
    const y = load<u64>(c, 8);
    const n1 = popcnt<u64>(x) + popcnt<u64>(y);
    const w = popcnt<u64>(x & a0) + popcnt<u64>(y & b0) + ((popcnt<u64>(x & a1) + popcnt<u64>(y & b1)) << 1) + ((popcnt<u64>(x & a2) + popcnt<u64>(y & b2)) << 2) + ((popcnt<u64>(x & a3) + popcnt<u64>(y & b3)) << 3);
    store<f32>(out + (<usize>r << 2), <f32>(base + (m2 * <f64>n1 + s2 * <f64>w)));
  }
}

/** bitplane_rows4 for several planes of 97..128 dimensions: two code words per plane, unrolled. */
function bitplane_rows4_128_planes(qPlanes: usize, codes: usize, planes: i32, rows: i32, minW: usize, step: usize, base: f64, out: usize): void {
  const rowBytes = <usize>planes << 4;
  for (let r = 0; r < rows; r++) {
    let est = base;
    for (let t = 0; t < planes; t++) {
      const c = codes + <usize>r * rowBytes + (<usize>t << 4);
      const q = qPlanes + (<usize>t << 6);
      const x = load<u64>(c);
      const y = load<u64>(c, 8);
      const n1 = popcnt<u64>(x) + popcnt<u64>(y);
      const w = popcnt<u64>(x & load<u64>(q)) + popcnt<u64>(y & load<u64>(q, 8)) + ((popcnt<u64>(x & load<u64>(q, 16)) + popcnt<u64>(y & load<u64>(q, 24))) << 1) + ((popcnt<u64>(x & load<u64>(q, 32)) + popcnt<u64>(y & load<u64>(q, 40))) << 2) + ((popcnt<u64>(x & load<u64>(q, 48)) + popcnt<u64>(y & load<u64>(q, 56))) << 3);
      est += 2 * (load<f64>(minW + (<usize>t << 3)) * <f64>n1 + load<f64>(step + (<usize>t << 3)) * <f64>w);
    }
    store<f32>(out + (<usize>r << 2), <f32>est);
  }
}

/**
 * Per-row terms of binary-code estimates (see src/index/binary/search.ts), in place:
 * est[r] = est[r] * corr[r] + qc[assign[r]] + offsets[r], then 2 est[r] - normsSq[r] when
 * normsSq is given (l2). corr, offsets, assign (u16) and normsSq are 0 when absent;
 * without assign every row adds qc[0].
 */
export function binary_row_terms(est: usize, rows: i32, corr: usize, offsets: usize, assign: usize, qc: usize, normsSq: usize): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r << 2;
    // in float64, as the TypeScript loop computes it
    let e = <f64>load<f32>(est + o);
    if (corr != 0) e *= <f64>load<f32>(corr + o);
    e += <f64>load<f32>(qc + (assign != 0 ? <usize>load<u16>(assign + (<usize>r << 1)) << 2 : 0));
    if (offsets != 0) e += <f64>load<f32>(offsets + o);
    if (normsSq != 0) e = 2 * e - <f64>load<f32>(normsSq + o);
    store<f32>(est + o, <f32>e);
  }
}

/**
 * Unnormalized Walsh–Hadamard transform, in place, of the dim floats at x in blocks
 * of `block` (a power of two, at least 4). Each output is formed by the same float32
 * additions, in the same order, as HadamardVariants.apply's butterflies.
 */
@inline function hadamard_blocks(x: usize, dim: i32, block: i32): void {
  const swap1 = f32x4(1, -1, 1, -1);
  const swap2 = f32x4(1, 1, -1, -1);
  for (let b = 0; b < dim; b += block) {
    const at = x + (<usize>b << 2);
    // strides 1 and 2 stay inside one vector: lane i meets lane i ^ 1, then lane i ^ 2
    for (let i = 0; i < block; i += 4) {
      const p = at + (<usize>i << 2);
      let v = v128.load(p);
      v = f32x4.add(v128.shuffle<f32>(v, v, 1, 0, 3, 2), f32x4.mul(v, swap1));
      v = f32x4.add(v128.shuffle<f32>(v, v, 2, 3, 0, 1), f32x4.mul(v, swap2));
      v128.store(p, v);
    }
    for (let h = 4; h < block; h <<= 1) {
      const hb = <usize>h << 2;
      for (let i = 0; i < block; i += h << 1) {
        for (let j = i; j < i + h; j += 4) {
          const u = at + (<usize>j << 2);
          const a = v128.load(u);
          const c = v128.load(u + hb);
          v128.store(u, f32x4.add(a, c));
          v128.store(u + hb, f32x4.sub(a, c));
        }
      }
    }
  }
}

/**
 * Sums of absolute coordinates of x (dim float32) in `count` randomized Hadamard bases
 * (see src/learn/hadamard-variants.ts): out[0] (float64) for x itself, out[v] for
 * H (multipliers_v * x), multipliers (count - 1) x dim float32. Sums run in float64 in
 * coordinate order, as the TypeScript loop adds them, so both pick the same basis.
 */
export function hadamard_l1(x: usize, multipliers: usize, count: i32, dim: i32, block: i32, work: usize, out: usize): void {
  let s: f64 = 0;
  for (let d = 0; d < dim; d++) s += <f64>abs<f32>(load<f32>(x + (<usize>d << 2)));
  store<f64>(out, s);
  const bytes = <usize>dim << 2;
  for (let v = 1; v < count; v++) {
    const m = multipliers + <usize>(v - 1) * bytes;
    for (let d = 0; d < dim; d += 4) {
      const o = <usize>d << 2;
      v128.store(work + o, f32x4.mul(v128.load(x + o), v128.load(m + o)));
    }
    hadamard_blocks(work, dim, block);
    s = 0;
    for (let d = 0; d < dim; d++) s += <f64>abs<f32>(load<f32>(work + (<usize>d << 2)));
    store<f64>(out + (<usize>v << 3), s);
  }
}

/**
 * The query side of binary-code scoring in every basis (see BinaryIndex.queryPlanes in
 * src/index/binary/search.ts, which this follows operation for operation): for basis v,
 * y = T_v q (as hadamard_l1 transforms; basis 0 is q itself), then for each plane t the
 * weights w_d = y_d * scales[t * dim + d] in float64 are quantized to `bits`-bit levels
 * between their least and largest, whose bit planes go to qPlanes[((v * planes + t) *
 * bits + j) * words + w] (zeroed here), their least and step to minW and step[v * planes
 * + t], and minus their sum to base[v]. work: dim float32 of scratch.
 */
export function variant_query_planes(q: usize, multipliers: usize, count: i32, dim: i32, block: i32, scales: usize, planes: i32, bits: i32, work: usize, qPlanes: usize, minW: usize, step: usize, base: usize): void {
  const words = (dim + 31) >>> 5;
  memory.fill(qPlanes, 0, (<usize>count * <usize>planes * <usize>bits * <usize>words) << 2);
  const levels = <f64>((1 << bits) - 1);
  const bytes = <usize>dim << 2;
  const planeBytes = <usize>words << 2;
  for (let v = 0; v < count; v++) {
    if (v == 0) memory.copy(work, q, bytes);
    else {
      const m = multipliers + <usize>(v - 1) * bytes;
      for (let d = 0; d < dim; d += 4) {
        const o = <usize>d << 2;
        v128.store(work + o, f32x4.mul(v128.load(q + o), v128.load(m + o)));
      }
      hadamard_blocks(work, dim, block);
    }
    let b: f64 = 0;
    for (let t = 0; t < planes; t++) {
      const vt = v * planes + t;
      const sc = scales + <usize>t * bytes;
      let lo: f64 = Infinity;
      let hi: f64 = -Infinity;
      for (let d = 0; d < dim; d++) {
        const o = <usize>d << 2;
        const w = <f64>load<f32>(work + o) * <f64>load<f32>(sc + o);
        b -= w;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
      const st = hi > lo ? (hi - lo) / levels : 0;
      store<f64>(minW + (<usize>vt << 3), lo);
      store<f64>(step + (<usize>vt << 3), st);
      if (st == 0) continue;
      const inv = 1 / st;
      const at = qPlanes + <usize>vt * <usize>bits * planeBytes;
      for (let d = 0; d < dim; d++) {
        const o = <usize>d << 2;
        const u = <i32>Math.floor((<f64>load<f32>(work + o) * <f64>load<f32>(sc + o) - lo) * inv + 0.5);
        const bit: u32 = 1 << (d & 31);
        const word = at + (<usize>(d >>> 5) << 2);
        for (let j = 0; j < bits; j++) if ((u >>> j) & 1) store<u32>(word + <usize>j * planeBytes, load<u32>(word + <usize>j * planeBytes) | bit);
      }
    }
    store<f64>(base + (<usize>v << 3), b);
  }
}

// ---------------------------------------------------------------- product quantization

/** Asymmetric-distance scan: out[r] = add + sum_s lut[s * 256 + codes[r * m + s]] (lut: float32 m x 256). */
export function pq_scan(lut: usize, codes: usize, m: i32, rows: i32, add: f32, out: usize): void {
  for (let r = 0; r < rows; r++) {
    const c = codes + <usize>r * <usize>m;
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s = 0;
    for (; s + 2 <= m; s += 2) {
      s0 += load<f32>(lut + ((<usize>s << 8) + <usize>load<u8>(c + <usize>s)) * 4);
      s1 += load<f32>(lut + ((<usize>(s + 1) << 8) + <usize>load<u8>(c + <usize>s + 1)) * 4);
    }
    if (s < m) s0 += load<f32>(lut + ((<usize>s << 8) + <usize>load<u8>(c + <usize>s)) * 4);
    store<f32>(out + (<usize>r << 2), add + (s0 + s1));
  }
}

// ---------------------------------------------------------------- learned sparse

/** Entry i of a row: query weight of its term times its value (V = f32, or u16 float16 bits via the table). */
@inline function sparse_term<T, V>(q: usize, terms: usize, values: usize, f16Table: usize, i: usize): f32 {
  const w = load<f32>(q + (<usize>load<T>(terms + i * <usize>sizeof<T>()) << 2));
  if (isInteger<V>()) return w * load<f32>(f16Table + (<usize>load<u16>(values + (i << 1)) << 2));
  return w * load<f32>(values + (i << 2));
}

/** Keeps the touch loads below from being optimized away. */
let touchSink: u32 = 0;

/**
 * Loads one byte of every cache line of a row's terms and values. The loads are
 * independent, so the row's misses are all in flight at once instead of one
 * after another as the dot product walks the row.
 */
@inline function touch_row<T, V>(terms: usize, values: usize, a: usize, e: usize): u32 {
  let x: u32 = 0;
  const tb = terms + a * <usize>sizeof<T>();
  const te = terms + e * <usize>sizeof<T>();
  for (let p = tb; p < te; p += 64) x ^= load<u8>(p);
  const vb = values + a * <usize>sizeof<V>();
  const ve = values + e * <usize>sizeof<V>();
  for (let p = vb; p < ve; p += 64) x ^= load<u8>(p);
  return x;
}

/**
 * Four rows in lockstep (over their common length, then each one's rest): at a
 * million rows every row starts with cache misses, and four rows put four of
 * them in flight at once (Seismic at 1M documents: 1.5x end to end). Each
 * row's sum keeps the entry order, so results equal row-by-row scoring.
 */
function sparse_rows4<T, V>(q: usize, start: usize, terms: usize, values: usize, f16Table: usize, ids: usize, count: i32, out: usize): void {
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const p = ids + (<usize>j << 2);
    const id0 = <usize>load<i32>(p);
    const id1 = <usize>load<i32>(p, 4);
    const id2 = <usize>load<i32>(p, 8);
    const id3 = <usize>load<i32>(p, 12);
    const a0 = <usize>load<f64>(start + (id0 << 3));
    const e0 = <usize>load<f64>(start + ((id0 + 1) << 3));
    const a1 = <usize>load<f64>(start + (id1 << 3));
    const e1 = <usize>load<f64>(start + ((id1 + 1) << 3));
    const a2 = <usize>load<f64>(start + (id2 << 3));
    const e2 = <usize>load<f64>(start + ((id2 + 1) << 3));
    const a3 = <usize>load<f64>(start + (id3 << 3));
    const e3 = <usize>load<f64>(start + ((id3 + 1) << 3));
    let n = e0 - a0;
    if (e1 - a1 < n) n = e1 - a1;
    if (e2 - a2 < n) n = e2 - a2;
    if (e3 - a3 < n) n = e3 - a3;
    let s0: f32 = 0;
    let s1: f32 = 0;
    let s2: f32 = 0;
    let s3: f32 = 0;
    for (let k: usize = 0; k < n; k++) {
      s0 += sparse_term<T, V>(q, terms, values, f16Table, a0 + k);
      s1 += sparse_term<T, V>(q, terms, values, f16Table, a1 + k);
      s2 += sparse_term<T, V>(q, terms, values, f16Table, a2 + k);
      s3 += sparse_term<T, V>(q, terms, values, f16Table, a3 + k);
    }
    for (let i = a0 + n; i < e0; i++) s0 += sparse_term<T, V>(q, terms, values, f16Table, i);
    for (let i = a1 + n; i < e1; i++) s1 += sparse_term<T, V>(q, terms, values, f16Table, i);
    for (let i = a2 + n; i < e2; i++) s2 += sparse_term<T, V>(q, terms, values, f16Table, i);
    for (let i = a3 + n; i < e3; i++) s3 += sparse_term<T, V>(q, terms, values, f16Table, i);
    const o = out + (<usize>j << 2);
    store<f32>(o, s0);
    store<f32>(o, s1, 4);
    store<f32>(o, s2, 8);
    store<f32>(o, s3, 12);
  }
  for (; j < count; j++) {
    const id = <usize>load<i32>(ids + (<usize>j << 2));
    const to = <usize>load<f64>(start + ((id + 1) << 3));
    let s: f32 = 0;
    for (let i = <usize>load<f64>(start + (id << 3)); i < to; i++) s += sparse_term<T, V>(q, terms, values, f16Table, i);
    store<f32>(out + (<usize>j << 2), s);
  }
}

/** Rows whose lines are requested together before they are scored: 32 rows of ~120 entries take ~15 KB, half of a 32 KB L1. */
const TOUCH_ROWS = 32;

/**
 * Scores rows in chunks of TOUCH_ROWS: first one load per cache line of every
 * row in the chunk (all their misses in flight together), then the four-row
 * dot products over lines already arriving. At a million rows this takes
 * Seismic's queries from about 0.39 to 0.27 ms (bench/sparse/profile-search.ts
 * --docs 1000000 --summaryEnergy 0.3).
 */
function sparse_rows_touched<T, V>(q: usize, start: usize, terms: usize, values: usize, f16Table: usize, ids: usize, count: i32, out: usize): void {
  for (let c = 0; c < count; c += TOUCH_ROWS) {
    const n = min(TOUCH_ROWS, count - c);
    const chunk = ids + (<usize>c << 2);
    let x: u32 = 0;
    for (let j = 0; j < n; j++) {
      const id = <usize>load<i32>(chunk + (<usize>j << 2));
      x ^= touch_row<T, V>(terms, values, <usize>load<f64>(start + (id << 3)), <usize>load<f64>(start + ((id + 1) << 3)));
    }
    touchSink ^= x;
    sparse_rows4<T, V>(q, start, terms, values, f16Table, chunk, n, out + (<usize>c << 2));
  }
}

/**
 * Sparse dot products of forward-index rows against a dense query array:
 * out[j] = sum_i q[terms[i]] * value(i) over row ids[j]'s entries [start[id], start[id + 1]).
 * termBytes: 2 (uint16 ids) or 4 (uint32); values: float32, or float16 bits decoded through
 * f16Table (65,536 float32) when f16Table is not 0. start: float64 offsets.
 */
export function sparse_dot_rows(q: usize, start: usize, terms: usize, termBytes: i32, values: usize, f16Table: usize, ids: usize, count: i32, out: usize): void {
  if (termBytes == 2) {
    if (f16Table != 0) sparse_rows_touched<u16, u16>(q, start, terms, values, f16Table, ids, count, out);
    else sparse_rows_touched<u16, f32>(q, start, terms, values, 0, ids, count, out);
  } else {
    if (f16Table != 0) sparse_rows_touched<u32, u16>(q, start, terms, values, f16Table, ids, count, out);
    else sparse_rows_touched<u32, f32>(q, start, terms, values, 0, ids, count, out);
  }
}

/**
 * Seismic block-summary scores of consecutive blocks [from, to) (one posting list):
 * out[b - from] = sum over the summary's entries of q[term] * (min[b] + step[b] * code),
 * computed as min[b] * sum q + step[b] * sum q * code. sumStart: uint32 offsets;
 * termBytes: 2 or 4; codes: uint8.
 */
export function summary_scores(q: usize, sumStart: usize, terms: usize, termBytes: i32, codes: usize, mins: usize, steps: usize, from: i32, to: i32, out: usize): void {
  for (let b = from; b < to; b++) {
    const a = <usize>load<u32>(sumStart + (<usize>b << 2));
    const e = <usize>load<u32>(sumStart + (<usize>(b + 1) << 2));
    let sq: f32 = 0;
    let sqc: f32 = 0;
    if (termBytes == 2) {
      for (let i = a; i < e; i++) {
        const w = load<f32>(q + (<usize>load<u16>(terms + (i << 1)) << 2));
        sq += w;
        sqc += w * <f32>load<u8>(codes + i);
      }
    } else {
      for (let i = a; i < e; i++) {
        const w = load<f32>(q + (<usize>load<u32>(terms + (i << 2)) << 2));
        sq += w;
        sqc += w * <f32>load<u8>(codes + i);
      }
    }
    store<f32>(out + (<usize>(b - from) << 2), load<f32>(mins + (<usize>b << 2)) * sq + load<f32>(steps + (<usize>b << 2)) * sqc);
  }
}

// ---------------------------------------------------------------- top-k selection

// Min-heap of (score, id) pairs in two arrays; the root is the worst kept pair.
// Equal scores are won by the lower id, as in src/kernels/top-k-heap.ts.

@inline function worse(s1: f32, d1: i32, s2: f32, d2: i32): bool {
  return s1 < s2 || (s1 == s2 && d1 > d2);
}

function sift_down(hs: usize, hi: usize, size: i32, score: f32, id: i32): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    let c = l;
    const r = l + 1;
    if (r < size && worse(load<f32>(hs + (<usize>r << 2)), load<i32>(hi + (<usize>r << 2)), load<f32>(hs + (<usize>l << 2)), load<i32>(hi + (<usize>l << 2)))) c = r;
    if (!worse(load<f32>(hs + (<usize>c << 2)), load<i32>(hi + (<usize>c << 2)), score, id)) break;
    move_pair(hs, hi, c, i);
    i = c;
  }
  put_pair(hs, hi, i, score, id);
}

/**
 * Offers n scores (row ids firstId .. firstId + n - 1; or ids[j] when ids is not 0) to a
 * bounded min-heap of capacity k held at heapScores / heapIds with `size` entries; rows
 * not in the allow bitset (when allow is not 0) are skipped, and NaN scores are never
 * kept. `negate` flips the sign first (distances to similarities). Returns the new size.
 */
export function topk_push(scores: usize, n: i32, firstId: i32, ids: usize, allow: usize, negate: i32, heapScores: usize, heapIds: usize, size: i32, k: i32): i32 {
  // The worst kept score, once the heap is full: most rows score below it and are
  // dropped on one comparison (NaN fails it too, and is dropped below when the heap is not full).
  let floor: f32 = size < k ? -Infinity : load<f32>(heapScores);
  for (let j = 0; j < n; j++) {
    let s = load<f32>(scores + (<usize>j << 2));
    if (negate != 0) s = -s;
    if (!(s >= floor)) continue;
    if (s != s) continue;
    const id = ids != 0 ? load<i32>(ids + (<usize>j << 2)) : firstId + j;
    if (allow != 0 && (load<u32>(allow + (<usize>(id >>> 5) << 2)) & (1 << (id & 31))) == 0) continue;
    if (size < k) {
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(s, id, load<f32>(heapScores + (<usize>p << 2)), load<i32>(heapIds + (<usize>p << 2)))) break;
        move_pair(heapScores, heapIds, p, i);
        i = p;
      }
      put_pair(heapScores, heapIds, i, s, id);
      if (size == k) floor = load<f32>(heapScores);
    } else if (worse(load<f32>(heapScores), load<i32>(heapIds), s, id)) {
      sift_down(heapScores, heapIds, size, s, id);
      floor = load<f32>(heapScores);
    }
  }
  return size;
}

/** Sorts the heap in place into best-first order (heap sort); the heap is consumed. */
export function topk_sort(heapScores: usize, heapIds: usize, size: i32): void {
  for (let n = size; n > 1; n--) {
    const s = load<f32>(heapScores);
    const id = load<i32>(heapIds);
    const last = n - 1;
    sift_down(heapScores, heapIds, last, load<f32>(heapScores + (<usize>last << 2)), load<i32>(heapIds + (<usize>last << 2)));
    put_pair(heapScores, heapIds, last, s, id);
  }
}
