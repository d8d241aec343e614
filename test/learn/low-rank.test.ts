// Low-rank + sparse rows (LOST-style compression) for int8 rescoring: the randomized SVD finds the
// exact top subspace, reconstructions and scores agree, and int8 indexes rescore from them,
// keeping the exact floats in the file only.
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInt8, readInt8, writeInt8 } from '../../src/index/dense/int8/index.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { randomizedTopSubspace } from '../../src/learn/low-rank/randomized-svd.js';
import { LowRankScorer, encodeLowRankRows, reconstructLowRankRow } from '../../src/learn/low-rank/low-rank-rows.js';
import { symmetricEigen } from '../../src/learn/symmetric-eigen.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const dim = 100;
const { base, queries } = loadGlove10k('angular');
const n = 4000;
const rows = base.data.slice(0, n * dim);
normalizeRows(rows, dim);

describe('randomized SVD', () => {
  it('finds the top singular subspace of the centred rows', () => {
    const rank = 12;
    const sub = randomizedTopSubspace(rows, dim, rank, { seed: 3 });
    // exact: eigenvectors of the covariance
    const cov = new Float64Array(dim * dim);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < dim; i++) {
        const a = rows[r * dim + i]! - sub.mean[i]!;
        for (let j = 0; j < dim; j++) cov[i * dim + j]! += a * (rows[r * dim + j]! - sub.mean[j]!);
      }
    const eig = symmetricEigen(cov, dim);
    let captured = 0;
    let best = 0;
    for (let k = 0; k < rank; k++) {
      // singular values squared are the covariance's eigenvalues (the sketch may fall a little short, never over)
      const ratio = sub.singular[k]! ** 2 / eig.values[k]!;
      expect(ratio).toBeGreaterThan(0.95);
      expect(ratio).toBeLessThan(1 + 1e-6);
      captured += sub.singular[k]! ** 2;
      best += eig.values[k]!;
      // the leading basis vectors lie in the exact top subspace (near the cut, close eigenvalues may mix)
      if (k < rank / 2) {
        let kept = 0;
        for (let e = 0; e < rank; e++) {
          let s = 0;
          for (let d = 0; d < dim; d++) s += sub.basis[k * dim + d]! * eig.vectors[d * dim + e]!;
          kept += s * s;
        }
        expect(kept).toBeGreaterThan(0.97);
      }
      // orthonormal
      for (let j = 0; j <= k; j++) {
        let s = 0;
        for (let d = 0; d < dim; d++) s += sub.basis[k * dim + d]! * sub.basis[j * dim + d]!;
        expect(s).toBeCloseTo(j === k ? 1 : 0, 4);
      }
    }
    // the subspace captures (nearly) all the variance the best rank-12 subspace does
    expect(captured / best).toBeGreaterThan(0.99);
    expect(() => randomizedTopSubspace(rows, dim, 101)).toThrow(/rank must be an integer from 1 to 100/);
  });
});

describe('low-rank + sparse rows', () => {
  const sub = randomizedTopSubspace(rows, dim, 24, { seed: 1 });

  it('score a query as the dot product with the reconstruction', () => {
    const lr = encodeLowRankRows(rows.subarray(0, 50 * dim), sub, 6);
    const scorer = new LowRankScorer(lr);
    const x = new Float64Array(dim);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 49 }),
        fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
        (r, qa) => {
          const q = Float32Array.from(qa);
          scorer.prepare(q);
          reconstructLowRankRow(lr, r, x);
          let want = 0;
          for (let d = 0; d < dim; d++) want += q[d]! * x[d]!;
          expect(scorer.dot(r)).toBeCloseTo(want, 4);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reconstruct better with more rank and more residual entries', () => {
    const error = (rank: number, sparse: number): number => {
      const s = randomizedTopSubspace(rows, dim, rank, { seed: 1 });
      const lr = encodeLowRankRows(rows.subarray(0, 300 * dim), s, sparse);
      const x = new Float64Array(dim);
      let e = 0;
      for (let r = 0; r < 300; r++) {
        reconstructLowRankRow(lr, r, x);
        for (let d = 0; d < dim; d++) e += (x[d]! - rows[r * dim + d]!) ** 2;
      }
      return e / 300;
    };
    const e8 = error(8, 0);
    const e32 = error(32, 0);
    const e32s = error(32, 8);
    expect(e32).toBeLessThan(e8);
    expect(e32s).toBeLessThan(e32);
    // every residual entry kept: exact
    expect(error(8, dim)).toBeLessThan(1e-10);
  });
});

describe('int8 rescoring from low-rank rows', () => {
  it('rescores from the low-rank rows, keeps floats in the file only, and round-trips', () => {
    const exact = buildFlat(rows, { dim, metric: 'cosine' });
    const plain = buildInt8(rows, { dim, metric: 'cosine', rescore: 0 });
    const lowRank = buildInt8(rows, { dim, metric: 'cosine', lowRank: 48, sparseResidual: 8, rescore: 10 });
    const recall = (index: { search: (q: Float32Array, k: number) => { ids: Int32Array } }): number => {
      let hit = 0;
      for (let q = 0; q < 100; q++) {
        const v = queries.data.subarray(q * dim, (q + 1) * dim);
        const want = new Set(exact.search(v, 10).ids);
        for (const id of index.search(v, 10).ids) if (want.has(id)) hit++;
      }
      return hit / 1000;
    };
    // with every residual entry kept the rows are exact, and rescoring from them is rescoring from floats
    const exactRows = buildInt8(rows, { dim, metric: 'cosine', lowRank: 8, sparseResidual: dim, rescore: 10 });
    const floatRescored = buildInt8(rows, { dim, metric: 'cosine', rescore: 10 });
    for (let q = 0; q < 20; q++) {
      const v = queries.data.subarray(q * dim, (q + 1) * dim);
      expect(exactRows.search(v, 10).ids).toEqual(floatRescored.search(v, 10).ids);
    }
    expect(recall(lowRank)).toBeGreaterThan(0.5);
    expect(recall(plain)).toBeGreaterThan(0.9);
    const file = join(root, 'lr.vec');
    writeInt8(file, lowRank);
    const back = readInt8(file);
    expect(back.floats).toBeNull();
    expect(back.diskFloats).not.toBeNull();
    expect(back.floatRows()).toEqual(rows);
    const v = queries.data.subarray(0, dim);
    expect(back.search(v, 10).ids).toEqual(lowRank.search(v, 10).ids);
    expect(() => buildInt8(rows, { dim, metric: 'cosine', lowRank: 200 })).toThrow(/at most the dimension 100/);
  }, 30_000);
});

describe('an int8 field with low-rank rows in a collection', () => {
  it('rescores from them, merges from the exact floats, and says so in quarry info', async () => {
    const { Collection } = await import('../../src/collection/index.js');
    const c = Collection.create(join(root, 'c'), {
      fields: { emb: { type: 'dense', dim, index: 'int8', params: { lowRank: 16, sparseResidual: 4 } } },
    });
    const w = c.writer();
    for (let i = 0; i < 600; i++) w.add({ _id: `w${i}`, emb: Array.from(rows.subarray(i * dim, (i + 1) * dim)) });
    w.commit();
    for (let i = 600; i < 900; i++) w.add({ _id: `w${i}`, emb: Array.from(rows.subarray(i * dim, (i + 1) * dim)) });
    w.commit();
    w.optimize();
    w.close();
    const snap = Collection.open(c.dir).reader();
    // the merged segment was built from the exact floats: its own row is each word's best hit
    for (const i of [3, 650, 899])
      expect(snap.searchVector('emb', rows.subarray(i * dim, (i + 1) * dim), { k: 1, includeStored: false })[0]!.id).toBe(`w${i}`);
    snap.close();
    const info = Collection.open(c.dir).info();
    expect(info.fields.find((f) => f.name === 'emb')?.lowRank).toEqual({ rank: 16, sparse: 4 });
  }, 30_000);
});
