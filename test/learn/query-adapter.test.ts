// ADORE-style query adapters: on queries that are rotated copies of their documents'
// vectors, the affine map trained against the frozen documents recovers the rotation
// (held-out recall rises from near chance to near perfect); a distillation loss is refused.
import { describe, expect, it } from 'vitest';
import { TopKHeap } from '../../src/kernels/top-k-heap.js';
import { xorshift32, standardNormal } from '../../src/kernels/xorshift.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { trainQueryAdapter, type RankedDocs } from '../../src/learn/retriever-training/query-adapter-training.js';

const dim = 8;
const nDocs = 300;
const rand = xorshift32(4);
const docs = Float32Array.from({ length: nDocs * dim }, () => standardNormal(rand));
normalizeRows(docs, dim);
// a fixed rotation in the plane of each coordinate pair, by 1 radian
const rotate = (v: Float32Array): Float32Array => {
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i += 2) {
    out[i] = Math.cos(1) * v[i]! - Math.sin(1) * v[i + 1]!;
    out[i + 1] = Math.sin(1) * v[i]! + Math.cos(1) * v[i + 1]!;
  }
  return out;
};
const queriesOf = (ids: number[]): Float32Array => {
  const q = new Float32Array(ids.length * dim);
  ids.forEach((d, i) => q.set(rotate(docs.subarray(d * dim, (d + 1) * dim)), i * dim));
  return q;
};
const search = (v: Float32Array, k: number): RankedDocs => {
  const heap = new TopKHeap(k);
  for (let d = 0; d < nDocs; d++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += v[j]! * docs[d * dim + j]!;
    heap.offer(s, d);
  }
  const r = heap.drain();
  return { docs: Int32Array.from(r.docs), scores: r.scores };
};
const trainIds = Array.from({ length: 200 }, (_, i) => i);
const devIds = Array.from({ length: 100 }, (_, i) => 200 + i);
const at1 = (ranked: RankedDocs[]): number => ranked.filter((r, i) => r.docs[0] === devIds[i]).length / ranked.length;

describe('trainQueryAdapter', () => {
  it('learns the map from rotated query vectors back to their documents', () => {
    const result = trainQueryAdapter(
      {
        dim,
        queries: queriesOf(trainIds),
        positives: trainIds.map((d) => Int32Array.of(d)),
        docs,
        normalize: true,
        search,
        validation: { queries: queriesOf(devIds), measure: at1 },
      },
      { epochs: 40, learningRate: 0.01, batchSize: 16, hardNegatives: 8, patience: 40, lossOptions: { temperature: 0.1 } },
    );
    expect(result.initial!).toBeLessThan(0.5);
    expect(result.best!.metric).toBeGreaterThan(0.95);
    expect(result.adapter.kind).toBe('affine');
    expect(result.adapter.matrix.length).toBe(dim * dim);
  });

  it('refuses a distillation loss: adapters train on judgments alone', () => {
    expect(() =>
      trainQueryAdapter(
        { dim, queries: queriesOf([0]), positives: [Int32Array.of(0)], docs, normalize: true, search },
        { loss: ['listwise-kl'] },
      ),
    ).toThrow(/distils from a teacher/);
  });
});
