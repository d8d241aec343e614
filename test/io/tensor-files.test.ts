// The two tensor codecs Quarry writes for other tools to read: float32 .npy (residual
// quantizer codebooks) and safetensors (drift adapters). Round trips over random shapes and
// values, and the headers' alignment rules of each format.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeSafeTensors, readSafeTensors } from '../../src/io/safetensors.js';
import { encodeNpyFloat32, readNpyFloat32 } from '../../src/io/vector-files.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const shapes = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });
const float = fc.float({ noNaN: true, noDefaultInfinity: true });

describe('tensor files', () => {
  it('.npy: any shape and finite float32 values round-trip; the header ends 64-byte aligned', () => {
    let run = 0;
    fc.assert(
      fc.property(shapes, fc.array(float, { minLength: 625, maxLength: 625 }), (shape, pool) => {
        const count = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from(pool.slice(0, count));
        const bytes = encodeNpyFloat32(data, shape);
        expect((10 + bytes.readUInt16LE(8)) % 64).toBe(0);
        expect(bytes[10 + bytes.readUInt16LE(8) - 1]).toBe(0x0a);
        const path = join(dir, `t${run++}.npy`);
        writeFileSync(path, bytes);
        const back = readNpyFloat32(path);
        expect(back.shape).toEqual(shape);
        expect(Array.from(back.data)).toEqual(Array.from(data));
      }),
      { numRuns: 100 },
    );
  });

  it('safetensors: tensors and metadata round-trip; the header length is a multiple of 8', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/), shapes), { minLength: 1, maxLength: 4, selector: ([name]) => name }),
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 12 }), { maxKeys: 3 }),
        fc.array(float, { minLength: 625, maxLength: 625 }),
        (named, metadata, pool) => {
          const tensors = Object.fromEntries(
            named.map(([name, shape]) => [
              name,
              {
                shape,
                data: Float32Array.from(
                  pool.slice(
                    0,
                    shape.reduce((a, b) => a * b, 1),
                  ),
                ),
              },
            ]),
          );
          const bytes = encodeSafeTensors(tensors, metadata);
          expect(Number(bytes.readBigUInt64LE(0)) % 8).toBe(0);
          const path = join(dir, `t${run++}.safetensors`);
          writeFileSync(path, bytes);
          const back = readSafeTensors(path);
          expect(back.metadata).toEqual(metadata);
          expect(back.names.sort()).toEqual(Object.keys(tensors).sort());
          for (const [name, t] of Object.entries(tensors)) {
            expect(back.info(name)!.shape).toEqual(t.shape);
            expect(Array.from(back.floats(name))).toEqual(Array.from(t.data));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
