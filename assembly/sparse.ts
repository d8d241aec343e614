// Quarry's WebAssembly SIMD kernels: learned sparse (see index.ts).

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
