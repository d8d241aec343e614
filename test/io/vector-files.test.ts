import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFvecs, parseJsonVector, readBvecs, readFvecs, readIvecsAsFloat32, readNpy, readRawFloat32 } from '../../src/io/vector-files.js';
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
  const data = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => data.writeFloatLE(v, i * 4));
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
    writeFileSync(join(dir, 'a.f32'), Buffer.from(data.buffer));
    expect(readRawFloat32(join(dir, 'a.f32'), 2).rows).toBe(3);
    writeFileSync(join(dir, 'a.ivecs'), ivecs([[1, -2], [3, 16_777_216]]));
    expect(readIvecsAsFloat32(join(dir, 'a.ivecs'))).toEqual({ dim: 2, rows: 2, data: Float32Array.of(1, -2, 3, 16_777_216) });
  });
  it('names what is wrong', () => {
    writeFileSync(join(dir, 't.fvecs'), encodeFvecs(Float32Array.of(1, 2, 3, 4, 5, 6), 3).subarray(0, 24));
    expect(() => readFvecs(join(dir, 't.fvecs'))).toThrow(/row 1 is truncated: 4 of its 12 value bytes/);
    // a row of another dimension is named by its number, wherever it is
    const mixed = Buffer.concat([encodeFvecs(Float32Array.of(1, 2, 3, 4), 2), encodeFvecs(Float32Array.of(1, 2, 3), 3), encodeFvecs(Float32Array.of(5, 6), 2)]);
    writeFileSync(join(dir, 'm.fvecs'), mixed);
    expect(() => readFvecs(join(dir, 'm.fvecs'))).toThrow(/row 2: dimension 3, expected 2/);
    writeFileSync(join(dir, 'h.bvecs'), Buffer.from([2, 0, 0, 0, 7, 8, 2, 0]));
    expect(() => readBvecs(join(dir, 'h.bvecs'))).toThrow(/row 1 is truncated: 2 bytes left/);
    writeFileSync(join(dir, 'big.ivecs'), ivecs([[1, 2], [3, 1 << 25]]));
    expect(() => readIvecsAsFloat32(join(dir, 'big.ivecs'))).toThrow(/row 1, component 1: 33554432 is beyond/);
    writeFileSync(join(dir, 'n.fvecs'), encodeFvecs(Float32Array.of(1, NaN, 3), 3));
    expect(() => readFvecs(join(dir, 'n.fvecs'))).toThrow(/row 0, component 1 is NaN/);
    writeFileSync(join(dir, 'b.npy'), npy([2], [1, 2], '<f8'));
    expect(() => readNpy(join(dir, 'b.npy'))).toThrow(/dtype <f8 is not supported/);
    expect(() => readRawFloat32(join(dir, 'a.f32'), 4)).toThrow(/not a multiple of 4 x dim/);
    expect(() => parseJsonVector([1, 2], 3, { file: 'v.jsonl', line: 9, field: 'vector' })).toThrow(/^v\.jsonl:9: vector: dimension 2, expected 3/);
    expect(() => parseJsonVector([1, 'x', 3], 3, { field: 'vector' })).toThrow(/component 1 is "x"/);
  });
});
