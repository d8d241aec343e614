/**
 * Reads and writes `.safetensors` files: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. Tensors are decoded to float32 (F32, F16, BF16, F64,
 * I8) or int32 (I32, I64) copies.
 */
import { readFileSync } from 'node:fs';
import { FLOAT16_TABLE } from '../kernels/float16.js';
import { QuarryError } from '../core/quarry-error.js';

/** One tensor's description in the header. */
export interface TensorInfo {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** An opened safetensors file. */
export interface SafeTensors {
  names: string[];
  /** The header's `__metadata__` strings ({} when absent). */
  metadata: Record<string, string>;
  info(name: string): TensorInfo | undefined;
  /** Decodes a floating-point or int8 tensor to float32. */
  floats(name: string): Float32Array;
  /** Decodes an integer tensor to int32. */
  ints(name: string): Int32Array;
}

const WIDTH: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I8: 1, U8: 1, I32: 4, I64: 8 };

/** Reads and checks a safetensors file. */
export function readSafeTensors(path: string): SafeTensors {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new QuarryError('NOT_FOUND', `cannot read: ${(e as Error).message}`, { file: path });
  }
  const notSafeTensors = 'is it a .safetensors file?';
  if (buf.length < 8) throw new QuarryError('CORRUPT', 'too short for a safetensors header', { file: path }, notSafeTensors);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen > buf.length - 8)
    throw new QuarryError('CORRUPT', `header length ${headerLen} exceeds the file`, { file: path }, notSafeTensors);
  let header: Record<string, TensorInfo | Record<string, string>>;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + headerLen)) as typeof header;
  } catch {
    throw new QuarryError('CORRUPT', 'header is not JSON', { file: path }, notSafeTensors);
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, TensorInfo>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const info = t as TensorInfo;
    const width = WIDTH[info.dtype];
    if (width === undefined) throw new QuarryError('BAD_INPUT', `tensor "${name}" has unsupported dtype ${info.dtype}`, { file: path });
    const count = info.shape.reduce((a, b) => a * b, 1);
    const [a, b] = info.data_offsets;
    if (b - a !== count * width || base + b > buf.length)
      throw new QuarryError(
        'CORRUPT',
        `tensor "${name}" byte range ${a}..${b} does not fit shape ${info.shape.join('x')} of ${info.dtype}`,
        { file: path },
      );
    tensors.set(name, info);
  }
  const get = (name: string): [TensorInfo, number, number] => {
    const info = tensors.get(name);
    if (info === undefined)
      throw new QuarryError('NOT_FOUND', `no tensor "${name}"`, { file: path }, `tensors: ${[...tensors.keys()].join(', ')}`);
    return [info, base + info.data_offsets[0], info.shape.reduce((x, y) => x * y, 1)];
  };
  const meta = header.__metadata__;
  const metadata: Record<string, string> = {};
  if (meta !== undefined && typeof meta === 'object' && meta !== null) {
    for (const [k, v] of Object.entries(meta)) if (typeof v === 'string') metadata[k] = v;
  }
  return {
    names: [...tensors.keys()],
    metadata,
    info: (name) => tensors.get(name),
    floats(name) {
      const [info, at, n] = get(name);
      const out = new Float32Array(n);
      switch (info.dtype) {
        case 'F32':
          for (let i = 0; i < n; i++) out[i] = buf.readFloatLE(at + 4 * i);
          break;
        case 'F64':
          for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(at + 8 * i);
          break;
        case 'F16':
          for (let i = 0; i < n; i++) out[i] = FLOAT16_TABLE[buf.readUInt16LE(at + 2 * i)]!;
          break;
        case 'BF16': {
          const f = new Float32Array(1);
          const u = new Uint32Array(f.buffer);
          for (let i = 0; i < n; i++) {
            u[0] = buf.readUInt16LE(at + 2 * i) << 16;
            out[i] = f[0]!;
          }
          break;
        }
        case 'I8':
          for (let i = 0; i < n; i++) out[i] = buf.readInt8(at + i);
          break;
        default:
          throw new QuarryError('BAD_INPUT', `tensor "${name}" is ${info.dtype}, not a floating-point tensor`, { file: path });
      }
      return out;
    },
    ints(name) {
      const [info, at, n] = get(name);
      const out = new Int32Array(n);
      if (info.dtype === 'I32') for (let i = 0; i < n; i++) out[i] = buf.readInt32LE(at + 4 * i);
      else if (info.dtype === 'I64') for (let i = 0; i < n; i++) out[i] = Number(buf.readBigInt64LE(at + 8 * i));
      else throw new QuarryError('BAD_INPUT', `tensor "${name}" is ${info.dtype}, not an integer tensor`, { file: path });
      return out;
    },
  };
}

/** The bytes of a safetensors file holding float32 (F32) and int32 (I32) tensors, in the given order, and string metadata. */
export function encodeSafeTensors(
  tensors: Record<string, { shape: number[]; data: Float32Array | Int32Array }>,
  metadata: Record<string, string> = {},
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (t.shape.reduce((a, b) => a * b, 1) !== t.data.length)
      throw new Error(`tensor ${name}: shape ${t.shape.join('x')} does not hold ${t.data.length} values`);
    header[name] = {
      dtype: t.data instanceof Int32Array ? 'I32' : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + 4 * t.data.length],
    };
    offset += 4 * t.data.length;
  }
  // the header is padded with spaces to a multiple of 8 bytes, as the format recommends
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    if (t.data instanceof Int32Array) for (let i = 0; i < t.data.length; i++) out.writeInt32LE(t.data[i]!, at + 4 * i);
    else for (let i = 0; i < t.data.length; i++) out.writeFloatLE(t.data[i]!, at + 4 * i);
    at += 4 * t.data.length;
  }
  return out;
}
