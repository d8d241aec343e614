/**
 * Rows stored as a low-rank projection plus a sparse residual, the decomposition LOST uses to
 * compress vectors (a rank-r part shared through one basis and an s-sparse part per vector):
 * x ~= mean + B^T c + e with c = B (x - mean) (r floats) and e the s largest-magnitude entries of
 * what is left (s dimension numbers and values). Scoring a query needs B q once; each row then
 * costs r + s multiply-adds instead of dim. 4r + 6s bytes per row instead of 4 dim.
 */
import { QuarryError } from '../../core/quarry-error.js';
import type { TopSubspace } from './randomized-svd.js';

/** Rows coded against a subspace. */
export interface LowRankRows {
  subspace: TopSubspace;
  /** Residual entries kept per row. */
  sparse: number;
  /** coefficients[r * rank + j]. */
  coefficients: Float32Array;
  /** The dimensions of each row's kept residual entries, residualDims[r * sparse + i]. */
  residualDims: Uint16Array;
  residualValues: Float32Array;
  /** Squared norms of the reconstructions (for l2 scores). */
  normsSq: Float32Array;
}

/** Codes n rows of dim against `subspace`, keeping the `sparse` largest residual entries of each. */
export function encodeLowRankRows(rows: Float32Array, subspace: TopSubspace, sparse: number): LowRankRows {
  const { dim, rank, mean, basis } = subspace;
  if (!Number.isInteger(sparse) || sparse < 0 || sparse > dim)
    throw new QuarryError('BAD_ARGUMENT', `the sparse residual must keep 0 to ${dim} entries, not ${sparse}`, { field: 'sparseResidual' });
  if (dim > 65536)
    throw new QuarryError('BAD_ARGUMENT', `low-rank rows number dimensions in 16 bits; ${dim} is too many`, { field: 'lowRank' });
  const n = rows.length / dim;
  const coefficients = new Float32Array(n * rank);
  const residualDims = new Uint16Array(n * sparse);
  const residualValues = new Float32Array(n * sparse);
  const normsSq = new Float32Array(n);
  const centred = new Float64Array(dim);
  const left = new Float64Array(dim);
  const order = new Int32Array(dim);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) centred[d] = rows[r * dim + d]! - mean[d]!;
    left.set(centred);
    for (let j = 0; j < rank; j++) {
      let c = 0;
      for (let d = 0; d < dim; d++) c += basis[j * dim + d]! * centred[d]!;
      const cf = Math.fround(c);
      coefficients[r * rank + j] = cf;
      for (let d = 0; d < dim; d++) left[d]! -= cf * basis[j * dim + d]!;
    }
    if (sparse > 0) {
      for (let d = 0; d < dim; d++) order[d] = d;
      // the s largest |residual| entries, by partial selection sort (s is small)
      for (let i = 0; i < sparse; i++) {
        let best = i;
        for (let k = i + 1; k < dim; k++) if (Math.abs(left[order[k]!]!) > Math.abs(left[order[best]!]!)) best = k;
        const t = order[i]!;
        order[i] = order[best]!;
        order[best] = t;
        residualDims[r * sparse + i] = order[i]!;
        residualValues[r * sparse + i] = left[order[i]!]!;
      }
    }
    let sq = 0;
    const x = reconstructLowRankRow({ subspace, sparse, coefficients, residualDims, residualValues, normsSq }, r, left);
    for (let d = 0; d < dim; d++) sq += x[d]! ** 2;
    normsSq[r] = sq;
  }
  return { subspace, sparse, coefficients, residualDims, residualValues, normsSq };
}

/** Writes row r's reconstruction into `out` (dim) and returns it. */
export function reconstructLowRankRow(rows: LowRankRows, r: number, out: Float64Array | Float32Array): Float64Array | Float32Array {
  const { dim, rank, mean, basis } = rows.subspace;
  for (let d = 0; d < dim; d++) out[d] = mean[d]!;
  for (let j = 0; j < rank; j++) {
    const c = rows.coefficients[r * rank + j]!;
    for (let d = 0; d < dim; d++) out[d]! += c * basis[j * dim + d]!;
  }
  for (let i = 0; i < rows.sparse; i++) out[rows.residualDims[r * rows.sparse + i]!]! += rows.residualValues[r * rows.sparse + i]!;
  return out;
}

/** Scores rows against one query: B q and <q, mean> once, then r + s multiply-adds per row. */
export class LowRankScorer {
  private readonly projected: Float32Array;
  private readonly query: Float32Array;
  private base = 0;

  constructor(private readonly rows: LowRankRows) {
    this.projected = new Float32Array(rows.subspace.rank);
    this.query = new Float32Array(rows.subspace.dim);
  }

  /** Prepares query `q` (dim). */
  prepare(q: Float32Array): void {
    const { dim, rank, mean, basis } = this.rows.subspace;
    this.query.set(q.subarray(0, dim));
    let base = 0;
    for (let d = 0; d < dim; d++) base += q[d]! * mean[d]!;
    this.base = base;
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q[d]! * basis[j * dim + d]!;
      this.projected[j] = s;
    }
  }

  /** <q, reconstruction of row r>. */
  dot(r: number): number {
    const { rank } = this.rows.subspace;
    const { coefficients, residualDims, residualValues, sparse } = this.rows;
    let s = this.base;
    for (let j = 0; j < rank; j++) s += this.projected[j]! * coefficients[r * rank + j]!;
    for (let i = 0; i < sparse; i++) s += this.query[residualDims[r * sparse + i]!]! * residualValues[r * sparse + i]!;
    return s;
  }
}
