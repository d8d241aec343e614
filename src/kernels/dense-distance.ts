/**
 * Float32 vector kernels over rows stored in one Float32Array. These are the
 * pure-TypeScript reference versions; they take offsets instead of subarrays
 * so that hot loops allocate nothing.
 */

/** Dot product of a[aOff .. aOff+dim) and b[bOff .. bOff+dim). */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += a[aOff + i]! * b[bOff + i]!;
    s1 += a[aOff + i + 1]! * b[bOff + i + 1]!;
    s2 += a[aOff + i + 2]! * b[bOff + i + 2]!;
    s3 += a[aOff + i + 3]! * b[bOff + i + 3]!;
  }
  for (; i < dim; i++) s0 += a[aOff + i]! * b[bOff + i]!;
  return s0 + s1 + s2 + s3;
}

/** Squared Euclidean distance of two rows. */
export function l2Squared(a: Float32Array, aOff: number, b: Float32Array, bOff: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    const d0 = a[aOff + i]! - b[bOff + i]!;
    const d1 = a[aOff + i + 1]! - b[bOff + i + 1]!;
    const d2 = a[aOff + i + 2]! - b[bOff + i + 2]!;
    const d3 = a[aOff + i + 3]! - b[bOff + i + 3]!;
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  for (; i < dim; i++) {
    const d = a[aOff + i]! - b[bOff + i]!;
    s0 += d * d;
  }
  return s0 + s1 + s2 + s3;
}

/** Euclidean norm of a row. */
export function norm(a: Float32Array, off: number, dim: number): number {
  return Math.sqrt(dot(a, off, a, off, dim));
}

/** Scales rows in place to unit length (zero rows stay zero). */
export function normalizeRows(data: Float32Array, dim: number): void {
  const n = data.length / dim;
  for (let r = 0; r < n; r++) {
    const off = r * dim;
    const len = norm(data, off, dim);
    if (len > 0) for (let i = 0; i < dim; i++) data[off + i]! /= len;
  }
}
