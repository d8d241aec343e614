// Random orthogonal embeddings (RaBitQ's rotation): orthonormal columns, so
// that inner products survive the embedding exactly; seeded and reproducible.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowEmbedding, randomOrthonormalColumns, sharedOrthonormalColumns } from '../../src/quantize/random-rotation.js';

describe('randomOrthonormalColumns', () => {
  it('has orthonormal columns for any shape rows >= cols', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer(), (cols, extra, seed) => {
        const rows = cols + extra;
        const m = randomOrthonormalColumns(rows, cols, seed);
        for (let a = 0; a < cols; a++) {
          for (let b = 0; b < cols; b++) {
            let s = 0;
            for (let i = 0; i < rows; i++) s += m[i * cols + a]! * m[i * cols + b]!;
            expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-10);
          }
        }
      }),
    );
  });
  it('keeps inner products of embedded vectors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 40 }), fc.integer(), (cols, extra, seed) => {
        const rows = cols + extra;
        const m = Float32Array.from(randomOrthonormalColumns(rows, cols, seed));
        const x = Float32Array.from({ length: 2 * cols }, (_, i) => Math.sin(seed + 3 * i));
        let before = 0;
        for (let d = 0; d < cols; d++) before += x[d]! * x[cols + d]!;
        // the kernels' path (own memory) and the TypeScript path (null)
        for (const embedding of [new RowEmbedding(m, rows, cols), new RowEmbedding(m, rows, cols, null)]) {
          const y = new Float32Array(2 * rows);
          embedding.embed(x, 0, y, 0);
          embedding.embed(x, cols, y, rows);
          let after = 0;
          for (let d = 0; d < rows; d++) after += y[d]! * y[rows + d]!;
          expect(after).toBeCloseTo(before, 4);
        }
      }),
    );
  });
  it('is the same for the same seed and different for another', () => {
    expect(Array.from(randomOrthonormalColumns(8, 5, 3))).toEqual(Array.from(randomOrthonormalColumns(8, 5, 3)));
    expect(Array.from(randomOrthonormalColumns(8, 5, 3))).not.toEqual(Array.from(randomOrthonormalColumns(8, 5, 4)));
  });
  it('is drawn once per shape and seed for the whole process', () => {
    const a = sharedOrthonormalColumns(40, 30, 5);
    expect(sharedOrthonormalColumns(40, 30, 5)).toBe(a);
    expect(Array.from(a)).toEqual(Array.from(Float32Array.from(randomOrthonormalColumns(40, 30, 5))));
    expect(sharedOrthonormalColumns(40, 30, 6)).not.toBe(a);
  });
  it('refuses a shape that cannot have orthonormal columns', () => {
    expect(() => randomOrthonormalColumns(3, 4, 1)).toThrow(/3 x 4/);
    expect(() => randomOrthonormalColumns(3, 0, 1)).toThrow(/3 x 0/);
    expect(() => new RowEmbedding(new Float32Array(5), 2, 3)).toThrow(/2 x 3 matrix has 6 values, not 5/);
  });
});
