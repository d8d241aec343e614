/**
 * Per-dimension scalar quantization to 8 bits with trained ranges: each
 * dimension's [lo, hi] is fit on the data (optionally clipped to quantiles,
 * as in Lucene's int8 HNSW), and values map to 0..255.
 */

/** A fitted 8-bit scalar quantizer. */
export interface ScalarQuantizer {
  dim: number;
  lo: Float32Array;
  /** (hi - lo) / 255 per dimension. */
  step: Float32Array;
}

/** Fits ranges per dimension; `quantile` < 1 clips outliers (e.g. 0.999 keeps the central 99.8%). */
export function fitScalarQuantizer(data: Float32Array, dim: number, quantile = 1): ScalarQuantizer {
  const n = data.length / dim;
  const lo = new Float32Array(dim);
  const step = new Float32Array(dim);
  const column = new Float32Array(n);
  for (let d = 0; d < dim; d++) {
    for (let r = 0; r < n; r++) column[r] = data[r * dim + d]!;
    let a: number;
    let b: number;
    if (quantile >= 1) {
      a = Infinity;
      b = -Infinity;
      for (let r = 0; r < n; r++) {
        if (column[r]! < a) a = column[r]!;
        if (column[r]! > b) b = column[r]!;
      }
    } else {
      column.sort();
      a = column[Math.floor((1 - quantile) * (n - 1))]!;
      b = column[Math.ceil(quantile * (n - 1))]!;
    }
    lo[d] = a;
    step[d] = b > a ? (b - a) / 255 : 1;
  }
  return { dim, lo, step };
}

/** Encodes rows to one byte per dimension (values outside the range are clamped). */
export function encodeScalar(sq: ScalarQuantizer, data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length);
  const dim = sq.dim;
  for (let i = 0; i < data.length; i++) {
    const d = i % dim;
    const v = Math.round((data[i]! - sq.lo[d]!) / sq.step[d]!);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
