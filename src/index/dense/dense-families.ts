/**
 * The dense families by name, so that a schema can choose one: how to build
 * an index over a segment's rows, and how to write and read it.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { peekSectionKind, type WrittenFile } from '../../io/section-file.js';
import { buildBinary, readBinary, writeBinary, type BinaryIndex } from './binary/index.js';
import type { DenseIndex, DenseMetric, DenseSearchOptions } from './dense-types.js';
import { buildFlat, readFlat, writeFlat, type FlatIndex } from './flat/index.js';
import { buildHnsw, readHnsw, writeHnsw, type HnswIndex } from './hnsw/index.js';
import { buildInt8, readInt8, writeInt8, type Int8Index } from './int8/index.js';
import { buildIvfPq, readIvfPq, writeIvfPq, type IvfPqIndex } from './ivfpq/index.js';
import { BINARY_PARAM_RANGES } from './binary/params.js';
import { HNSW_PARAM_RANGES } from './hnsw/params.js';
import { INT8_PARAM_RANGES } from './int8/params.js';
import { IVFPQ_PARAM_RANGES } from './ivfpq/params.js';
import type { ParamRanges } from '../param-ranges.js';
import { allFloats, type CompressedReadOptions } from './rescore-floats.js';

/** Names of the dense index families. */
export const DENSE_FAMILIES = ['flat', 'hnsw', 'int8', 'binary', 'ivfpq'] as const;
/** A dense family name. */
export type DenseFamily = (typeof DENSE_FAMILIES)[number];

/** The numeric parameters a schema may give each family, with the values they may take. */
export const FAMILY_PARAM_RANGES: Readonly<Record<DenseFamily, ParamRanges>> = {
  flat: {},
  hnsw: HNSW_PARAM_RANGES,
  int8: INT8_PARAM_RANGES,
  binary: BINARY_PARAM_RANGES,
  ivfpq: IVFPQ_PARAM_RANGES,
};

/** Parameters a schema may give each family (numbers only; unknown names are rejected). */
export const FAMILY_PARAMS: Readonly<Record<DenseFamily, readonly string[]>> = {
  flat: Object.keys(FAMILY_PARAM_RANGES.flat),
  hnsw: Object.keys(FAMILY_PARAM_RANGES.hnsw),
  int8: Object.keys(FAMILY_PARAM_RANGES.int8),
  binary: Object.keys(FAMILY_PARAM_RANGES.binary),
  ivfpq: Object.keys(FAMILY_PARAM_RANGES.ivfpq),
};

/** Search-time parameters each family accepts. */
export const FAMILY_SEARCH_PARAMS: Readonly<Record<DenseFamily, readonly string[]>> = {
  flat: [],
  hnsw: ['efSearch'],
  int8: ['rescore'],
  binary: ['rescore'],
  ivfpq: ['nprobe', 'rescore'],
};

/**
 * Checks the value of one dense search parameter (its name is checked against
 * FAMILY_SEARCH_PARAMS by the caller): efSearch, nprobe and a multi-vector
 * field's candidates are positive integers, rescore a number >= 0 (0: no
 * rescoring). Throws naming `params.<name>`.
 */
export function checkDenseSearchParam(name: string, value: unknown): void {
  const integer = name === 'efSearch' || name === 'nprobe' || name === 'candidates';
  const ok = typeof value === 'number' && Number.isFinite(value) && (integer ? Number.isInteger(value) && value >= 1 : value >= 0);
  if (!ok) {
    const want = integer ? 'a positive integer' : 'a number >= 0 (a multiple of k; 0 = no rescoring)';
    throw new QuarryError('BAD_ARGUMENT', `${name} must be ${want}, got ${JSON.stringify(value)}`, { field: `params.${name}` });
  }
}

type AnyDense = FlatIndex | HnswIndex | Int8Index | BinaryIndex | IvfPqIndex;

/** Builds a family's index over rows of `dim`. */
export function buildDense(
  family: DenseFamily,
  rows: Float32Array,
  dim: number,
  metric: DenseMetric,
  params: Readonly<Record<string, number>>,
): DenseIndex<DenseSearchOptions & Record<string, unknown>> {
  const base = { dim, metric, ...params };
  const n = rows.length / dim;
  let index: AnyDense;
  switch (family) {
    case 'flat':
      index = buildFlat(rows, { dim, metric });
      break;
    case 'hnsw':
      index = buildHnsw(rows, base);
      break;
    case 'int8':
      index = buildInt8(rows, base);
      break;
    case 'binary':
      index = buildBinary(rows, base);
      break;
    case 'ivfpq':
      // Too few rows to train cells and sub-quantizers: an exact scan is both faster and exact.
      index =
        n < 1024
          ? buildFlat(rows, { dim, metric })
          : buildIvfPq(rows, { ...base, nlist: Math.min(params.nlist ?? Math.round(Math.sqrt(n)), n) });
      break;
  }
  return index as DenseIndex<DenseSearchOptions & Record<string, unknown>>;
}

/** Writes any dense index; the file kind records which family it is. */
export function writeDense(path: string, index: DenseIndex): WrittenFile {
  const i = index as AnyDense;
  if ('graph' in i) return writeHnsw(path, i);
  if ('binarizer' in i) return writeBinary(path, i);
  if ('quantizer' in i) return writeInt8(path, i);
  if ('coarse' in i) return writeIvfPq(path, i);
  return writeFlat(path, i);
}

/** Reads a dense index written by writeDense, whatever its family (dispatching on the file kind). */
export function readDense(path: string, expect?: CompressedReadOptions): DenseIndex<DenseSearchOptions & Record<string, unknown>> {
  const kind = peekSectionKind(path);
  // flat and HNSW search the floats themselves: they always read them into memory
  const exact = { bytes: expect?.bytes, verifyChecksum: expect?.verifyChecksum };
  const read = {
    HNSW: () => readHnsw(path, exact),
    BINC: () => readBinary(path, expect),
    'SQ8 ': () => readInt8(path, expect),
    IVPQ: () => readIvfPq(path, expect),
    FLAT: () => readFlat(path, exact),
  }[kind];
  if (read === undefined) throw new QuarryError('CORRUPT', `"${kind}" is not a dense index file`, { file: path });
  return read() as DenseIndex<DenseSearchOptions & Record<string, unknown>>;
}

/** Closes the file an index reads its rescoring floats from, if it left them on disk. */
export function closeDiskFloats(index: DenseIndex): void {
  const i = index as AnyDense;
  if ('binarizer' in i || 'quantizer' in i || 'coarse' in i) i.diskFloats?.close();
}

/**
 * Row `r` of the floats an index was built from (normalized for cosine), for
 * exact scores of single documents (feedback, reranking): a view of memory, or
 * one read when the index left its floats on disk. Null when it kept no floats.
 */
export function denseRow(index: DenseIndex, r: number): Float32Array | null {
  const i = index as AnyDense;
  if (('binarizer' in i || 'quantizer' in i || 'coarse' in i) && i.floats === null && i.diskFloats !== null) {
    const row = new Float32Array(i.dim);
    i.diskFloats.gather([r], 1, row);
    return row;
  }
  const all = denseRows(index);
  return all === null ? null : all.subarray(r * index.dim, (r + 1) * index.dim);
}

/**
 * The float rows an index was built from (normalized for cosine), used to
 * rebuild indexes when segments merge (read whole from disk when the index left
 * them there). Null when the index kept no floats.
 */
export function denseRows(index: DenseIndex): Float32Array | null {
  const i = index as AnyDense;
  if ('graph' in i) return i.graph.s.vectors.subarray(0, i.graph.s.count * i.dim);
  if ('binarizer' in i || 'quantizer' in i || 'coarse' in i) return allFloats(i.floats, i.diskFloats);
  return i.data;
}
