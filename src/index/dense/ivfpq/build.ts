/** Builds an IVF-PQ index: coarse k-means, residual product quantization, inverted lists. */
import { normalizeRows } from '../../../kernels/dense-distance.js';
import {
  encodeIvfPq,
  fitAndEncodeIvfPq,
  groupByCell,
  type IvfPqCodes,
  type IvfProductQuantizer,
} from '../../../quantize/ivf-product-quantizer.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { checkParamRanges } from '../../param-ranges.js';
import { IVFPQ_DEFAULTS, IVFPQ_PARAM_RANGES, type IvfPqParams } from './params.js';
import { IvfPqIndex, type IvfPqCodebookRef } from './ivfpq-index.js';
import type { IvfPqCodebook } from '../../../learn/trained-codes/codebook-file.js';

/** Builds an IVF-PQ index; nlist defaults to about sqrt(n), m to dim / 4 (rounded down to a divisor, so subspaces are equal; a given m may be any value up to dim). */
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
  // only the default is rounded to a divisor
  if (params.m === undefined) while (dim % m !== 0) m--;
  const p: IvfPqParams = { ...IVFPQ_DEFAULTS, nlist: Math.max(1, Math.min(n, Math.round(Math.sqrt(n)))), ...params, m };
  if (p.nlist > n) throw new QuarryError('BAD_ARGUMENT', `nlist (${p.nlist}) exceeds the number of rows (${n})`, { field: 'nlist' });
  const rows = new Float32Array(vectors);
  if (p.metric === 'cosine') normalizeRows(rows, dim);
  const { quantizer, encoded } = fitAndEncodeIvfPq(rows, dim, p.nlist, p.m, p.seed);
  return ivfPqIndexOf(quantizer, rows, p, keepFloats, null, encoded);
}

/**
 * An IVF-PQ index of `vectors` encoded with a trained codebook (`quarry train-codes`): no fitting,
 * so it serves any number of rows; its shape must match the field's (readCodebookFile checks).
 */
export function buildIvfPqWithCodebook(
  vectors: Float32Array,
  params: Partial<IvfPqParams> & Pick<IvfPqParams, 'dim' | 'metric'>,
  codebook: IvfPqCodebook,
): IvfPqIndex {
  const { dim } = params;
  if (vectors.length % dim !== 0)
    throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${dim}-d rows`, { field: 'vectors' });
  const q = codebook.quantizer;
  if (q.coarse.dim !== dim)
    throw new QuarryError('BAD_INPUT', `the codebook is for ${q.coarse.dim}-d vectors, the field's are ${dim}-d`, { field: 'codebook' });
  const rows = new Float32Array(vectors);
  if (params.metric === 'cosine') normalizeRows(rows, dim);
  const p: IvfPqParams = { ...IVFPQ_DEFAULTS, ...params, nlist: q.coarse.k, m: q.pq.m };
  return ivfPqIndexOf(q, rows, p, true, { method: codebook.method, version: codebook.version, queryMap: codebook.queryMap });
}

/**
 * An IVF-PQ index of `rows` (already unit length for cosine) encoded with a given quantizer, fitted
 * or trained (`codebook` records which trained codebook it is, and carries its query map);
 * `encoded`, when the caller has the rows' codes already (a fit encodes them on the way).
 */
export function ivfPqIndexOf(
  quantizer: IvfProductQuantizer,
  rows: Float32Array,
  params: IvfPqParams,
  keepFloats: boolean,
  codebook: IvfPqCodebookRef | null,
  encoded: IvfPqCodes = encodeIvfPq(quantizer, rows),
): IvfPqIndex {
  const nlist = quantizer.coarse.k;
  const m = quantizer.pq.m;
  const lists = groupByCell(encoded, nlist, m);
  return new IvfPqIndex(
    quantizer.coarse,
    quantizer.pq,
    lists.offsets,
    lists.ids,
    lists.codes,
    keepFloats ? rows : null,
    { ...params, nlist, m },
    codebook,
  );
}
