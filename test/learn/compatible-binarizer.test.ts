// Backward-compatible query codes (BEBR): a new model's queries, mapped into an old binary
// index's code space and coded by trained plane encoders, search the old index's codes.
import { describe, expect, it } from 'vitest';
import { buildBinaryWithCodebook } from '../../src/index/dense/binary/index.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { standardNormal, xorshift32 } from '../../src/kernels/xorshift.js';
import { initialTrainedBinarizer } from '../../src/learn/trained-codes/binarizer-training.js';
import { encodeCompatibleQuery, trainCompatibleQueryBinarizer } from '../../src/learn/trained-codes/compatible-binarizer.js';
import { loadGlove10k } from '../helpers/glove.js';

const oldDim = 100;
const newDim = 64;
const { base } = loadGlove10k('angular');
const n = 3000;
const rows = base.data.slice(0, n * oldDim);
normalizeRows(rows, oldDim);
// a "new model": a fixed random linear map of the old vectors into 64 dimensions, with noise
const rand = xorshift32(9);
const map = Float32Array.from({ length: newDim * oldDim }, () => standardNormal(rand) / Math.sqrt(oldDim));
const pairs = (from: number, count: number): { oldQ: Float32Array; newQ: Float32Array } => {
  const oldQ = new Float32Array(count * oldDim);
  const newQ = new Float32Array(count * newDim);
  for (let i = 0; i < count; i++) {
    const at = (from + i) * oldDim;
    oldQ.set(base.data.subarray(at, at + oldDim), i * oldDim);
    for (let j = 0; j < newDim; j++) {
      let s = 0.02 * standardNormal(rand);
      for (let d = 0; d < oldDim; d++) s += map[j * oldDim + d]! * base.data[at + d]!;
      newQ[i * newDim + j] = s;
    }
  }
  normalizeRows(oldQ, oldDim);
  return { oldQ, newQ };
};

describe('backward-compatible query codes', () => {
  it("train a new model's query coder that searches the old index's codes", () => {
    const old = initialTrainedBinarizer(rows, oldDim, { planes: 2, centroids: 54, rotate: true, seed: 42, hidden: 8 });
    const train = pairs(5000, 150);
    const valid = pairs(6000, 40);
    const res = trainCompatibleQueryBinarizer(
      {
        oldRows: rows,
        oldDim,
        old,
        oldQueries: train.oldQ,
        newQueries: train.newQ,
        newDim,
        validation: { oldQueries: valid.oldQ, newQueries: valid.newQ },
      },
      { correction: true, hidden: 8, epochs: 2, patience: 5, teacherDepth: 40, studentDepth: 20, poolDepth: 200 },
    );
    expect(res.epochs.length).toBe(2);
    // the least-squares start already lands near the old queries: the new codes find most of what the old ones do
    expect(res.oldQueryRecall).toBeGreaterThan(0.3);
    expect(res.initialMetric).toBeGreaterThan(0.5 * res.oldQueryRecall);
    expect(res.best.metric).toBe(Math.max(res.initialMetric, ...res.epochs.map((e) => e.metric)));

    // the old index (built with the old binarizer) answers the new query's code
    const index = buildBinaryWithCodebook(rows, { dim: oldDim, metric: 'cosine' }, { method: 'bebr', version: 1, binarizer: old });
    let overlap = 0;
    for (let q = 0; q < 20; q++) {
      const code = encodeCompatibleQuery(res.coder, valid.newQ.subarray(q * newDim, (q + 1) * newDim));
      const got = index.searchQueryCode(code, 10).ids;
      const oldCode = index.encodeQuery(valid.oldQ.subarray(q * oldDim, (q + 1) * oldDim));
      const want = new Set(index.searchQueryCode(oldCode, 10).ids);
      overlap += Array.from(got).filter((id) => want.has(id)).length;
    }
    expect(overlap / 200).toBeGreaterThan(0.3);
    expect(() =>
      trainCompatibleQueryBinarizer(
        {
          oldRows: rows,
          oldDim,
          old,
          oldQueries: train.oldQ,
          newQueries: train.newQ.subarray(0, 10),
          newDim,
          validation: { oldQueries: valid.oldQ, newQueries: valid.newQ },
        },
        { correction: true },
      ),
    ).toThrow(/same queries/);
  }, 60_000);
});
