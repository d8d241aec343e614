import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HadamardVariants, variantBlock } from '../../src/quantize/hadamard-variants.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('randomized Hadamard bases', () => {
  it('are orthonormal: lengths and inner products are kept in every basis, and basis 0 is the identity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 96, 128, 384),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 7 }),
        (dim, seed, v) => {
          const t = HadamardVariants.create(8, dim, seed);
          const rand = (i: number): number => Math.sin(seed * 0.001 + i * 12.9898) * 2;
          const a = Float64Array.from({ length: dim }, (_, i) => rand(i));
          const b = Float64Array.from({ length: dim }, (_, i) => rand(i + dim));
          const ta = a.slice();
          const tb = b.slice();
          t.apply(v, ta);
          t.apply(v, tb);
          // to float32 precision: the signs and normalization are float32 multipliers
          const close = (x: number, y: number): void =>
            expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-6 * Math.sqrt(dot(a, a) * dot(b, b)));
          close(dot(ta, tb), dot(a, b));
          close(dot(ta, ta), dot(a, a));
          if (v === 0) expect(Array.from(ta)).toEqual(Array.from(a));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('transform blocks of the largest power of two dividing the dimension', () => {
    expect([32, 96, 128, 384, 768, 1536, 100].map(variantBlock)).toEqual([32, 32, 128, 128, 256, 512, 4]);
    expect(() => HadamardVariants.create(4, 100, 1)).toThrow(/divisible by 32, not 100/);
  });

  it('best() names the basis whose sign code is closest to the vector (largest sum of absolute coordinates)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }), (values) => {
        const t = HadamardVariants.create(16, 64, 99);
        const x = Float32Array.from(values);
        const before = x.slice();
        const best = t.best(x);
        expect(Array.from(x)).toEqual(Array.from(before));
        const l1 = (v: number): number => {
          const y = Float32Array.from(x);
          t.apply(v, y);
          return y.reduce((s, u) => s + Math.abs(u), 0);
        };
        for (let v = 0; v < 16; v++) expect(l1(best)).toBeGreaterThanOrEqual(l1(v) - 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it('l1Norms gives every basis the sum that apply() and a float64 sum in coordinate order give (the kernel, when on, exactly)', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 96, 128, 384), fc.integer({ min: 1, max: 2 ** 31 }), (dim, seed) => {
        const t = HadamardVariants.create(12, dim, seed);
        const x = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 0.001 + i * 7.31) * 3);
        const sums = new Float64Array(12);
        t.l1Norms(x, sums);
        for (let v = 0; v < 12; v++) {
          const y = x.slice();
          t.apply(v, y);
          let s = 0;
          for (let d = 0; d < dim; d++) s += Math.abs(y[d]!);
          expect(sums[v]).toBe(s);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('are the same for the same seed, and differ for another', () => {
    expect(Array.from(HadamardVariants.create(4, 64, 5).signs)).toEqual(Array.from(HadamardVariants.create(4, 64, 5).signs));
    expect(Array.from(HadamardVariants.create(4, 64, 5).signs)).not.toEqual(Array.from(HadamardVariants.create(4, 64, 6).signs));
  });
});
