/** The HNSW family: graph search over dense rows (Malkov & Yashunin, TPAMI 2020). */
import type { DenseFamily } from '../dense-family.js';
import { POSITIVE_INTEGER } from '../../param-ranges.js';
import { buildHnsw } from './build.js';
import type { HnswIndex } from './hnsw-index.js';
import { readHnsw, writeHnsw } from './format.js';
import { HNSW_PARAM_RANGES } from './params.js';

/** The hnsw family's definition (see dense-registry.ts). */
export const HNSW_FAMILY: DenseFamily<'hnsw', HnswIndex> = {
  kind: 'dense',
  name: 'hnsw',
  summary: 'graph search (Malkov & Yashunin): fast approximate search, floats in memory',
  fileKind: 'HNSW',
  params: HNSW_PARAM_RANGES,
  searchParams: { efSearch: POSITIVE_INTEGER },
  rescoresFromFloats: false,
  takesCodebooks: false,
  recallSettings: () => [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768].map((efSearch) => ({ efSearch })),
  build: (rows, dim, metric, params) => buildHnsw(rows, { dim, metric, ...params }),
  write: writeHnsw,
  read: (path, o) => readHnsw(path, { bytes: o.bytes, verifyChecksum: o.verifyChecksum }),
};
