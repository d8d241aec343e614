/** The binary family: sign codes of residuals (BEBR; RaBitQ corrections) with float rescoring. */
import type { DenseFamily } from '../dense-family.js';
import { RESCORE_RANGE } from '../../param-ranges.js';
import { buildBinary, buildBinaryWithCodebook } from './build.js';
import { isBinaryCodebook } from '../../../learn/trained-codes/codebook-file.js';
import { QuarryError } from '../../../core/quarry-error.js';
import type { BinaryIndex } from './binary-index.js';
import { readBinary, writeBinary } from './format.js';
import { BINARY_PARAM_RANGES } from './params.js';

/** The binary family's definition (see dense-registry.ts). */
export const BINARY_FAMILY: DenseFamily<'binary', BinaryIndex> = {
  kind: 'dense',
  name: 'binary',
  summary: '1-bit codes with RaBitQ-style corrections, best candidates rescored from floats',
  fileKind: 'BINC',
  params: BINARY_PARAM_RANGES,
  searchParams: { rescore: RESCORE_RANGE },
  rescoresFromFloats: true,
  takesCodebooks: true,
  recallSettings: () => [1, 2, 3, 5, 8, 10, 15, 20, 30, 50].map((rescore) => ({ rescore })),
  build: (rows, dim, metric, params, codebook) => {
    if (codebook === undefined) return buildBinary(rows, { dim, metric, ...params });
    if (!isBinaryCodebook(codebook))
      throw new QuarryError('BAD_ARGUMENT', 'a binary field is coded with a trained binarizer, not IVF-PQ codebooks', {
        field: 'codebook',
      });
    return buildBinaryWithCodebook(rows, { dim, metric, ...params }, codebook);
  },
  write: writeBinary,
  read: readBinary,
};
