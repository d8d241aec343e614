/** Builds a flat index: rows copied into one Float32Array (normalized for cosine). */
import { normalizeRows } from '../../../kernels/dense-distance.js';
import { QuarryError } from '../../../core/quarry-error.js';
import type { FlatParams } from './params.js';
import { FlatIndex } from './flat-index.js';

/** Builds a flat index over `rows` x `params.dim` values. */
export function buildFlat(vectors: Float32Array, params: FlatParams): FlatIndex {
  if (vectors.length % params.dim !== 0) {
    throw new QuarryError('BAD_INPUT', `${vectors.length} values are not a whole number of ${params.dim}-d rows`, { field: 'vectors' });
  }
  const data = new Float32Array(vectors);
  if (params.metric === 'cosine') normalizeRows(data, params.dim);
  return new FlatIndex(data, params);
}
