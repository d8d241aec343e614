// Merging: optimize() turns several segments with deletes into one whose
// search results equal a clean rebuild from the live documents; the merge
// policy bounds the segment count.
import { describe, expect, it } from 'vitest';
import { parseSchema, type Snapshot } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const schema = parseSchema({
  fields: {
    text: { type: 'text' },
    emb: { type: 'dense', dim: 3, metric: 'cosine', index: 'flat' },
    sp: { type: 'sparse' },
    year: { type: 'number' },
    tag: { type: 'keyword' },
  },
});
const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
const docs = Array.from({ length: 60 }, (_, i) => ({
  _id: `d${i}`,
  text: `${words[i % 6]} ${words[(i * 7) % 6]} ${words[(i * 5) % 6]} ${i % 4 === 0 ? 'rare' : ''}`,
  emb: [1, (i % 10) / 10, (i % 3) / 3],
  sp: { [words[i % 6]!]: 1 + (i % 5), rare: i % 4 === 0 ? 2 : 0 },
  year: 2000 + (i % 20),
  tag: i % 2 === 0 ? 'even' : ['odd', 'x'],
}));
const deleted = new Set(['d0', 'd7', 'd13', 'd59', 'd30']);

function results(snap: Snapshot) {
  return {
    text: ['alpha rare', 'gamma delta', 'zeta'].map((q) => snap.search(q, { k: 20, includeStored: false }).map((h) => [h.id, h.score])),
    dense: snap.searchVector('emb', [1, 0.5, 0.2], { k: 10, includeStored: false }).map((h) => h.id),
    sparse: snap.searchSparse('sp', { alpha: 1, rare: 1 }, { k: 10, includeStored: false }).map((h) => [h.id, h.score]),
  };
}

describe('merging segments', () => {
  it('optimize() equals a clean rebuild from the live documents', () => {
    const c = buildCollection(root, docs, schema, { flushDocs: 13, maxSegments: 100 });
    const w = c.writer({ maxSegments: 100 });
    for (const id of deleted) w.delete(id);
    w.optimize();
    w.close();
    const merged = c.reader();
    expect(merged.segments.length).toBe(1);
    expect(merged.numDocs).toBe(55);
    const clean = buildCollection(root, docs.filter((d) => !deleted.has(d._id)), schema).reader();
    expect(results(merged)).toEqual(results(clean));
    const cols = merged.segments[0]!.columns!;
    const cleanCols = clean.segments[0]!.columns!;
    expect(Array.from(cols.numbers.get('year')!)).toEqual(Array.from(cleanCols.numbers.get('year')!));
    expect(merged.stored(3)).toEqual(clean.stored(3));
  });

  it('the merge policy keeps the segment count bounded and drops old generations', () => {
    const c = buildCollection(root, [], schema);
    for (let b = 0; b < 6; b++) {
      const w = c.writer({ maxSegments: 3, mergeFactor: 3 });
      for (const d of docs.slice(b * 10, b * 10 + 10)) w.add(d);
      w.commit();
      w.close();
      expect(c.reader().segments.length).toBeLessThanOrEqual(3);
    }
    expect(c.reader().numDocs).toBe(60);
    const clean = buildCollection(root, docs, schema).reader();
    expect(results(c.reader()).dense).toEqual(results(clean).dense);
  });
});
