/**
 * Solving symmetric positive-definite systems by Cholesky factorization
 * (A = L Lᵀ, then two triangular solves), for least-squares fits through
 * their normal equations.
 */
import { QuarryError } from '../core/quarry-error.js';

/**
 * Solves A X = B for X, with A symmetric positive definite (n x n, row-major)
 * and B of n rows and `columns` columns (row-major). Returns X; A and B are
 * not changed. Throws when A is not positive definite.
 */
export function choleskySolve(a: ArrayLike<number>, n: number, b: ArrayLike<number>, columns: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * n + j]!;
      for (let k = 0; k < j; k++) sum -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(sum > 0))
          throw new QuarryError(
            'BAD_INPUT',
            `the matrix is not positive definite (pivot ${i} is ${sum})`,
            { field: 'matrix' },
            'add ridge regularization or more varied samples',
          );
        l[i * n + i] = Math.sqrt(sum);
      } else l[i * n + j] = sum / l[j * n + j]!;
    }
  }
  const x = Float64Array.from(b);
  // L y = b
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = l[i * n + k]!;
      if (f !== 0) for (let c = 0; c < columns; c++) x[i * columns + c]! -= f * x[k * columns + c]!;
    }
    const d = l[i * n + i]!;
    for (let c = 0; c < columns; c++) x[i * columns + c]! /= d;
  }
  // Lᵀ x = y
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = l[k * n + i]!;
      if (f !== 0) for (let c = 0; c < columns; c++) x[i * columns + c]! -= f * x[k * columns + c]!;
    }
    const d = l[i * n + i]!;
    for (let c = 0; c < columns; c++) x[i * columns + c]! /= d;
  }
  return x;
}
