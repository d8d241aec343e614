// Rocchio feedback on dense and sparse legs: the second pass searches
// alpha·q + beta·centroid(top docs), computed here independently.
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const docs = [
  { _id: 'a', v: [1, 0, 0], sp: { solar: 2, panel: 1 } },
  { _id: 'b', v: [0.9, 0.1, 0], sp: { solar: 1, battery: 2 } },
  { _id: 'c', v: [0, 1, 0], sp: { battery: 1, storage: 3 } },
  { _id: 'd', v: [0, 0.2, 1], sp: { wind: 2 } },
  { _id: 'e', v: [0.5, 0.5, 0.1], sp: { storage: 1, wind: 1 } },
];
const snap = buildCollection(
  root,
  docs,
  parseSchema({ fields: { v: { type: 'dense', dim: 3, index: 'flat', metric: 'dot' }, sp: { type: 'sparse' } } }),
).reader();
const dot = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('Rocchio feedback', () => {
  it('dense: ranks by alpha·q + beta·mean(top docs)', () => {
    const q = [1, 0.05, 0];
    const first = docs.map((d) => [d._id, dot(q, d.v)] as const).sort((x, y) => y[1] - x[1]);
    const top = first.slice(0, 2).map(([id]) => docs.find((d) => d._id === id)!.v);
    const q2 = q.map((x, j) => 1 * x + (0.5 * (top[0]![j]! + top[1]![j]!)) / 2);
    const expected = docs.map((d) => [d._id, dot(q2, d.v)] as const).sort((x, y) => y[1] - x[1]);
    const r = snap.query({ retrieve: [{ field: 'v', vector: q, prf: { docs: 2, alpha: 1, beta: 0.5 } }], k: 5 });
    expect(r.hits.map((h) => h.id)).toEqual(expected.map(([id]) => id));
    r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]![1], 5));
  });

  it("sparse: expands the query with the feedback documents' terms", () => {
    const plain = snap.query({ retrieve: [{ field: 'sp', sparse: { solar: 1 } }], k: 5 });
    expect(plain.hits.map((h) => h.id).sort()).toEqual(['a', 'b']);
    const fb = snap.query({ retrieve: [{ field: 'sp', sparse: { solar: 1 }, prf: { docs: 2, beta: 1 } }], k: 5 });
    // Feedback from a and b adds panel and battery, so c (battery) is now retrieved.
    expect(fb.hits.map((h) => h.id)).toContain('c');
    // c's score: beta · mean battery weight (2 / 2) × c's battery weight 1 = 1.
    expect(fb.hits.find((h) => h.id === 'c')!.score).toBeCloseTo(1, 5);
  });

  it('is refused on BM25 legs', () => {
    const t = buildCollection(root, [{ _id: 'x', text: 'hello' }], parseSchema({ fields: { text: { type: 'text' } } })).reader();
    expect(() => t.query({ retrieve: [{ field: 'text', text: 'hello', prf: { docs: 3 } }] })).toThrow(
      'retrieve[0].prf: Rocchio feedback applies to dense and sparse legs',
    );
  });
});

describe('sparse explanations', () => {
  it("lists each matching token's query weight, document weight and product, summing to the score", () => {
    const r = snap.query({ retrieve: [{ field: 'sp', sparse: { solar: 1.5, battery: 0.5, absent: 2 } }], k: 2, explain: true });
    const top = r.hits[0]!;
    const parts = (top.explain!.legs as { sparse: { token: string; query: number; document: number; score: number }[] }[])[0]!.sparse;
    expect(parts.map((p) => p.token)).not.toContain('absent');
    expect(parts.reduce((a, p) => a + p.score, 0)).toBeCloseTo(top.score, 5);
    const weighted = snap.query({
      retrieve: [
        { field: 'sp', sparse: { solar: 1 } },
        { field: 'v', vector: [1, 0, 0] },
      ],
      fuse: { method: 'weighted', normalize: 'minmax' },
      k: 1,
      explain: true,
    });
    expect(weighted.hits[0]!.explain!.fusion).toContain('(s - min) / (max - min)');
  });
});
