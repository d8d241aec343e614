// The query pipeline: spec validation with paths, filters pushed into every
// leg (checked against brute force), fusion, per-leg ranks, facets, explain.
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { parseQuerySpec } from '../../src/search/index.js';
import type { TextQuery } from '../../src/index/inverted/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { Where } from '../../src/search/where.js';

const root = tempDir();
const schema = parseSchema({
  fields: {
    text: { type: 'text' },
    emb: { type: 'dense', dim: 3, metric: 'cosine', index: 'hnsw' },
    sp: { type: 'sparse' },
    year: { type: 'number' },
    lang: { type: 'keyword' },
    open: { type: 'boolean' },
  },
});
const W = ['solar', 'wind', 'battery', 'grid', 'storage', 'turbine', 'panel', 'hydro'];
const docs = Array.from({ length: 120 }, (_, i) => ({
  _id: `d${i}`,
  text: `${W[i % 8]} ${W[(i * 3) % 8]} ${W[(i * 5) % 8]} energy ${i % 9 === 0 ? 'policy' : ''}`,
  emb: [1, (i % 11) / 11, (i % 7) / 7],
  sp: { [W[i % 8]!]: 1 + (i % 3), energy: 0.5 },
  year: 1990 + (i % 30),
  lang: i % 3 === 0 ? 'en' : i % 3 === 1 ? 'de' : ['en', 'fr'],
  open: i % 2 === 0,
}));
const snap = buildCollection(root, docs, schema, { flushDocs: 45 }).reader();

describe('query spec validation', () => {
  it.each([
    [{ retrieve: [] }, /retrieve .*at least 1/i],
    [{ retrieve: [{ field: 'text', text: 'x', k: 0 }] }, /^spec: retrieve\[0\]\.k must be a positive integer/],
    [{ retrieve: [{ field: 'text', text: 'x', vector: [1] }] }, /retrieve\[0\] give exactly one of text, vector, sparse/],
    [{ retrieve: [{ field: 'text', text: 'x' }], colour: 'red' }, /has unknown key\(s\) "colour"/],
    [{ retrieve: [{ field: 'text', text: 'x' }], fuse: { method: 'max' } }, /fuse/],
  ])('%j', (spec, message) => {
    expect(() => parseQuerySpec(spec)).toThrow(message);
  });
  it('names wrong fields and filters', () => {
    expect(() => snap.query({ retrieve: [{ field: 'emb', text: 'solar' }] })).toThrow(/retrieve\[0\]\.field: "emb" is not a text field/);
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar', params: { efSearch: 3 } }] })).toThrow(
      'retrieve[0].params: a BM25 leg takes no search parameters',
    );
    expect(() => snap.search('solar', { mode: 'fast' as never })).toThrow(
      'mode: mode must be "auto", "pruned" or "exhaustive", not "fast"',
    );
    expect(() => snap.search(42 as unknown as string)).toThrow('text: query text must be a string, got number');
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar' }], filter: { where: { colour: 'red' } } })).toThrow(
      /filter\.where\.colour: "colour" is not a metadata field/,
    );
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar' }], filter: { where: { lang: { gt: 3 } } } })).toThrow(
      /range "gt" needs a number field/,
    );
  });
});

describe('filters pushed into every leg', () => {
  const where: Where = { and: [{ year: { gte: 2000, lt: 2015 } }, { or: [{ lang: 'fr' }, { open: true }] }, { not: { year: 2004 } }] };
  const allowed = new Set(
    docs
      .filter((d) => d.year >= 2000 && d.year < 2015 && ((Array.isArray(d.lang) && d.lang.includes('fr')) || d.open) && d.year !== 2004)
      .map((d) => d._id),
  );
  it('text: the filtered top k equals the brute-force filter of the full ranking', () => {
    const full = snap.search('solar battery policy', { k: 120, includeStored: false }).filter((h) => allowed.has(h.id));
    const got = snap.query({ retrieve: [{ field: 'text', text: 'solar battery policy' }], filter: { where }, k: 10 }).hits;
    expect(got.map((h) => h.id)).toEqual(full.slice(0, 10).map((h) => h.id));
  });
  it('dense and sparse legs return only allowed documents, k of them when k exist', () => {
    for (const leg of [
      { field: 'emb', vector: [1, 0.2, 0.3] },
      { field: 'sp', sparse: { solar: 1, energy: 1 } },
    ]) {
      const r = snap.query({ retrieve: [leg], filter: { where }, k: 15 });
      expect(r.hits.length).toBe(Math.min(15, allowed.size));
      for (const h of r.hits) expect(allowed.has(h.id)).toBe(true);
    }
  });
});

describe('fusion, facets, explain', () => {
  it('RRF sums 1 / (60 + rank) over legs and reports each leg', () => {
    const r = snap.query({
      retrieve: [
        { field: 'text', text: 'wind turbine', k: 50 },
        { field: 'sp', sparse: { wind: 1 }, k: 50 },
      ],
      fuse: { method: 'rrf' },
      k: 5,
    });
    for (const h of r.hits) {
      const expected = h.legs.reduce((s, l) => s + (l.rank === null ? 0 : 1 / (60 + l.rank)), 0);
      expect(h.score).toBeCloseTo(expected, 12);
    }
    expect(r.hits[0]!.legs.length).toBe(2);
  });
  it('weighted fusion uses min-max normalized scores and leg weights', () => {
    const r = snap.query({
      retrieve: [
        { field: 'text', text: 'hydro', k: 20 },
        { field: 'emb', vector: [1, 1, 1], k: 20, weight: 0 },
      ],
      fuse: { method: 'weighted', normalize: 'minmax' },
      k: 3,
    });
    expect(r.hits[0]!.score).toBeCloseTo(1, 12);
  });
  it('CombMNZ multiplies the weighted sum by the number of legs that found the document', () => {
    const legs = [
      { field: 'text', text: 'hydro solar', k: 20 },
      { field: 'emb', vector: [1, 1, 1], k: 20 },
    ];
    const sum = snap.query({ retrieve: legs, fuse: { method: 'weighted', normalize: 'minmax' }, k: 40 });
    const mnz = snap.query({ retrieve: legs, fuse: { method: 'mnz', normalize: 'minmax' }, k: 40, explain: true });
    const byId = new Map(sum.hits.map((h) => [h.id, h.score]));
    expect(mnz.hits.length).toBe(sum.hits.length);
    for (const h of mnz.hits) expect(h.score).toBeCloseTo(byId.get(h.id)! * h.legs.filter((l) => l.rank !== null).length, 12);
    expect(String(mnz.hits[0]!.explain!.fusion)).toContain('CombMNZ');
  });
  it('counts facets over the filtered candidates and explains BM25 scores term by term', () => {
    const r = snap.query({ retrieve: [{ field: 'text', text: 'grid storage' }], facets: ['lang'], explain: true, k: 3 });
    const total = Object.values(r.facets!.lang!).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(r.total);
    const terms = (r.hits[0]!.explain!.legs as { bm25: { terms: { score: number }[] } }[])[0]!.bm25.terms;
    expect(Math.fround(terms.reduce((s, t) => s + t.score, 0))).toBe(r.hits[0]!.score);
  });
  it('offset pages through the fused list', () => {
    const all = snap.query({ retrieve: [{ field: 'text', text: 'energy solar' }], k: 20 }).hits.map((h) => h.id);
    const page = snap.query({ retrieve: [{ field: 'text', text: 'energy solar' }], k: 5, offset: 10 }).hits.map((h) => h.id);
    expect(page).toEqual(all.slice(10, 15));
  });
});

describe('legs in Lucene query syntax', () => {
  const where = { year: { gte: 2000 } };
  it('a structured leg takes the filter: its top k is the filtered full ranking', () => {
    const q = '"solar wind" OR (+battery -grid) energy^0.5';
    const full = snap
      .search(q, { k: 120, syntax: 'lucene', includeStored: false })
      .filter((h) => docs[Number(h.id.slice(1))]!.year >= 2000);
    expect(full.length).toBeGreaterThan(10);
    const got = snap.query({ retrieve: [{ field: 'text', text: q, syntax: 'lucene' }], filter: { where }, k: 10 }).hits;
    expect(got.map((h) => [h.id, h.score])).toEqual(full.slice(0, 10).map((h) => [h.id, h.score]));
    for (const h of snap.search('+battery -grid', { k: 120, syntax: 'lucene' })) expect(h.stored!.text).toMatch(/battery(?![\s\S]*grid)/);
  });
  it('explains a structured leg with the query as Lucene prints it', () => {
    const hit = snap.query({ retrieve: [{ field: 'text', text: '+solar "wind energy"', syntax: 'lucene' }], explain: true, k: 1 }).hits[0]!;
    expect((hit.explain!.legs as { bm25: unknown }[])[0]!.bm25).toMatchObject({ query: '+text:solar text:"wind energi"' });
  });
  it('names misplaced syntax', () => {
    expect(() => snap.query({ retrieve: [{ field: 'sp', sparse: { solar: 1 }, syntax: 'lucene' }] })).toThrow(
      /retrieve\[0\]\.syntax syntax says how text is read: give "text" with it/,
    );
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'solar', syntax: 'sql' as 'lucene' }] })).toThrow(/retrieve\[0\]\.syntax/);
    expect(() => snap.search('"solar', { syntax: 'lucene' })).toThrow(/^text: query syntax, column 1: this quote is not closed/);
    expect(() => snap.search('solar', { syntax: 'lucene', mode: 'fast' as 'auto' })).toThrow(
      /mode: mode must be "auto", "pruned" or "exhaustive", not "fast"/,
    );
  });
});

describe('structured queries built in code', () => {
  it('score as the same query written in Lucene syntax, and bad nodes are named', () => {
    const built = snap.searchTextQuery(
      {
        kind: 'bool',
        must: [{ kind: 'phrase', field: 'text', terms: ['grid', 'turbin'], offsets: [0, 1], slop: 0, boost: 1 }],
        should: [],
        mustNot: [{ kind: 'term', field: 'text', term: 'polici', boost: 1 }],
      },
      { k: 50, includeStored: false },
    );
    const written = snap.search('+"grid turbine" -policy', { syntax: 'lucene', k: 50, includeStored: false });
    expect(built.length).toBeGreaterThan(0);
    expect(built).toEqual(written);
    expect(() =>
      snap.searchTextQuery({ kind: 'bool', must: [{ kind: 'term', field: 'emb', term: 'x', boost: 1 }], should: [], mustNot: [] }),
    ).toThrow(/query\.must\[0\]: "emb" is not a text field/);
    expect(() => snap.searchTextQuery({ kind: 'phrase', field: 'text', terms: ['a'], offsets: [], slop: 0, boost: 1 })).toThrow(
      /a phrase needs terms and as many offsets/,
    );
    // multi-term nodes: as written, and checked
    const patterns = snap.searchTextQuery(
      {
        kind: 'bool',
        must: [],
        should: [
          { kind: 'wildcard', field: 'text', pattern: 'tur?in', boost: 2 },
          { kind: 'regexp', field: 'text', pattern: 'sol.*', boost: 1 },
          { kind: 'range', field: 'text', lower: 'grid', upper: null, includeLower: false, includeUpper: true, boost: 0.5 },
        ],
        mustNot: [],
      },
      { k: 50, includeStored: false },
    );
    expect(patterns).toEqual(snap.search('tur?in^2 /sol.*/ {grid TO *]^0.5', { syntax: 'lucene', k: 50, includeStored: false }));
    expect(patterns.length).toBeGreaterThan(0);
    expect(() => snap.searchTextQuery({ kind: 'regexp', field: 'text', pattern: 'a(b', boost: 1 })).toThrow(
      /query: regular expression \/a\(b\/, character 2: this "\(" is not closed/,
    );
    expect(() =>
      snap.searchTextQuery({
        kind: 'range',
        field: 'text',
        lower: 3 as unknown as string,
        upper: null,
        includeLower: true,
        includeUpper: true,
        boost: 1,
      }),
    ).toThrow(/lower must be a string or null/);
    expect(() => snap.searchTextQuery({ kind: 'regex' } as unknown as TextQuery)).toThrow(
      /kind must be "term", "phrase", "prefix", "wildcard", "regexp", "range", "all" or "bool", not "regex"/,
    );
  });
});
