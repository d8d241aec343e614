// Robust standardisation: the median scores 0, the scale ignores a minority of extreme values,
// the transform is invariant to shifting and positive scaling, and uncovered documents score 0.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantileSorted, robustScores } from '../../src/audit/robust-scale.js';

// tenths, so no scale lands within rounding of the floor
const values = fc.array(
  fc.integer({ min: -10_000, max: 10_000 }).map((v) => v / 10),
  { minLength: 3, maxLength: 60 },
);

describe('robustScores', () => {
  it('is invariant to shift and positive scale, and flips with the direction', () => {
    fc.assert(
      fc.property(values, fc.double({ min: 0.5, max: 20, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), (xs, a, b) => {
        const x = Float64Array.from(xs);
        const base = robustScores(x, 1);
        const moved = robustScores(
          x.map((v) => a * v + b),
          1,
          1e-9 * a,
        );
        const flipped = robustScores(x, -1);
        for (let i = 0; i < x.length; i++) {
          expect(moved.z[i]).toBeCloseTo(base.z[i]!, 4);
          expect(flipped.z[i]).toBeCloseTo(-base.z[i]!, 9);
        }
      }),
    );
  });

  it('a few extreme values do not inflate the scale: they stand out', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => (i % 10) / 10);
    x[0] = 50;
    x[1] = 60;
    const r = robustScores(x, 1);
    expect(r.median).toBeCloseTo(0.5, 9);
    expect(r.z[0]).toBeGreaterThan(100);
    expect(Math.abs(r.z[5]!)).toBeLessThan(2);
  });

  it('counts that are mostly equal fall back to the mean absolute deviation, then the floor; NaN scores 0', () => {
    const counts = new Float64Array(100);
    counts[3] = 40;
    const r = robustScores(counts, 1, 1);
    expect(r.median).toBe(0);
    expect(r.scale).toBeCloseTo(1, 9); // mean |x − 0| × 1.2533 = 0.5, below the floor of 1
    expect(r.z[3]).toBe(40);
    const withNaN = robustScores(Float64Array.from([1, NaN, 2, 3]), 1);
    expect(withNaN.z[1]).toBe(0);
    expect(robustScores(new Float64Array([NaN]), 1).z[0]).toBe(0);
  });

  it('quantileSorted interpolates between neighbours', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([5], 0.9)).toBe(5);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});
