/** The flat family: exact dense search. */
import type { DenseFamily } from '../dense-family.js';
import { buildFlat } from './build.js';
import type { FlatIndex } from './flat-index.js';
import { readFlat, writeFlat } from './format.js';

/** The flat family's definition (see dense-registry.ts). */
export const FLAT_FAMILY: DenseFamily<'flat', FlatIndex> = {
  kind: 'dense',
  name: 'flat',
  summary: 'exact scan of every row: the reference every approximate family is tested against',
  fileKind: 'FLAT',
  params: {},
  searchParams: {},
  rescoresFromFloats: false,
  takesCodebooks: false,
  build: (rows, dim, metric) => buildFlat(rows, { dim, metric }),
  write: writeFlat,
  read: (path, o) => readFlat(path, { bytes: o.bytes, verifyChecksum: o.verifyChecksum }),
};
