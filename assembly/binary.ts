// Quarry's WebAssembly SIMD kernels: binary codes (see index.ts).

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
