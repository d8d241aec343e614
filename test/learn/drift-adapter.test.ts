import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { choleskySolve } from '../../src/learn/cholesky.js';
import { applyDriftAdapter, fitDriftAdapter } from '../../src/learn/drift/drift-adapter.js';
import { mlpPasses, typeScriptPasses, type MlpParams } from '../../src/learn/drift/drift-mlp-passes.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { symmetricEigen } from '../../src/learn/symmetric-eigen.js';
import { errorOf } from '../helpers/errors.js';
import { loadGlove10k, recallAt } from '../helpers/glove.js';

/** xorshift in [-0.5, 0.5). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296 - 0.5;
  };
}

/** A random orthogonal n x n matrix: the eigenvectors of a random symmetric one. */
function randomRotation(n: number, seed: number): Float64Array {
  const r = random(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r();
  return symmetricEigen(a, n).vectors;
}

describe('symmetric eigen-decomposition (Jacobi)', () => {
  it('A = V diag(values) Vᵀ with orthonormal V and descending values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer(), (n, seed) => {
        const r = random(seed);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = r() * 10;
        const { values, vectors: v } = symmetricEigen(a, n);
        for (let k = 1; k < n; k++) expect(values[k]).toBeLessThanOrEqual(values[k - 1]!);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let back = 0;
            let dot = 0;
            for (let k = 0; k < n; k++) {
              back += v[i * n + k]! * values[k]! * v[j * n + k]!;
              dot += v[k * n + i]! * v[k * n + j]!;
            }
            expect(back).toBeCloseTo(a[i * n + j]!, 9);
            expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('Cholesky solve', () => {
  it('recovers X from (BᵀB + I) X (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (n, cols, seed) => {
        const r = random(seed);
        const b = Array.from({ length: n * n }, r);
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += b[k * n + i]! * b[k * n + j]!;
        for (let i = 0; i < n; i++) a[i * n + i]! += 1;
        const x = Array.from({ length: n * cols }, r);
        const ax = new Float64Array(n * cols);
        for (let i = 0; i < n; i++)
          for (let c = 0; c < cols; c++) for (let k = 0; k < n; k++) ax[i * cols + c]! += a[i * n + k]! * x[k * cols + c]!;
        const got = choleskySolve(a, n, ax, cols);
        got.forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 9));
      }),
      { numRuns: 100 },
    );
  });

  it('names a matrix that is not positive definite', () => {
    expect(errorOf(() => choleskySolve([1, 2, 2, 1], 2, [1, 1], 1)).message).toMatch(/not positive definite \(pivot 1/);
  });
});

describe('drift adapters', () => {
  it('procrustes recovers a rotation, and a semi-orthogonal map between dimensions (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 0, max: 3 }), fc.integer(), (p, cut, seed) => {
        const rot = randomRotation(p, seed);
        const q = Math.max(1, p - cut); // the old space keeps the first q rotated coordinates
        const r = random(seed + 1);
        const n = 3 * p;
        const x = Float32Array.from({ length: n * p }, r);
        const y = new Float32Array(n * q);
        for (let s = 0; s < n; s++)
          for (let i = 0; i < q; i++) for (let j = 0; j < p; j++) y[s * q + i]! += rot[i * p + j]! * x[s * p + j]!;
        const a = fitDriftAdapter(x, p, y, q);
        expect(a.kind).toBe('procrustes');
        // W Wᵀ = I: rows orthonormal
        for (let i = 0; i < q; i++)
          for (let k = 0; k < q; k++)
            expect(a.matrix.subarray(i * p, (i + 1) * p).reduce((s, v, j) => s + v * a.matrix[k * p + j]!, 0)).toBeCloseTo(
              i === k ? 1 : 0,
              4,
            );
        const agreement = (w: ArrayLike<number>): number => {
          let t = 0;
          for (let s = 0; s < n; s++)
            for (let i = 0; i < q; i++) for (let j = 0; j < p; j++) t += y[s * q + i]! * w[i * p + j]! * x[s * p + j]!;
          return t;
        };
        if (q === p) for (let i = 0; i < q * p; i++) expect(a.matrix[i]).toBeCloseTo(rot[i]!, 3);
        // fewer old dimensions: the map maximizes sum <y, W x> over maps with orthonormal rows
        else expect(agreement(a.matrix)).toBeGreaterThanOrEqual(agreement(rot.subarray(0, q * p)) - 1e-3);
        // and from q dimensions to p (orthonormal columns): it agrees at least as well as the true map's transpose
        if (q < p) {
          const back = fitDriftAdapter(y, q, x, p);
          let fitted = 0;
          let truth = 0;
          for (let s = 0; s < n; s++) {
            for (let j = 0; j < p; j++) {
              for (let i = 0; i < q; i++) {
                fitted += x[s * p + j]! * back.matrix[j * q + i]! * y[s * q + i]!;
                truth += x[s * p + j]! * rot[i * p + j]! * y[s * q + i]!;
              }
            }
          }
          expect(fitted).toBeGreaterThanOrEqual(truth - 1e-3);
          for (let i = 0; i < q; i++)
            for (let k = 0; k < q; k++) {
              let dot = 0;
              for (let j = 0; j < p; j++) dot += back.matrix[j * q + i]! * back.matrix[j * q + k]!;
              expect(dot).toBeCloseTo(i === k ? 1 : 0, 4);
            }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('affine recovers y = A x + b exactly without ridge, and shrinks with it', () => {
    const r = random(3);
    const p = 6;
    const q = 4;
    const A = Array.from({ length: q * p }, r);
    const b = Array.from({ length: q }, r);
    const n = 60;
    const x = Float32Array.from({ length: n * p }, r);
    const y = new Float32Array(n * q);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < q; i++) {
        y[s * q + i] = b[i]!;
        for (let j = 0; j < p; j++) y[s * q + i]! += A[i * p + j]! * x[s * p + j]!;
      }
    const exact = fitDriftAdapter(x, p, y, q, { kind: 'affine', ridge: 0 });
    exact.matrix.forEach((v, i) => expect(v).toBeCloseTo(A[i]!, 4));
    exact.bias.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 4));
    const probe = Float32Array.from({ length: p }, r);
    const mapped = applyDriftAdapter(exact, probe);
    for (let i = 0; i < q; i++)
      expect(mapped[i]).toBeCloseTo(b[i]! + A.slice(i * p, (i + 1) * p).reduce((s, v, j) => s + v * probe[j]!, 0), 4);
    const shrunk = fitDriftAdapter(x, p, y, q, { kind: 'affine', ridge: 10 });
    const norm = (m: Float32Array): number => m.reduce((s, v) => s + v * v, 0);
    expect(norm(shrunk.matrix)).toBeLessThan(norm(exact.matrix));
  });

  it('on GloVe with a simulated model change, mapped queries find the old model neighbours', () => {
    const { base, queries, gt } = loadGlove10k('angular');
    const d = base.dim;
    const p = 120;
    const r = random(12345);
    const A = Float32Array.from({ length: p * d }, () => r() * 0.35);
    // the "new model": a random linear map into 120 dimensions, bent by tanh, renormalized
    const drift = (rows: Float32Array): Float32Array => {
      const n = rows.length / d;
      const out = new Float32Array(n * p);
      for (let s = 0; s < n; s++) {
        for (let i = 0; i < p; i++) {
          let z = 0;
          for (let j = 0; j < d; j++) z += A[i * d + j]! * rows[s * d + j]!;
          out[s * p + i] = z + 0.3 * Math.tanh(2 * z);
        }
      }
      normalizeRows(out, p);
      return out;
    };
    const old = base.data.slice();
    normalizeRows(old, d);
    const q = queries.data.slice();
    normalizeRows(q, d);
    const newQueries = drift(q);
    const pairs = 1000;
    const newSample = drift(old.subarray(0, pairs * d));
    const index = buildFlat(old, { dim: d, metric: 'cosine' });
    const recall = (kind: 'procrustes' | 'affine'): number => {
      const adapter = fitDriftAdapter(newSample, p, old.subarray(0, pairs * d), d, { kind });
      return recallAt(
        10,
        Array.from(
          { length: queries.rows },
          (_, i) => index.search(applyDriftAdapter(adapter, newQueries.subarray(i * p, (i + 1) * p)), 10).ids,
        ),
        gt,
      );
    };
    const procrustes = recall('procrustes');
    const affine = recall('affine');
    expect(procrustes).toBeGreaterThan(0.6);
    expect(affine).toBeGreaterThan(0.85);
  });

  it('the residual MLP undoes non-linear drift that the affine map cannot', () => {
    const r = random(5);
    const p = 6;
    const q = 4;
    const n = 3000;
    const x = Float32Array.from({ length: n * p }, () => 2 * r());
    // y depends on x through squares and products: no linear map fits it
    const target = (v: ArrayLike<number>, i: number): number => v[i]! * v[i + 1]! + v[i + 2]! * v[i + 2]! - 0.3 * v[(i + 3) % p]!;
    const y = new Float32Array(n * q);
    for (let s = 0; s < n; s++) for (let i = 0; i < q; i++) y[s * q + i] = target(x.subarray(s * p, (s + 1) * p), i);
    const losses: number[] = [];
    const mlp = fitDriftAdapter(x, p, y, q, {
      kind: 'mlp',
      hidden: 64,
      epochs: 60,
      learningRate: 0.005,
      seed: 3,
      onEpoch: (_, __, loss) => losses.push(loss),
    });
    const affine = fitDriftAdapter(x, p, y, q, { kind: 'affine' });
    expect(mlp.kind).toBe('mlp');
    expect(mlp.mlp!.hidden).toBe(64);
    expect(losses.length).toBeGreaterThan(5);
    const error = (a: typeof mlp): number => {
      let e = 0;
      const probe = random(99);
      for (let t = 0; t < 500; t++) {
        const v = Float32Array.from({ length: p }, () => 2 * probe());
        const got = applyDriftAdapter(a, v);
        for (let i = 0; i < q; i++) e += (got[i]! - target(v, i)) ** 2 / 500;
      }
      return e;
    };
    expect(error(mlp)).toBeLessThan(0.25 * error(affine));
    // reproducible for a seed
    expect(fitDriftAdapter(x, p, y, q, { kind: 'mlp', hidden: 64, epochs: 3, seed: 3 }).mlp!.outWeights).toEqual(
      fitDriftAdapter(x, p, y, q, { kind: 'mlp', hidden: 64, epochs: 3, seed: 3 }).mlp!.outWeights,
    );
    expect(errorOf(() => fitDriftAdapter(x, p, y, q, { kind: 'mlp', hidden: 0 })).message).toMatch(/^hidden: /);
    expect(errorOf(() => fitDriftAdapter(x, p, y, q, { kind: 'mlp', epochs: 0 })).message).toMatch(/^epochs: /);
  });

  it("the kernels' forward and backward passes agree with the TypeScript ones (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (p, q, h, seed) => {
          const r = random(seed);
          const n = 3;
          const x = Float32Array.from({ length: n * p }, r);
          const y = Float32Array.from({ length: n * q }, r);
          const params = (): MlpParams => [
            Float32Array.from({ length: q * p }, r),
            Float32Array.from({ length: q }, r),
            Float32Array.from({ length: h * p }, r),
            Float32Array.from({ length: h }, r),
            Float32Array.from({ length: q * h }, r),
          ];
          const given = params();
          const kernels = mlpPasses(x, y, { p, q, h }, given.map((a) => a.slice()) as MlpParams);
          const reference = typeScriptPasses(x, y, { p, q, h }, given.map((a) => a.slice()) as MlpParams);
          expect(kernels.params[0]).not.toBe(reference.params[0]);
          for (let row = 0; row < n; row++) {
            const lk = kernels.forward(row);
            const lt = reference.forward(row);
            expect(Math.abs(lk - lt)).toBeLessThanOrEqual(1e-4 * Math.max(1, lt));
            kernels.backward(row);
            reference.backward(row);
          }
          kernels.grads.forEach((g, i) =>
            g.forEach((v, j) =>
              expect(Math.abs(v - reference.grads[i]![j]!), `grad ${i}[${j}]`).toBeLessThanOrEqual(
                1e-4 * Math.max(1, Math.abs(reference.grads[i]![j]!)),
              ),
            ),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects bad input with the field named', () => {
    const x = new Float32Array(12);
    expect(errorOf(() => fitDriftAdapter(x, 3, new Float32Array(10), 2)).message).toMatch(/^rows: 4 new vectors but 5 old ones/);
    expect(errorOf(() => fitDriftAdapter(new Float32Array(3), 3, new Float32Array(2), 2)).message).toMatch(/at least 2 pairs, got 1/);
    expect(errorOf(() => fitDriftAdapter(x, 3, new Float32Array(8), 2, { kind: 'rbf' as 'affine' })).message).toMatch(
      /^kind: unknown adapter kind "rbf"/,
    );
    expect(errorOf(() => fitDriftAdapter(x, 3, new Float32Array(8), 2, { kind: 'affine', ridge: -1 })).message).toMatch(/^ridge: /);
    expect(errorOf(() => fitDriftAdapter(x, 3, new Float32Array(8), 2)).message).toMatch(
      /^rows: all 4 new vectors are zero: there is nothing to fit/,
    );
    const a = fitDriftAdapter(Float32Array.from({ length: 12 }, random(1)), 3, Float32Array.from({ length: 8 }, random(2)), 2);
    expect(errorOf(() => applyDriftAdapter(a, [1, 2])).message).toMatch(/^vector: the adapter maps 3-dimensional vectors, got 2/);
  });
});
