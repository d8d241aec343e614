/**
 * The top right singular subspace of a row matrix by randomized SVD (Halko, Martinsson and Tropp,
 * "Finding Structure with Randomness", SIAM Review 2011): a Gaussian sketch of the centred rows'
 * range, sharpened by power iterations and orthonormalized after each product, then the exact SVD
 * of the small projected matrix. Costs a few passes over the rows instead of a dim x dim
 * eigen-decomposition.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { standardNormal, xorshift32 } from '../../kernels/xorshift.js';
import { symmetricEigen } from '../symmetric-eigen.js';

/** The fitted subspace: rows are approximated as mean + sum_j c_j basis_j. */
export interface TopSubspace {
  dim: number;
  rank: number;
  /** The rows' mean (dim). */
  mean: Float32Array;
  /** Orthonormal basis vectors, basis[j * dim + d] (rank x dim), by decreasing singular value. */
  basis: Float32Array;
  /** The singular values of the centred rows along each basis vector. */
  singular: Float64Array;
}

/** Options of randomizedTopSubspace. */
export interface RandomizedSvdOptions {
  /** Extra sketch columns beyond the rank (default 10). */
  oversample?: number;
  /** Power iterations (default 4: embedding spectra decay slowly, and each iteration sharpens the sketch towards the top singular values). */
  powerIterations?: number;
  seed?: number;
}

/** Orthonormalizes the l columns of the n x l column-major matrix `y` in place (modified Gram–Schmidt, twice). */
function orthonormalizeColumns(y: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++)
    for (let j = 0; j < l; j++) {
      const cj = j * n;
      for (let k = 0; k < j; k++) {
        const ck = k * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += y[cj + i]! * y[ck + i]!;
        for (let i = 0; i < n; i++) y[cj + i]! -= s * y[ck + i]!;
      }
      let s = 0;
      for (let i = 0; i < n; i++) s += y[cj + i]! ** 2;
      const inv = s > 1e-300 ? 1 / Math.sqrt(s) : 0;
      for (let i = 0; i < n; i++) y[cj + i]! *= inv;
    }
}

/** The top `rank` right singular vectors of the centred rows (n x dim, row-major). */
export function randomizedTopSubspace(rows: Float32Array, dim: number, rank: number, opts: RandomizedSvdOptions = {}): TopSubspace {
  const n = rows.length / dim;
  if (!Number.isInteger(rank) || rank < 1 || rank > dim)
    throw new QuarryError('BAD_ARGUMENT', `the rank must be an integer from 1 to ${dim}, not ${rank}`, { field: 'lowRank' });
  if (n < 1 || !Number.isInteger(n))
    throw new QuarryError('BAD_ARGUMENT', `${rows.length} values are not whole ${dim}-d rows`, { field: 'rows' });
  const l = Math.min(dim, n, rank + (opts.oversample ?? 10));
  const mean = new Float32Array(dim);
  const sums = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) sums[d]! += rows[r * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d] = sums[d]! / n;
  const rand = xorshift32(opts.seed ?? 7);
  // omega: dim x l (column-major), then y = X omega (n x l), z = X^T y (dim x l)
  const omega = new Float64Array(dim * l);
  for (let i = 0; i < omega.length; i++) omega[i] = standardNormal(rand);
  const y = new Float64Array(n * l);
  const row = new Float64Array(dim);
  const times = (w: Float64Array): void => {
    // y = X_c w, X_c the centred rows
    for (let r = 0; r < n; r++) {
      for (let d = 0; d < dim; d++) row[d] = rows[r * dim + d]! - mean[d]!;
      for (let j = 0; j < l; j++) {
        let s = 0;
        const cj = j * dim;
        for (let d = 0; d < dim; d++) s += row[d]! * w[cj + d]!;
        y[j * n + r] = s;
      }
    }
  };
  const transposeTimes = (out: Float64Array): void => {
    // out = X_c^T y (dim x l, column-major)
    out.fill(0);
    for (let r = 0; r < n; r++) {
      for (let d = 0; d < dim; d++) row[d] = rows[r * dim + d]! - mean[d]!;
      for (let j = 0; j < l; j++) {
        const v = y[j * n + r]!;
        if (v === 0) continue;
        const cj = j * dim;
        for (let d = 0; d < dim; d++) out[cj + d]! += v * row[d]!;
      }
    }
  };
  times(omega);
  orthonormalizeColumns(y, n, l);
  const z = new Float64Array(dim * l);
  for (let it = 0; it < (opts.powerIterations ?? 4); it++) {
    transposeTimes(z);
    orthonormalizeColumns(z, dim, l);
    times(z);
    orthonormalizeColumns(y, n, l);
  }
  // B = Q^T X_c (l x dim) is z^T after one more product; its right singular vectors are the
  // eigenvectors of B^T B restricted to its row space, found from the small l x l matrix B B^T
  transposeTimes(z);
  const bbt = new Float64Array(l * l);
  for (let i = 0; i < l; i++)
    for (let j = i; j < l; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += z[i * dim + d]! * z[j * dim + d]!;
      bbt[i * l + j] = bbt[j * l + i] = s;
    }
  const eig = symmetricEigen(bbt, l);
  const basis = new Float32Array(rank * dim);
  const singular = new Float64Array(rank);
  for (let k = 0; k < rank; k++) {
    const sigma = Math.sqrt(Math.max(0, eig.values[k]!));
    singular[k] = sigma;
    // v_k = B^T u_k / sigma_k
    const v = new Float64Array(dim);
    for (let i = 0; i < l; i++) {
      const u = eig.vectors[i * l + k]!;
      for (let d = 0; d < dim; d++) v[d]! += u * z[i * dim + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += v[d]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) basis[k * dim + d] = v[d]! * inv;
  }
  return { dim, rank, mean, basis, singular };
}
