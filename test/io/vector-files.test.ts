import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeFvecs,
  parseJsonVector,
  readBvecs,
  readFvecs,
  readIvecsAsFloat32,
  readNpy,
  readRawFloat32,
} from '../../src/io/vector-files.js';
import { toFloat16 } from '../../src/kernels/float16.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

function npy(shape: number[], values: number[], descr = '<f4'): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const h = Buffer.alloc(10);
  h.write('\x93NUMPY', 0, 'latin1');
  h[6] = 1;
  h[7] = 0;
  h.writeUInt16LE(header.length, 8);
  const width = descr === '<f8' ? 8 : descr === '<f2' ? 2 : 4;
  const data = Buffer.alloc(values.length * width);
  values.forEach((v, i) => {
    if (descr === '<f8') data.writeDoubleLE(v, i * 8);
    else if (descr === '<f2') data.writeUInt16LE(toFloat16(v), i * 2);
    else if (descr === '<i4') data.writeInt32LE(v, i * 4);
    else data.writeFloatLE(v, i * 4);
  });
  return Buffer.concat([h, Buffer.from(header, 'latin1'), data]);
}

function ivecs(rows: number[][]): Buffer {
  return Buffer.concat(rows.map((r) => Buffer.from(Int32Array.of(r.length, ...r).buffer)));
}

describe('vector files', () => {
  it('round-trips .fvecs and reads .npy and raw float32', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6);
    writeFileSync(join(dir, 'a.fvecs'), encodeFvecs(data, 3));
    expect(readFvecs(join(dir, 'a.fvecs'))).toMatchObject({ dim: 3, rows: 2 });
    writeFileSync(join(dir, 'a.npy'), npy([2, 3], [1, 2, 3, 4, 5, 6]));
    expect(Array.from(readNpy(join(dir, 'a.npy')).data)).toEqual([1, 2, 3, 4, 5, 6]);
    // NumPy's default float64, and float16, load as float32
    writeFileSync(join(dir, 'd.npy'), npy([2, 2], [0.1, -2, 3.5, 1e-3], '<f8'));
    expect(readNpy(join(dir, 'd.npy'))).toEqual({ dim: 2, rows: 2, data: Float32Array.of(0.1, -2, 3.5, 1e-3) });
    writeFileSync(join(dir, 'h.npy'), npy([1, 3], [0.5, -1.25, 65504], '<f2'));
    expect(readNpy(join(dir, 'h.npy'))).toEqual({ dim: 3, rows: 1, data: Float32Array.of(0.5, -1.25, 65504) });
    writeFileSync(join(dir, 'a.f32'), Buffer.from(data.buffer));
    expect(readRawFloat32(join(dir, 'a.f32'), 2).rows).toBe(3);
    writeFileSync(
      join(dir, 'a.ivecs'),
      ivecs([
        [1, -2],
        [3, 16_777_216],
      ]),
    );
    expect(readIvecsAsFloat32(join(dir, 'a.ivecs'))).toEqual({ dim: 2, rows: 2, data: Float32Array.of(1, -2, 3, 16_777_216) });
  });
  it('names what is wrong', () => {
    writeFileSync(join(dir, 't.fvecs'), encodeFvecs(Float32Array.of(1, 2, 3, 4, 5, 6), 3).subarray(0, 24));
    expect(() => readFvecs(join(dir, 't.fvecs'))).toThrow(/row 1 is truncated: 4 of its 12 value bytes/);
    // a row of another dimension is named by its number, wherever it is
    const mixed = Buffer.concat([
      encodeFvecs(Float32Array.of(1, 2, 3, 4), 2),
      encodeFvecs(Float32Array.of(1, 2, 3), 3),
      encodeFvecs(Float32Array.of(5, 6), 2),
    ]);
    writeFileSync(join(dir, 'm.fvecs'), mixed);
    expect(() => readFvecs(join(dir, 'm.fvecs'))).toThrow(/row 2: dimension 3, expected 2/);
    writeFileSync(join(dir, 'h.bvecs'), Buffer.from([2, 0, 0, 0, 7, 8, 2, 0]));
    expect(() => readBvecs(join(dir, 'h.bvecs'))).toThrow(/row 1 is truncated: 2 bytes left/);
    writeFileSync(
      join(dir, 'big.ivecs'),
      ivecs([
        [1, 2],
        [3, 1 << 25],
      ]),
    );
    expect(() => readIvecsAsFloat32(join(dir, 'big.ivecs'))).toThrow(/row 1, component 1: 33554432 is beyond/);
    writeFileSync(join(dir, 'n.fvecs'), encodeFvecs(Float32Array.of(1, NaN, 3), 3));
    expect(() => readFvecs(join(dir, 'n.fvecs'))).toThrow(/row 0, component 1 is NaN/);
    writeFileSync(join(dir, 'b.npy'), npy([1, 2], [1, 2], '<i4'));
    expect(() => readNpy(join(dir, 'b.npy'))).toThrow(
      /dtype <i4 is not supported; expected little-endian float32 \(<f4\), float64 \(<f8\) or float16 \(<f2\)/,
    );
    writeFileSync(join(dir, 'big.npy'), npy([2, 2], [1, 2, 3, 1e39], '<f8'));
    expect(() => readNpy(join(dir, 'big.npy'))).toThrow(/row 1, component 1: 1e\+39 is beyond float32's range/);
    writeFileSync(join(dir, 'short.npy'), npy([2, 2], [1, 2, 3], '<f8'));
    expect(() => readNpy(join(dir, 'short.npy'))).toThrow(/data size 24 does not match shape \(2, 2\) of 8-byte values/);
    expect(() => readRawFloat32(join(dir, 'a.f32'), 4)).toThrow(/not a multiple of 4 x dim/);
    expect(() => parseJsonVector([1, 2], 3, { file: 'v.jsonl', line: 9, field: 'vector' })).toThrow(
      /^v\.jsonl:9: vector: dimension 2, expected 3/,
    );
    expect(() => parseJsonVector([1, 'x', 3], 3, { field: 'vector' })).toThrow(/component 1 is "x"/);
  });
});
