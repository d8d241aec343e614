/** The int8 family: per-dimension scalar quantization with float rescoring. */
import type { DenseFamily } from '../dense-family.js';
import { RESCORE_RANGE } from '../../param-ranges.js';
import { buildInt8 } from './build.js';
import type { Int8Index } from './int8-index.js';
import { readInt8, writeInt8 } from './format.js';
import { INT8_PARAM_RANGES } from './params.js';

/** The int8 family's definition (see dense-registry.ts). */
export const INT8_FAMILY: DenseFamily<'int8', Int8Index> = {
  kind: 'dense',
  name: 'int8',
  summary: '8-bit scalar codes scanned with integer arithmetic, best candidates rescored from floats',
  fileKind: 'SQ8 ',
  params: INT8_PARAM_RANGES,
  searchParams: { rescore: RESCORE_RANGE },
  rescoresFromFloats: true,
  takesCodebooks: false,
  recallSettings: () => [1, 2, 3, 4, 6, 10, 16].map((rescore) => ({ rescore })),
  build: (rows, dim, metric, params) => buildInt8(rows, { dim, metric, ...params }),
  write: writeInt8,
  read: readInt8,
};
