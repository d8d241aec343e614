/**
 * Dense vector files: TEXMEX .fvecs / .ivecs / .bvecs (each row: int32 dim,
 * then dim values), NumPy .npy (float32, float64 or float16; C order) and raw little-endian
 * float32 with a given dimension. Every reader checks sizes, dimensions and
 * NaN/Infinity and names the row that is wrong.
 */
import { readFileSync } from 'node:fs';
import { FLOAT16_TABLE } from '../kernels/float16.js';
import { ioError } from './atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';

/** A matrix of `rows` x `dim` values in one typed array. */
export interface VectorMatrix<T extends Float32Array | Int32Array = Float32Array> {
  dim: number;
  rows: number;
  data: T;
}

function load(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw ioError(path, e);
  }
}

function readTexmex(path: string, valueBytes: 1 | 4, kind: 'f' | 'i' | 'b'): { dim: number; rows: number; buf: Buffer } {
  const buf = load(path);
  if (buf.length < 4) throw new QuarryError('BAD_INPUT', 'file is too short for a TEXMEX vector file', { file: path });
  const dim = buf.readInt32LE(0);
  if (dim <= 0 || dim > 1 << 20)
    throw new QuarryError('BAD_INPUT', `row 0: dimension ${dim} is not plausible`, { file: path }, `is this really a .${kind}vecs file?`);
  const rowBytes = 4 + dim * valueBytes;
  if (buf.length % rowBytes !== 0) throw texmexSizeError(buf, path, dim, valueBytes);
  const rows = buf.length / rowBytes;
  for (let r = 0; r < rows; r++) {
    const d = buf.readInt32LE(r * rowBytes);
    if (d !== dim) throw new QuarryError('BAD_INPUT', `row ${r}: dimension ${d}, expected ${dim}`, { file: path });
  }
  return { dim, rows, buf };
}

/**
 * The error for a TEXMEX file whose size is not a whole number of rows of
 * row 0's dimension: walks the rows by their own headers to name the first one
 * whose dimension differs, or the truncated last one.
 */
function texmexSizeError(buf: Buffer, path: string, dim: number, valueBytes: number): QuarryError {
  let at = 0;
  for (let r = 0; ; r++) {
    if (at + 4 > buf.length)
      return new QuarryError(
        'BAD_INPUT',
        `row ${r} is truncated: ${buf.length - at} bytes left, a row of dim ${dim} takes ${4 + dim * valueBytes}`,
        { file: path },
        'the file was cut short; write it again',
      );
    const d = buf.readInt32LE(at);
    if (d !== dim)
      return new QuarryError(
        'BAD_INPUT',
        `row ${r}: dimension ${d}, expected ${dim} (the dimension of row 0)`,
        { file: path },
        'every row of a vector file must have the same dimension',
      );
    if (at + 4 + dim * valueBytes > buf.length)
      return new QuarryError(
        'BAD_INPUT',
        `row ${r} is truncated: ${buf.length - at - 4} of its ${dim * valueBytes} value bytes are there`,
        { file: path },
        'the file was cut short; write it again',
      );
    at += 4 + dim * valueBytes;
  }
}

/** Reads a .fvecs file (float32 rows). */
export function readFvecs(path: string): VectorMatrix {
  const { dim, rows, buf } = readTexmex(path, 4, 'f');
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const base = r * (4 + 4 * dim) + 4;
    for (let i = 0; i < dim; i++) data[r * dim + i] = buf.readFloatLE(base + 4 * i);
  }
  checkFinite(data, dim, path);
  return { dim, rows, data };
}

/** Reads a .ivecs file (int32 rows, e.g. ground-truth neighbour ids). */
export function readIvecs(path: string): VectorMatrix<Int32Array> {
  const { dim, rows, buf } = readTexmex(path, 4, 'i');
  const data = new Int32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const base = r * (4 + 4 * dim) + 4;
    for (let i = 0; i < dim; i++) data[r * dim + i] = buf.readInt32LE(base + 4 * i);
  }
  return { dim, rows, data };
}

/**
 * Reads a .ivecs file as float32 vectors (int32 values converted). Values
 * beyond +-2^24 are refused, naming the row: float32 cannot hold them exactly.
 */
export function readIvecsAsFloat32(path: string): VectorMatrix {
  const { dim, rows, data: ints } = readIvecs(path);
  const data = new Float32Array(ints.length);
  for (let i = 0; i < ints.length; i++) {
    const v = ints[i]!;
    if (v > FLOAT32_EXACT_INT || v < -FLOAT32_EXACT_INT) {
      throw new QuarryError(
        'BAD_INPUT',
        `row ${Math.floor(i / dim)}, component ${i % dim}: ${v} is beyond +-16,777,216 and has no exact float32 value`,
        { file: path },
        'scale the vectors down, or convert them to float32 yourself (.fvecs or .npy)',
      );
    }
    data[i] = v;
  }
  return { dim, rows, data };
}

/** The largest magnitude below which float32 holds every integer exactly (2^24). */
const FLOAT32_EXACT_INT = 16_777_216;

/** Reads a .bvecs file (uint8 rows), returned as float32. */
export function readBvecs(path: string): VectorMatrix {
  const { dim, rows, buf } = readTexmex(path, 1, 'b');
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const base = r * (4 + dim) + 4;
    for (let i = 0; i < dim; i++) data[r * dim + i] = buf[base + i]!;
  }
  return { dim, rows, data };
}

/** Reads a 2-D little-endian C-order .npy file of float32 (float64 and float16 converted). */
export function readNpy(path: string): VectorMatrix {
  const { shape, data } = readNpyFloat32(path);
  if (shape.length !== 2) throw new QuarryError('BAD_INPUT', `shape (${shape.join(', ')}) is not a 2-D matrix`, { file: path });
  const [rows, dim] = shape as [number, number];
  return { dim, rows, data };
}

/** Bytes per value of the little-endian float dtypes .npy files are read from. */
const NPY_FLOAT_WIDTHS: Readonly<Record<string, 2 | 4 | 8>> = { '<f2': 2, '<f4': 4, '<f8': 8 };

/**
 * Reads a little-endian C-order .npy file of any shape as float32: float32
 * as is, float16 exactly, float64 rounded (NumPy's default dtype, so arrays
 * saved without astype("<f4") load too). Values are checked finite, and a
 * float64 beyond float32's range is named rather than turned into Infinity.
 */
export function readNpyFloat32(path: string): { shape: number[]; data: Float32Array } {
  const buf = load(path);
  const { descr, dims, start } = npyHeader(buf, path);
  const width = NPY_FLOAT_WIDTHS[descr];
  if (width === undefined)
    throw new QuarryError(
      'BAD_INPUT',
      `dtype ${descr} is not supported; expected little-endian float32 (<f4), float64 (<f8) or float16 (<f2)`,
      { file: path },
      'convert with arr.astype("<f4")',
    );
  const count = dims.reduce((a, b) => a * b, 1);
  if (buf.length - start !== count * width)
    throw new QuarryError(
      'BAD_INPUT',
      `data size ${buf.length - start} does not match shape (${dims.join(', ')}) of ${width}-byte values`,
      { file: path },
    );
  const data = new Float32Array(count);
  const dim = dims[dims.length - 1] ?? 1;
  if (width === 4) for (let i = 0; i < count; i++) data[i] = buf.readFloatLE(start + 4 * i);
  else if (width === 2) for (let i = 0; i < count; i++) data[i] = FLOAT16_TABLE[buf.readUInt16LE(start + 2 * i)]!;
  else {
    for (let i = 0; i < count; i++) {
      const v = buf.readDoubleLE(start + 8 * i);
      if (Math.abs(v) > FLOAT32_MAX)
        throw new QuarryError(
          'BAD_INPUT',
          `row ${Math.floor(i / dim)}, component ${i % dim}: ${v} is beyond float32's range`,
          { file: path },
          'scale the vectors down before saving them',
        );
      data[i] = v;
    }
  }
  checkFinite(data, dim, path);
  return { shape: dims, data };
}

/** The largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** True when finite `x` stays finite as a float32 (vectors and weights are stored as float32). */
export function isFloat32(x: number): boolean {
  return Math.abs(x) <= FLOAT32_MAX;
}

/** The bytes of a float32 little-endian C-order .npy file (format 1.0) holding `data` with `shape`. */
export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Buffer {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`shape (${shape.join(', ')}) does not hold ${data.length} values`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // magic (6) + version (2) + length (2) + header + newline, padded to 64 bytes
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length + data.length * 4);
  out[0] = 0x93;
  out.write('NUMPY', 1, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  const start = 10 + header.length;
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, start + 4 * i);
  return out;
}

/** The dtype, shape and data offset of a C-order .npy file. */
function npyHeader(buf: Buffer, path: string): { descr: string; dims: number[]; start: number } {
  if (buf.length < 10 || buf.toString('latin1', 1, 6) !== 'NUMPY' || buf[0] !== 0x93) {
    throw new QuarryError('BAD_INPUT', 'not a .npy file (bad magic)', { file: path });
  }
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] ?? '?';
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (fortran !== 'False')
    throw new QuarryError('BAD_INPUT', 'Fortran-order arrays are not supported', { file: path }, 'save with np.ascontiguousarray');
  const dims = (shape ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || d < 0))
    throw new QuarryError('BAD_INPUT', `shape (${shape}) is not valid`, { file: path });
  return { descr, dims, start: headerStart + headerLen };
}

/**
 * Reads document boundaries for `rows` token vectors: a 1-D integer .npy
 * (int32/int64/uint32/uint64) or a text file with one number per line,
 * holding either cumulative offsets (documents + 1 values from 0 to `rows`)
 * or per-document lengths (summing to `rows`). Returns the offsets.
 */
export function readOffsets(path: string, rows: number): Uint32Array {
  const buf = load(path);
  let values: number[];
  if (path.endsWith('.npy')) {
    const { descr, dims, start } = npyHeader(buf, path);
    const width = { '<i4': 4, '<u4': 4, '<i8': 8, '<u8': 8 }[descr];
    if (width === undefined)
      throw new QuarryError('BAD_INPUT', `dtype ${descr} is not an integer type`, { file: path }, 'use int32 or int64');
    if (dims.length !== 1) throw new QuarryError('BAD_INPUT', `shape (${dims.join(', ')}) is not 1-D`, { file: path });
    values = [];
    for (let i = 0; i < dims[0]!; i++) {
      const at = start + i * width;
      values.push(
        width === 4
          ? descr === '<i4'
            ? buf.readInt32LE(at)
            : buf.readUInt32LE(at)
          : Number(descr === '<i8' ? buf.readBigInt64LE(at) : buf.readBigUInt64LE(at)),
      );
    }
  } else {
    values = [];
    buf
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        const t = line.trim();
        if (t === '') return;
        const n = Number(t);
        if (!Number.isInteger(n) || n < 0)
          throw new QuarryError('BAD_INPUT', `"${t}" is not a non-negative integer`, { file: path, line: i + 1 });
        values.push(n);
      });
  }
  const cumulative =
    values.length >= 1 && values[0] === 0 && values.at(-1) === rows && values.every((v, i) => i === 0 || v >= values[i - 1]!);
  if (cumulative) return Uint32Array.from(values);
  const total = values.reduce((a, b) => a + b, 0);
  if (total === rows && values.every((v) => v >= 0)) {
    const out = new Uint32Array(values.length + 1);
    values.forEach((v, i) => (out[i + 1] = out[i]! + v));
    return out;
  }
  throw new QuarryError(
    'BAD_INPUT',
    `neither offsets (0 .. ${rows}, non-decreasing) nor lengths summing to ${rows} (they sum to ${total})`,
    { file: path },
    'give documents + 1 cumulative offsets, or one token count per document',
  );
}

/** Reads raw little-endian float32 values as rows of `dim`. */
export function readRawFloat32(path: string, dim: number): VectorMatrix {
  const buf = load(path);
  if (!Number.isInteger(dim) || dim <= 0)
    throw new QuarryError('BAD_ARGUMENT', `dimension must be a positive integer, got ${dim}`, { field: 'dim' });
  if (buf.length % (4 * dim) !== 0)
    throw new QuarryError('BAD_INPUT', `size ${buf.length} is not a multiple of 4 x dim (${4 * dim})`, { file: path });
  const rows = buf.length / (4 * dim);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < rows * dim; i++) data[i] = buf.readFloatLE(4 * i);
  checkFinite(data, dim, path);
  return { dim, rows, data };
}

/** Writes rows as a .fvecs buffer. */
export function encodeFvecs(data: Float32Array, dim: number): Buffer {
  const rows = data.length / dim;
  const buf = Buffer.alloc(rows * (4 + 4 * dim));
  for (let r = 0; r < rows; r++) {
    const base = r * (4 + 4 * dim);
    buf.writeInt32LE(dim, base);
    for (let i = 0; i < dim; i++) buf.writeFloatLE(data[r * dim + i]!, base + 4 + 4 * i);
  }
  return buf;
}

/**
 * Checks a JSON vector value: an array of `dim` finite numbers. Errors name
 * `where` (file:line) and the field.
 */
export function parseJsonVector(value: unknown, dim: number, where: { file?: string; line?: number; field: string }): Float32Array {
  // typed arrays (what Quarry's own encoders return) are taken as they are, checked the same way
  const typed = value instanceof Float32Array || value instanceof Float64Array;
  if (!Array.isArray(value) && !typed) throw new QuarryError('BAD_INPUT', 'expected an array of numbers (or a Float32Array)', where);
  const items = value as ArrayLike<unknown>;
  if (items.length !== dim)
    throw new QuarryError('BAD_INPUT', `dimension ${items.length}, expected ${dim}`, where, "every vector of a field has the field's dim");
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    const x = items[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new QuarryError('BAD_INPUT', `component ${i} is ${JSON.stringify(x)}, not a finite number`, where);
    if (!isFloat32(x))
      throw new QuarryError(
        'BAD_INPUT',
        `component ${i} is ${x}, outside the float32 range`,
        where,
        `vectors are stored as float32: |x| <= ${FLOAT32_MAX}`,
      );
    out[i] = x;
  }
  return out;
}

function checkFinite(data: Float32Array, dim: number, path: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new QuarryError(
        'BAD_INPUT',
        `row ${Math.floor(i / dim)}, component ${i % dim} is ${data[i]}`,
        { file: path },
        'vectors must not contain NaN or Infinity',
      );
    }
  }
}

/** The vector file formats readVectorMatrix reads, as help texts name them. */
export const VECTOR_FORMATS = 'fvecs, ivecs, bvecs, npy (float32, float64 or float16) or raw (float32, with --dim)';

/** Reads a vector matrix in any supported format. */
export function readVectorMatrix(path: string, format?: string, dim?: number): VectorMatrix {
  const f = format ?? path.slice(path.lastIndexOf('.') + 1);
  switch (f) {
    case 'fvecs':
      return readFvecs(path);
    case 'ivecs':
      return readIvecsAsFloat32(path);
    case 'bvecs':
      return readBvecs(path);
    case 'npy':
      return readNpy(path);
    case 'raw':
    case 'f32':
    case 'bin':
      if (dim === undefined) throw new QuarryError('BAD_ARGUMENT', 'raw float32 files need --dim', { field: '--dim' });
      return readRawFloat32(path, dim);
    default:
      throw new QuarryError('BAD_ARGUMENT', `unknown vector format "${f}"`, { field: '--format' }, `use ${VECTOR_FORMATS}`);
  }
}

/** The ids of an ids file (one per line, trimmed), which must name `count` rows ("vectors" or "documents"). */
export function readIdsFile(path: string, count: number, rows: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ioError(path, e);
  }
  const ids = text.split('\n').map((s) => s.trim());
  if (ids[ids.length - 1] === '') ids.pop();
  if (ids.length !== count)
    throw new QuarryError('BAD_INPUT', `has ${ids.length} ids for ${count} ${rows}`, { file: path }, 'one id per line, in row order');
  return ids;
}
