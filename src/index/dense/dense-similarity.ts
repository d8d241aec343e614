/** Dense similarity as every family scores it: dot for dot and cosine (rows and queries unit length), minus squared distance for l2. */
import { dot, l2Squared } from '../../kernels/dense-distance.js';
import { QuarryError } from '../../core/quarry-error.js';
import type { DenseMetric } from './dense-types.js';

/** Scores a query row against stored rows; the same for every exact rescoring step. */
export function similarity(metric: DenseMetric, q: Float32Array, qOff: number, data: Float32Array, row: number, dim: number): number {
  return metric === 'l2' ? -l2Squared(q, qOff, data, row * dim, dim) : dot(q, qOff, data, row * dim, dim);
}

/** Prepares a query for a metric: checks its size and normalizes it for cosine. */
export function prepareQuery(query: Float32Array, dim: number, metric: DenseMetric): Float32Array {
  checkQueryDimension(query.length, dim, 'vector');
  for (let i = 0; i < dim; i++)
    if (!Number.isFinite(query[i]!))
      throw new QuarryError('BAD_ARGUMENT', `query component ${i} is not a finite number`, { field: 'vector' });
  if (metric !== 'cosine') return query;
  let s = 0;
  for (let i = 0; i < dim; i++) s += query[i]! * query[i]!;
  const len = Math.sqrt(s);
  const out = new Float32Array(dim);
  if (len > 0) for (let i = 0; i < dim; i++) out[i] = query[i]! / len;
  return out;
}

/** Throws BAD_ARGUMENT (naming `where`) unless a query vector of `length` values fits a field of `dim` dimensions. */
export function checkQueryDimension(length: number, dim: number, where: string): void {
  if (length !== dim) throw new QuarryError('BAD_ARGUMENT', `query has dimension ${length}, the field has ${dim}`, { field: where });
}
