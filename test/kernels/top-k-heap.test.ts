import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopKHeap } from '../../src/kernels/top-k-heap.js';

describe('TopKHeap', () => {
  it('returns the k best by (score desc, doc asc) for any input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer(),
        (scores, k, seed) => {
          const items = scores.map((s, doc) => ({ s, doc }));
          const order = items.map((_, i) => i);
          let x = seed >>> 0;
          for (let i = order.length - 1; i > 0; i--) {
            x = (Math.imul(x, 1103515245) + 12345) >>> 0;
            const j = x % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const heap = new TopKHeap(k);
          for (const i of order) heap.offer(items[i]!.s, items[i]!.doc);
          const got = heap.drain();
          const want = [...items].sort((a, b) => b.s - a.s || a.doc - b.doc).slice(0, k);
          expect(Array.from(got.docs)).toEqual(want.map((w) => w.doc));
          expect(Array.from(got.scores)).toEqual(want.map((w) => w.s));
        },
      ),
    );
  });
  it('reports -Infinity as threshold until full', () => {
    const h = new TopKHeap(2);
    expect(h.threshold()).toBe(-Infinity);
    h.offer(1, 0);
    h.offer(3, 1);
    expect(h.threshold()).toBe(1);
    expect(h.offer(1, 5)).toBe(false);
    expect(h.offer(2, 5)).toBe(true);
    expect(h.threshold()).toBe(2);
  });
});
