/** The IVF-PQ family: coarse cells and residual product quantization (Jégou, Douze & Schmid, TPAMI 2011). */
import type { DenseFamily } from '../dense-family.js';
import { POSITIVE_INTEGER, RESCORE_RANGE } from '../../param-ranges.js';
import { buildFlat } from '../flat/build.js';
import { buildIvfPq, buildIvfPqWithCodebook } from './build.js';
import { isBinaryCodebook } from '../../../learn/trained-codes/codebook-file.js';
import { QuarryError } from '../../../core/quarry-error.js';
import type { IvfPqIndex } from './ivfpq-index.js';
import { readIvfPq, writeIvfPq } from './format.js';
import { IVFPQ_PARAM_RANGES } from './params.js';

/**
 * Below this many rows (and without a trained codebook) an IVF-PQ field is built as an exact scan: there are too few rows
 * to train cells and sub-quantizers, and scanning them all is both faster and exact. The
 * segment's file is then a flat one (its `family` says so) and reads back as such.
 */
export const IVFPQ_MIN_ROWS = 1024;

/** The ivfpq family's definition (see dense-registry.ts). */
export const IVFPQ_FAMILY: DenseFamily<'ivfpq', IvfPqIndex> = {
  kind: 'dense',
  name: 'ivfpq',
  summary: 'inverted file of k-means cells with residual product quantization (Jégou et al.), rescored from floats',
  fileKind: 'IVPQ',
  params: IVFPQ_PARAM_RANGES,
  searchParams: { nprobe: POSITIVE_INTEGER, rescore: RESCORE_RANGE },
  rescoresFromFloats: true,
  takesCodebooks: true,
  // more cells visited and more candidates rescored together, cheapest first; settings past the
  // number of cells would repeat themselves
  recallSettings: (index) =>
    (
      [
        [1, 4],
        [2, 4],
        [4, 4],
        [4, 10],
        [8, 10],
        [12, 10],
        [16, 10],
        [24, 10],
        [32, 10],
        [32, 25],
        [48, 25],
        [64, 25],
        [96, 25],
        [128, 25],
        [192, 50],
        [256, 50],
      ] as const
    )
      .filter(([nprobe]) => nprobe <= index.coarse.k)
      .map(([nprobe, rescore]) => ({ nprobe, rescore })),
  build: (rows, dim, metric, params, codebook) => {
    const n = rows.length / dim;
    // a trained codebook needs no rows to fit: every segment of the field, however small, is encoded with it
    if (codebook !== undefined) {
      if (isBinaryCodebook(codebook))
        throw new QuarryError('BAD_ARGUMENT', 'an ivfpq field is encoded with IVF-PQ codebooks, not a binarizer', { field: 'codebook' });
      return buildIvfPqWithCodebook(rows, { dim, metric, ...params }, codebook);
    }
    if (n < IVFPQ_MIN_ROWS) return buildFlat(rows, { dim, metric });
    return buildIvfPq(rows, { dim, metric, ...params, nlist: Math.min(params.nlist ?? Math.round(Math.sqrt(n)), n) });
  },
  write: writeIvfPq,
  read: readIvfPq,
};
