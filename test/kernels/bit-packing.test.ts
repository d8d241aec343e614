import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsNeeded, packBits, packedWords, unpackBits } from '../../src/kernels/bit-packing.js';

describe('bit packing', () => {
  it('round-trips any block of values at the width of its maximum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 0xffffffff }), { minLength: 0, maxLength: 300 }),
        fc.integer({ min: 0, max: 32 }),
        (values, shift) => {
          const vals = values.map((v) => (shift === 32 ? v : v >>> shift) >>> 0);
          const bits = bitsNeeded(Math.max(0, ...vals));
          const out = new Uint32Array(packedWords(vals.length, bits) + 2);
          const used = packBits(vals, 0, vals.length, bits, out, 1);
          expect(used).toBe(packedWords(vals.length, bits));
          expect(out[0]).toBe(0);
          expect(out[used + 1]).toBe(0);
          const back = new Uint32Array(vals.length);
          unpackBits(out, 1, vals.length, bits, back);
          expect(Array.from(back)).toEqual(vals);
        },
      ),
    );
  });
  it('computes widths', () => {
    expect([0, 1, 2, 3, 255, 256, 0xffffffff].map(bitsNeeded)).toEqual([0, 1, 2, 2, 8, 9, 32]);
  });
});
