// Rerank stage by exact similarity of a dense field's stored vectors: the
// first stage's candidates come back ordered by the exact dot product,
// whatever the field's (approximate) index family.
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';

const rand = xorshift32(3);
const docs = Array.from({ length: 80 }, (_, i) => ({
  _id: `d${i}`,
  text: i % 3 === 0 ? 'solar energy storage' : `other text ${i}`,
  v: [rand(), rand(), rand(), rand()],
}));
const q = [0.2, 0.9, 0.1, 0.4];

describe('dense rerank stage', () => {
  for (const index of ['flat', 'int8', 'hnsw'] as const) {
    it(`${index}: orders the first stage's candidates by exact dot product`, () => {
      const snap = buildCollection(
        tempDir(),
        docs,
        parseSchema({ fields: { text: { type: 'text' }, v: { type: 'dense', dim: 4, metric: 'dot', index } } }),
      ).reader();
      const first = snap.query({ retrieve: [{ field: 'text', text: 'solar storage' }], k: 50 });
      const pool = new Set(first.hits.map((h) => h.id));
      const expected = docs
        .filter((d) => pool.has(d._id))
        .map((d) => [d._id, d.v.reduce((s, x, j) => s + x * q[j]!, 0)] as const)
        .sort((a, b) => b[1] - a[1]);
      const r = snap.query({
        retrieve: [{ field: 'text', text: 'solar storage' }],
        rerank: { field: 'v', vector: q, depth: 50 },
        k: 5,
        explain: true,
      });
      expect(r.hits.map((h) => h.id)).toEqual(expected.slice(0, 5).map(([id]) => id));
      r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]![1], 5));
      expect(r.hits[0]!.explain!.rerank).toContain('exact similarity of the stored vectors on "v"');
      expect(r.reranked).toBe(pool.size);
    });
  }

  it('rejects a stage that names the wrong kind of field or no query', () => {
    const snap = buildCollection(
      tempDir(),
      docs,
      parseSchema({ fields: { text: { type: 'text' }, v: { type: 'dense', dim: 4, index: 'flat' } } }),
    ).reader();
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar' }], rerank: { field: 'text', vector: q } })).toThrow(
      '"text" is not a dense field',
    );
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar' }], rerank: { field: 'v' } })).toThrow(
      'give exactly one of multivector, vector, text',
    );
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar' }], rerank: { field: 'v', text: 'solar' } })).toThrow(
      '"v" has no encoder for text',
    );
  });
});
