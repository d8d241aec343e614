/** Builds a binary index: fits the residual binarizer on the rows and encodes them. */
import { normalizeRows } from '../../kernels/dense-distance.js';
import { encodeResidualBits, fitResidualBinarizer, residualCorrections } from '../../learn/residual-binarizer.js';
import { QuarryError } from '../../io/quarry-error.js';
import { BINARY_DEFAULTS, type BinaryParams } from './params.js';
import { BinaryIndex } from './search.js';

/** Builds a binary index; `keepFloats` (default true) keeps the rows for exact rescoring. */
export function buildBinary(vectors: Float32Array, params: Partial<BinaryParams> & Pick<BinaryParams, 'dim' | 'metric'>, keepFloats = true): BinaryIndex {
  const p: BinaryParams = { ...BINARY_DEFAULTS, ...params };
  if (!Number.isInteger(p.planes) || p.planes < 1 || p.planes > 8) throw new QuarryError('BAD_ARGUMENT', 'planes must be 1..8', { field: 'planes' });
  if (!Number.isInteger(p.queryBits) || p.queryBits < 1 || p.queryBits > 8) throw new QuarryError('BAD_ARGUMENT', 'queryBits must be 1..8', { field: 'queryBits' });
  if (p.correction !== 'vector' && p.correction !== 'none') throw new QuarryError('BAD_ARGUMENT', `correction must be "vector" or "none", not ${JSON.stringify(p.correction)}`, { field: 'correction' });
  if (vectors.length % p.dim !== 0) throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${p.dim}-d rows`, { field: 'vectors' });
  const rows = new Float32Array(vectors);
  if (p.metric === 'cosine') normalizeRows(rows, p.dim);
  const binarizer = fitResidualBinarizer(rows, p.dim, p.planes);
  const codes = encodeResidualBits(binarizer, rows);
  const n = rows.length / p.dim;
  const normsSq = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let d = 0; d < p.dim; d++) s += rows[r * p.dim + d]! ** 2;
    normsSq[r] = s;
  }
  const corrections = p.correction === 'vector' ? residualCorrections(binarizer, rows, codes) : null;
  return new BinaryIndex(binarizer, codes, normsSq, keepFloats ? rows : null, p, corrections);
}
