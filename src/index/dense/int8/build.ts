/** Builds an int8 index: fits per-dimension ranges and encodes the rows. */
import { normalizeRows } from '../../../kernels/dense-distance.js';
import { encodeScalar, fitScalarQuantizer } from '../../../quantize/scalar-quantizer.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { checkParamRanges } from '../../param-ranges.js';
import { INT8_DEFAULTS, INT8_PARAM_RANGES, type Int8Params } from './params.js';
import { Int8Index } from './int8-index.js';
import { randomizedTopSubspace } from '../../../learn/low-rank/randomized-svd.js';
import { encodeLowRankRows } from '../../../learn/low-rank/low-rank-rows.js';

/** Builds an int8 index; `keepFloats` keeps the rows for exact rescoring. */
export function buildInt8(
  vectors: Float32Array,
  params: Partial<Int8Params> & Pick<Int8Params, 'dim' | 'metric'>,
  keepFloats = true,
): Int8Index {
  // the default residual entries cannot outnumber the dimensions (they only count with lowRank)
  const p: Int8Params = { ...INT8_DEFAULTS, sparseResidual: Math.min(INT8_DEFAULTS.sparseResidual, params.dim), ...params };
  if (vectors.length % p.dim !== 0)
    throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${p.dim}-d rows`, { field: 'vectors' });
  checkParamRanges(INT8_PARAM_RANGES, p, p.dim);
  const rows = new Float32Array(vectors);
  if (p.metric === 'cosine') normalizeRows(rows, p.dim);
  const sq = fitScalarQuantizer(rows, p.dim, p.quantile);
  const codes = encodeScalar(sq, rows);
  const n = rows.length / p.dim;
  const normsSq = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let d = 0; d < p.dim; d++) s += (sq.lo[d]! + sq.step[d]! * codes[r * p.dim + d]!) ** 2;
    normsSq[r] = s;
  }
  // low-rank rows replace the floats in memory for rescoring; the floats are still written for merges
  const lowRank =
    p.lowRank > 0 ? encodeLowRankRows(rows, randomizedTopSubspace(rows, p.dim, p.lowRank, { seed: p.seed }), p.sparseResidual) : null;
  return new Int8Index(sq, codes, normsSq, keepFloats ? rows : null, p, lowRank);
}
