import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HadamardVariants } from '../../src/quantize/hadamard-variants.js';
import { placeSignCodes, signCodeError } from '../../src/quantize/sign-code-placement.js';

/** |r| tan θ from its definition: θ the angle between r and sign(r). */
function errorOf(r: Float32Array): number {
  let rr = 0;
  let rs = 0;
  for (const v of r) {
    rr += v * v;
    rs += Math.abs(v);
  }
  if (rr === 0) return 0;
  const cos = rs / Math.sqrt(rr * r.length);
  return (Math.sqrt(rr) * Math.sqrt(Math.max(0, 1 - cos * cos))) / cos;
}

describe('sign-code placement', () => {
  it('signCodeError is |r| tan θ, zero for a residual on a sign code or at its centre', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 8, maxLength: 8 }), (values) => {
        const r = Float32Array.from(values);
        let rr = 0;
        let l1 = 0;
        for (const v of r) {
          rr += v * v;
          l1 += Math.abs(v);
        }
        expect(signCodeError(rr, l1, 8)).toBeCloseTo(errorOf(r), 4);
      }),
    );
    expect(signCodeError(8 * 0.25, 8 * 0.5, 8)).toBe(0);
    expect(signCodeError(0, 0, 8)).toBe(0);
  });

  it('puts each row at the centre among its nearest, and the basis, with the smallest |r| tan θ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), (seed, choices, withBases) => {
        const dim = 32;
        const n = 40;
        const k = 6;
        const rand = (i: number): number => Math.sin(seed * 0.0007 + i * 12.9898) * 1.5;
        const rows = Float32Array.from({ length: n * dim }, (_, i) => rand(i));
        const centres = Float32Array.from({ length: k * dim }, (_, i) => rand(i + n * dim) * 0.5);
        const dist = (r: number, c: number): number => {
          let s = 0;
          for (let d = 0; d < dim; d++) s += (rows[r * dim + d]! - centres[c * dim + d]!) ** 2;
          return s;
        };
        const nearest = Uint16Array.from({ length: n }, (_, r) =>
          [...Array(k).keys()].reduce((b, c) => (dist(r, c) < dist(r, b) ? c : b), 0),
        );
        const transforms = withBases ? HadamardVariants.create(8, dim, seed) : null;
        const read = (r: number, out: Float32Array): void => out.set(rows.subarray(r * dim, (r + 1) * dim));
        const placed = placeSignCodes(read, n, dim, centres, nearest, choices, transforms);
        expect(placed.of === null).toBe(!withBases);
        for (let r = 0; r < n; r++) {
          const byDistance = [...Array(k).keys()].sort((a, b) => dist(r, a) - dist(r, b) || a - b);
          const allowed = choices === 1 ? [nearest[r]!] : byDistance.slice(0, choices);
          expect(allowed).toContain(placed.assign[r]);
          // the placement's error, from the definition, is the smallest over every allowed centre and basis
          const residualIn = (c: number, v: number): Float32Array => {
            const x = Float32Array.from({ length: dim }, (_, d) => rows[r * dim + d]! - centres[c * dim + d]!);
            transforms?.apply(v, x);
            return x;
          };
          const chosen = errorOf(residualIn(placed.assign[r]!, placed.of?.[r] ?? 0));
          for (const c of allowed)
            for (let v = 0; v < (transforms?.count ?? 1); v++)
              expect(chosen).toBeLessThanOrEqual(errorOf(residualIn(c, v)) * (1 + 1e-5) + 1e-9);
        }
      }),
      { numRuns: 40 },
    );
  });
});
