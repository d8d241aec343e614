import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEIR_FLAT_SCHEMA, Collection, parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const DOCS = [
  { _id: 'a', title: 'Okapi BM25', text: 'BM25 is a bag-of-words ranking function used by search engines.' },
  { _id: 'b', title: 'Vector space model', text: 'Documents and queries are vectors; cosine similarity ranks them.' },
  { _id: 'c', title: 'Inverted index', text: 'An inverted index maps terms to the documents that contain them, for search engines.' },
];

describe('Collection', () => {
  it('indexes, commits, reopens and searches with stored fields', () => {
    const c = buildCollection(root, DOCS);
    const again = Collection.open(c.dir).reader();
    expect(again.numDocs).toBe(3);
    const hits = again.search('search engines ranking', { k: 2 });
    expect(hits.map((h) => h.id)).toEqual(['a', 'c']);
    expect(hits[0]!.stored).toEqual({ title: 'Okapi BM25', text: DOCS[0]!.text });
    expect(again.search('zebra')).toEqual([]);
  });

  it('create() finishes a create that was killed before its first manifest, but refuses a folder with other files', () => {
    const dir = join(root, 'interrupted-create');
    mkdirSync(dir);
    writeFileSync(join(dir, 'manifest-1.json.tmp-4242'), '{"form');
    const c = Collection.create(dir, BEIR_FLAT_SCHEMA);
    expect(readdirSync(dir)).toEqual(['LATEST', 'manifest-1.json']);
    expect(c.reader().numDocs).toBe(0);
    const other = join(root, 'not-empty');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    expect(errorOf(() => Collection.create(other, BEIR_FLAT_SCHEMA)).message).toMatch(
      /not-empty: folder is not empty \(use a new or empty folder\)/,
    );
  });

  it('keeps earlier generations readable and adds new segments on later commits', () => {
    const c = buildCollection(root, DOCS.slice(0, 2));
    const before = c.reader();
    const w = c.writer();
    w.add(DOCS[2]!);
    w.commit();
    w.close();
    expect(before.numDocs).toBe(2); // an open snapshot does not change
    const after = c.reader();
    expect(after.numDocs).toBe(3);
    expect(after.segments.length).toBe(2);
    expect(after.search('inverted')[0]!.id).toBe('c');
  });

  it('uses collection-wide statistics across segments, like one Lucene index', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ _id: `d${i}`, text: `term${i % 7} shared words ${i % 3 === 0 ? 'rare' : ''}` }));
    const one = buildCollection(root, many).reader();
    const split = buildCollection(root, many, BEIR_FLAT_SCHEMA, { flushDocs: 13 }).reader();
    expect(split.segments.length).toBe(5);
    for (const q of ['rare shared', 'term3 words', 'term1 rare term2']) {
      expect(split.search(q, { k: 20, includeStored: false }).map((h) => [h.id, h.score])).toEqual(
        one.search(q, { k: 20, includeStored: false }).map((h) => [h.id, h.score]),
      );
    }
  });

  it('reports info: documents, segments, fields, sizes', () => {
    const info = buildCollection(root, DOCS).info();
    expect(info.documents).toBe(3);
    expect(info.segments).toHaveLength(1);
    expect(info.fields[0]).toMatchObject({ name: 'contents', type: 'text' });
    expect(info.fields[0]!.terms).toBeGreaterThan(10);
    expect(info.bytes).toBeGreaterThan(0);
  });

  it('supports multi-field schemas with metadata columns and field boosts', () => {
    const schema = parseSchema({
      fields: {
        title: { type: 'text' },
        body: { type: 'text', from: ['text'], analyzer: 'english-nostem', k1: 1.2, b: 0.75 },
        year: { type: 'number' },
        tags: { type: 'keyword' },
        open: { type: 'boolean' },
      },
    });
    const c = buildCollection(
      root,
      [
        { _id: '1', title: 'Ranking', text: 'bm25 ranking', year: 1994, tags: ['ir', 'classic'], open: true },
        { _id: '2', title: 'Other', text: 'ranking ranking ranking', year: 2020 },
      ],
      schema,
    );
    const r = c.reader();
    expect(r.search('ranking', { fields: ['title'] }).map((h) => h.id)).toEqual(['1']);
    expect(r.search('ranking', { fields: { body: 1 } })[0]!.id).toBe('2');
    const cols = r.segments[0]!.columns!;
    expect(Array.from(cols.numbers.get('year')!)).toEqual([1994, 2020]);
    expect(Array.from(cols.booleans.get('open')!)).toEqual([1, 2]);
    expect(cols.keywords.get('tags')!.values).toEqual(['ir', 'classic']);
    expect(() => r.search('x', { fields: ['year'] })).toThrow(/"year" is not a text field/);
  });
});

describe('bad input', () => {
  it.each([
    [{ title: 'no id' }, /document has no id/],
    [{ _id: 'x', title: 'T', color: 'red' }, /color: unknown field/],
    [{ _id: 'x', title: 42 }, /title: expected a string, found number 42/],
    [{ _id: 'a', title: 'dup' }, /duplicate document id "a"/],
  ])('%j is rejected with a clear message', (doc, message) => {
    const c = buildCollection(root, DOCS);
    const w = c.writer();
    try {
      const e = errorOf(() => w.add(doc as Record<string, unknown>, { file: 'corpus.jsonl', line: 7 }));
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/^corpus\.jsonl:7: /);
    } finally {
      w.close();
    }
  });

  it('rejects a duplicate id within one batch', () => {
    const c = buildCollection(root, []);
    const w = c.writer();
    w.add({ _id: 'q', text: 'one' });
    expect(() => w.add({ _id: 'q', text: 'two' })).toThrow(/duplicate document id "q"/);
    w.close();
  });

  it.each([
    [{ fields: {} }, /fields: a schema needs at least one field/],
    [{ fields: { t: { type: 'text', analyzer: 'klingon' } } }, /fields\.t\.analyzer: unknown analyzer "klingon"/],
    [{ fields: { t: { type: 'vector' } } }, /fields\.t/],
    [{ fields: { t: { type: 'text', b: 3 } } }, /fields\.t\.b/],
    [{ fields: { t: { type: 'text' } }, colour: 1 }, /Unrecognized key/],
  ])('schema %j is rejected naming the path', (schema, message) => {
    const e = errorOf(() => parseSchema(schema, 'schema.json'));
    expect(e.code).toBe('BAD_SCHEMA');
    expect(e.message).toMatch(/^schema\.json: /);
    expect(e.message).toMatch(message);
  });

  it('uncommitted documents are invisible and aborting removes their segment folders', () => {
    const c = buildCollection(root, DOCS);
    const listing = readdirSync(c.dir).sort();
    const w = c.writer();
    w.add({ _id: 'z', text: 'new' });
    w.flush();
    expect(c.reader().numDocs).toBe(3);
    w.abort();
    expect(readdirSync(c.dir).sort()).toEqual(listing);
  });

  it('refuses a second writer while one holds the lock', () => {
    const c = buildCollection(root, DOCS);
    const w = c.writer();
    expect(errorOf(() => c.writer()).code).toBe('LOCKED');
    w.close();
    c.writer().close();
  });

  it('detects a flipped byte in any data file and names the file', () => {
    const c = buildCollection(root, DOCS);
    const seg = join(c.dir, 'seg-1');
    for (const f of readdirSync(seg)) {
      const p = join(seg, f);
      const original = readFileSync(p);
      const damaged = Buffer.from(original);
      const at = Math.floor(damaged.length * 0.7);
      damaged[at] = damaged[at]! ^ 0x10;
      writeFileSync(p, damaged);
      const e = errorOf(() => c.reader());
      expect(e.code).toBe('CORRUPT');
      expect(e.message).toContain(p);
      writeFileSync(p, original);
    }
    expect(c.reader().numDocs).toBe(3);
  });

  it('reports a truncated file by size before reading it', () => {
    const c = buildCollection(root, DOCS);
    const p = join(c.dir, 'seg-1', 'stored.bin');
    const original = readFileSync(p);
    writeFileSync(p, original.subarray(0, original.length - 5));
    expect(errorOf(() => c.reader()).message).toMatch(/size is .* bytes/);
    writeFileSync(p, original);
    expect(statSync(p).size).toBe(original.length);
  });

  it('opening a folder that is not a collection says so', () => {
    expect(errorOf(() => Collection.open(root)).message).toMatch(/not a Quarry collection/);
  });
});
