/** Builds an IVF-PQ index: coarse k-means, residual product quantization, inverted lists. */
import { normalizeRows } from '../../../kernels/dense-distance.js';
import { kmeans } from '../../../quantize/kmeans.js';
import { NearestCentroids } from '../../../quantize/nearest-centroids.js';
import { encodeProduct, fitProductQuantizer } from '../../../quantize/product-quantizer.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { checkParamRanges } from '../../param-ranges.js';
import { IVFPQ_DEFAULTS, IVFPQ_PARAM_RANGES, type IvfPqParams } from './params.js';
import { IvfPqIndex } from './ivfpq-index.js';

/** Builds an IVF-PQ index; nlist defaults to about sqrt(n), m to dim / 4 (rounded down to a divisor; a given m must divide dim). */
export function buildIvfPq(
  vectors: Float32Array,
  params: Partial<IvfPqParams> & Pick<IvfPqParams, 'dim' | 'metric'>,
  keepFloats = true,
): IvfPqIndex {
  const dim = params.dim;
  if (vectors.length % dim !== 0)
    throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${dim}-d rows`, { field: 'vectors' });
  const n = vectors.length / dim;
  checkParamRanges(IVFPQ_PARAM_RANGES, params, dim);
  let m = params.m ?? Math.max(1, Math.round(dim / 4));
  // only the default is rounded to a divisor; a given m was checked above
  while (dim % m !== 0) m--;
  const p: IvfPqParams = { ...IVFPQ_DEFAULTS, nlist: Math.max(1, Math.min(n, Math.round(Math.sqrt(n)))), ...params, m };
  if (p.nlist > n) throw new QuarryError('BAD_ARGUMENT', `nlist (${p.nlist}) exceeds the number of rows (${n})`, { field: 'nlist' });
  const rows = new Float32Array(vectors);
  if (p.metric === 'cosine') normalizeRows(rows, dim);
  const coarse = kmeans(rows, dim, { k: p.nlist, seed: p.seed, iterations: 20 });
  const assign = new Int32Array(n);
  const resid = new Float32Array(rows.length);
  new NearestCentroids(rows, dim, coarse.k * dim).assign(0, dim, coarse.centroids, coarse.k, assign, new Float32Array(n));
  for (let r = 0; r < n; r++) {
    const c = assign[r]!;
    for (let j = 0; j < dim; j++) resid[r * dim + j] = rows[r * dim + j]! - coarse.centroids[c * dim + j]!;
  }
  const pq = fitProductQuantizer(resid, dim, p.m, p.seed + 1);
  const codes = encodeProduct(pq, resid);
  const listOffsets = new Uint32Array(p.nlist + 1);
  for (let r = 0; r < n; r++) listOffsets[assign[r]! + 1]!++;
  for (let c = 0; c < p.nlist; c++) listOffsets[c + 1]! += listOffsets[c]!;
  const fill = listOffsets.slice(0, p.nlist);
  const listIds = new Int32Array(n);
  const listCodes = new Uint8Array(n * p.m);
  for (let r = 0; r < n; r++) {
    const slot = fill[assign[r]!]!++;
    listIds[slot] = r;
    listCodes.set(codes.subarray(r * p.m, (r + 1) * p.m), slot * p.m);
  }
  return new IvfPqIndex(coarse, pq, listOffsets, listIds, listCodes, keepFloats ? rows : null, p);
}
