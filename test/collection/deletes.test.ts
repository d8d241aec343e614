// Deletes and updates: tombstones per segment and generation, hidden from
// every kind of search, invisible until commit, kept out of older snapshots.
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const schema = parseSchema({
  fields: {
    text: { type: 'text' },
    emb: { type: 'dense', dim: 2, metric: 'cosine', index: 'hnsw' },
    sp: { type: 'sparse' },
  },
});
const docs = Array.from({ length: 30 }, (_, i) => ({
  _id: `d${i}`,
  text: `apple ${i % 2 === 0 ? 'banana' : 'cherry'}`,
  emb: [1, i / 30],
  sp: { apple: 1 + i / 100 },
}));

describe('deletes and updates', () => {
  it('deleted documents disappear from text, dense and sparse search after commit', () => {
    const c = buildCollection(root, docs, schema, { flushDocs: 12 });
    const before = c.reader();
    const w = c.writer();
    expect(w.delete('d29')).toBe(true);
    expect(w.delete('d3')).toBe(true);
    expect(w.delete('nope')).toBe(false);
    expect(c.reader().numDocs).toBe(30); // not committed yet
    w.commit();
    w.close();
    const after = c.reader();
    expect(after.numDocs).toBe(28);
    expect(before.numDocs).toBe(30); // an older snapshot keeps its view
    const ids = (hits: { id: string }[]) => hits.map((h) => h.id);
    expect(ids(after.search('apple', { k: 30 }))).not.toContain('d29');
    expect(ids(after.search('apple', { k: 30 }))).toHaveLength(28);
    expect(ids(after.searchVector('emb', [1, 1], { k: 3 }))).toEqual(['d28', 'd27', 'd26']);
    expect(ids(after.searchSparse('sp', { apple: 1 }, { k: 2 }))).toEqual(['d28', 'd27']);
    expect(ids(Collection.open(c.dir).reader().search('apple', { k: 30 }))).not.toContain('d3');
  });

  it('update replaces a document; deleting a just-added document works before any flush', () => {
    const c = buildCollection(root, docs.slice(0, 5), schema);
    const w = c.writer();
    w.update({ _id: 'd1', text: 'durian', emb: [0, 1], sp: { durian: 2 } });
    w.add({ _id: 'x', text: 'elderberry', emb: [1, 0], sp: { x: 1 } });
    expect(w.delete('x')).toBe(true);
    w.commit();
    w.close();
    const r = c.reader();
    expect(r.numDocs).toBe(5);
    expect(r.search('durian').map((h) => h.id)).toEqual(['d1']);
    expect(r.search('elderberry')).toEqual([]);
    expect(r.search('apple', { k: 10 }).map((h) => h.id)).not.toContain('d1');
    const w2 = c.writer();
    expect(() => w2.add({ _id: 'd1', text: 'again', emb: [1, 1], sp: {} })).toThrow(
      /duplicate document id "d1".*use writer\.update\(\) \(quarry add --update/,
    );
    w2.add({ _id: 'x', text: 'fig', emb: [1, 1], sp: {} }); // a deleted id can be reused
    w2.commit();
    w2.close();
    expect(
      c
        .reader()
        .search('fig')
        .map((h) => h.id),
    ).toEqual(['x']);
  });

  it('aborting drops pending deletes', () => {
    const c = buildCollection(root, docs.slice(0, 3), schema);
    const w = c.writer();
    w.delete('d0');
    w.abort();
    expect(c.reader().numDocs).toBe(3);
  });
});
