/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method
 * (Jacobi 1846; the threshold strategy of Rutishauser, Numer. Math. 1966):
 * plane rotations zero one off-diagonal entry at a time until the matrix is
 * diagonal to working precision. Accurate for small eigenvalues, which the
 * Procrustes and whitening fits here divide by.
 */
import { QuarryError } from '../core/quarry-error.js';

/** Eigenvalues (descending) and unit eigenvectors: vectors[i * n + j] is component i of eigenvector j. */
export interface SymmetricEigen {
  n: number;
  values: Float64Array;
  vectors: Float64Array;
}

/** Decomposes the symmetric n x n matrix `a` (row-major; only its values are read, it is not changed). */
export function symmetricEigen(a: ArrayLike<number>, n: number, maxSweeps = 60): SymmetricEigen {
  if (a.length !== n * n)
    throw new QuarryError('BAD_ARGUMENT', `a ${n} x ${n} matrix needs ${n * n} values, got ${a.length}`, { field: 'matrix' });
  const m = Float64Array.from(a);
  // symmetrize: callers build the matrix from sums whose halves may differ in the last bit
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = m[j * n + i] = 0.5 * (m[i * n + j]! + m[j * n + i]!);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i]! * m[i]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j]! * m[i * n + j]!;
    if (off <= 1e-30 * scale || off === 0) break;
    // Early sweeps skip entries too small to matter yet (Rutishauser's threshold).
    const threshold = sweep < 3 ? (0.2 * Math.sqrt(off)) / (n * n) : 0;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (Math.abs(apq) <= threshold || apq === 0) continue;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const kp = m[k * n + p]!;
          const kq = m[k * n + q]!;
          m[k * n + p] = c * kp - s * kq;
          m[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = m[p * n + k]!;
          const qk = m[q * n + k]!;
          m[p * n + k] = c * pk - s * qk;
          m[q * n + k] = s * pk + c * qk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - s * kq;
          v[k * n + q] = s * kp + c * kq;
        }
      }
    }
  }
  // sort descending by eigenvalue
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y]! - m[x * n + x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src]!;
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { n, values, vectors };
}
