// One way in: the typed search methods run one-leg specs through the query pipeline, so
// what they return is what the same spec returns from query(); text legs search several
// fields, take a mode and RM3; every leg's search parameters are checked by its family.
import { describe, expect, it } from 'vitest';
import { parseSchema, type Hit } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const root = tempDir();
const schema = parseSchema({
  fields: {
    title: { type: 'text' },
    body: { type: 'text' },
    emb: { type: 'dense', dim: 3, metric: 'cosine', index: 'hnsw' },
    sp: { type: 'sparse', index: 'seismic' },
    mv: { type: 'multivector', dim: 2 },
  },
});
const W = ['solar', 'wind', 'battery', 'grid', 'storage', 'turbine', 'panel', 'hydro'];
const docs = Array.from({ length: 90 }, (_, i) => ({
  _id: `d${i}`,
  title: `${W[i % 8]} ${W[(i * 5) % 8]}`,
  body: `${W[(i * 3) % 8]} energy ${W[(i * 7) % 8]} ${i % 4 === 0 ? 'solar' : ''}`,
  emb: [1, (i % 11) / 11, (i % 7) / 7],
  sp: { [W[i % 8]!]: 1 + (i % 3), energy: 0.5 },
  mv: [
    [1, (i % 5) / 5],
    [(i % 3) / 3, 1],
  ],
}));
const snap = buildCollection(root, docs, schema, { flushDocs: 40 }).reader();
const asHits = (hits: { id: string; score: number; doc: number }[]): Pick<Hit, 'id' | 'score' | 'doc'>[] =>
  hits.map(({ id, score, doc }) => ({ id, score, doc }));

describe('one front door', () => {
  it('answers a typed search as the same spec answers it', () => {
    const text = snap.search('solar grid', { k: 7, fields: { title: 2, body: 1 }, includeStored: false });
    const spec = snap.query({ retrieve: [{ fields: { title: 2, body: 1 }, text: 'solar grid', k: 7 }], k: 7 }, { includeStored: false });
    expect(text.length).toBeGreaterThan(0);
    expect(asHits(text)).toEqual(asHits(spec.hits));
    const vector = snap.searchVector('emb', [1, 0.5, 0.2], { k: 5, params: { efSearch: 20 }, includeStored: false });
    expect(asHits(vector)).toEqual(
      asHits(snap.query({ retrieve: [{ field: 'emb', vector: [1, 0.5, 0.2], params: { efSearch: 20 }, k: 5 }], k: 5 }).hits),
    );
    const sparse = snap.searchSparse('sp', { solar: 1, energy: 0.2 }, { k: 5, params: { queryCut: 2 }, includeStored: false });
    expect(asHits(sparse)).toEqual(
      asHits(snap.query({ retrieve: [{ field: 'sp', sparse: { solar: 1, energy: 0.2 }, params: { queryCut: 2 }, k: 5 }], k: 5 }).hits),
    );
    const tokens = [
      [1, 0.2],
      [0.3, 1],
    ];
    expect(asHits(snap.searchMultiVector('mv', tokens, { k: 4, includeStored: false }))).toEqual(
      asHits(snap.query({ retrieve: [{ field: 'mv', multivector: tokens, k: 4 }], k: 4 }).hits),
    );
    const rm3 = snap.searchRm3('solar energy', 'body', { k: 6, params: { fbDocs: 5 }, includeStored: false });
    expect(rm3.length).toBe(6);
    expect(asHits(rm3)).toEqual(
      asHits(snap.query({ retrieve: [{ field: 'body', text: 'solar energy', rm3: { fbDocs: 5 }, k: 6 }], k: 6 }).hits),
    );
  });

  it('searches several text fields as one BM25 query, which fusing one leg per field does not', () => {
    const both = snap.query({ retrieve: [{ fields: ['title', 'body'], text: 'solar' }], k: 90 }).hits;
    const title = new Map(snap.query({ retrieve: [{ field: 'title', text: 'solar' }], k: 90 }).hits.map((h) => [h.id, h.score]));
    const body = new Map(snap.query({ retrieve: [{ field: 'body', text: 'solar' }], k: 90 }).hits.map((h) => [h.id, h.score]));
    for (const h of both) expect(h.score).toBeCloseTo((title.get(h.id) ?? 0) + (body.get(h.id) ?? 0), 4);
    expect(new Set(both.map((h) => h.id))).toEqual(new Set([...title.keys(), ...body.keys()]));
  });

  it('gives the same top k in every mode', () => {
    const run = (mode: 'auto' | 'pruned' | 'exhaustive') =>
      asHits(snap.query({ retrieve: [{ field: 'body', text: 'solar energy wind', mode }], k: 10 }).hits);
    expect(run('pruned')).toEqual(run('exhaustive'));
    expect(run('auto')).toEqual(run('exhaustive'));
  });

  it.each([
    [{ retrieve: [{ text: 'x' }] }, /retrieve\[0\]\.field give the field the leg searches/],
    [{ retrieve: [{ fields: ['title'], vector: [1, 2, 3] }] }, /retrieve\[0\]\.fields several fields are searched by a text leg/],
    [
      { retrieve: [{ field: 'body', fields: ['title'], text: 'x' }] },
      /retrieve\[0\]\.field with "fields", "field" \(if given\) must be one of them/,
    ],
    [{ retrieve: [{ fields: ['title', 'emb'], text: 'x' }] }, /retrieve\[0\]\.fields: "emb" is not a text field/],
    [{ retrieve: [{ field: 'emb', vector: [1, 2, 3], mode: 'pruned' }] }, /retrieve\[0\]\.mode mode applies to text legs/],
    [{ retrieve: [{ fields: ['title', 'body'], text: 'x', rm3: {} }] }, /retrieve\[0\]\.rm3: RM3 expands a BM25 leg on one text field/],
    [
      { retrieve: [{ field: 'body', text: 'x', rm3: { fbDocs: 0 } }] },
      /retrieve\[0\]\.rm3\.fbDocs: fbDocs must be a positive integer, got 0/,
    ],
    [{ retrieve: [{ field: 'body', text: 'x', rm3: { fbDoc: 3 } }] }, /"fbDoc" is not an RM3 parameter/],
    [
      { retrieve: [{ field: 'emb', vector: [1, 2, 3], params: { efSerch: 30 } }] },
      /params\.efSerch: "efSerch" is not a search parameter of hnsw/,
    ],
    [{ retrieve: [{ field: 'emb', vector: [1, 2, 3], params: { efSearch: 0 } }] }, /efSearch must be a positive integer, got 0/],
    [{ retrieve: [{ field: 'sp', sparse: { a: 1 }, params: { nprobe: 3 } }] }, /"nprobe" is not a search parameter of seismic/],
    [
      { retrieve: [{ field: 'mv', multivector: [[1, 2]], params: { efSearch: 3 } }] },
      /"efSearch" is not a search parameter of this multi-vector field/,
    ],
    [{ retrieve: [{ field: 'emb', vector: [1, 2] }] }, /retrieve\.vector: query has dimension 2, the field has 3/],
  ])('rejects %j, naming where', (spec, message) => {
    expect(() => snap.query(spec as QuerySpecInput)).toThrow(message);
  });

  it('highlights the stored text of every field a spec searches', () => {
    const spec = { retrieve: [{ fields: ['title', 'body'], text: 'solar' }], k: 3 };
    const mark = snap.highlighter(spec);
    for (const hit of snap.query(spec).hits) {
      const h = mark(hit.stored!);
      const marked = [...(h.title ?? []), ...(h.body ?? [])].filter((f) => f.match).map((f) => f.text.toLowerCase());
      expect(Object.keys(h).sort()).toEqual(['body', 'title']);
      expect(marked.length).toBeGreaterThan(0);
      expect(new Set(marked)).toEqual(new Set(['solar']));
    }
  });
});
