import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema, type Snapshot } from '../../src/collection/index.js';
import { readSectionFile } from '../../src/io/section-file.js';
import { formatFixtureCorpus } from '../helpers/format-fixture-corpus.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/inverted-v3');
const root = tempDir();
const schema = parseSchema({
  id: '_id',
  fields: { text: { type: 'text', from: ['text'] }, bare: { type: 'text', from: ['text'], positions: false } },
  store: [],
});

/** The fixture's collection (format 3 files), copied so that writing to it leaves the fixture alone. */
function openFixture(name: string): Collection {
  const dir = join(root, name);
  cpSync(FIXTURE, dir, { recursive: true });
  return Collection.open(dir);
}

/** The same documents indexed now, in the same segments. */
function rebuild(name: string): Collection {
  const c = Collection.create(join(root, name), schema);
  const w = c.writer({ flushDocs: 600 });
  for (const d of formatFixtureCorpus()) w.add(d);
  w.commit();
  w.close();
  return c;
}

const QUERIES: [string, 'terms' | 'lucene', string[]?][] = [
  ['w0 w1', 'terms'],
  ['w5 wa once7 once700', 'terms'],
  ['w2 w3 w4 w9 wz', 'terms', ['bare']],
  ['"w0 w1"', 'lucene', ['text']],
  ['"w1 w0"~3 +w2', 'lucene', ['text']],
  ['w1* -w0', 'lucene'],
  ['/w[0-3]/ AND w7', 'lucene'],
  ['once* w4', 'lucene', ['bare']],
  ['+w0 +w1 +w2', 'lucene', ['bare']],
];

function results(r: Snapshot): [string, number][][] {
  return QUERIES.map(([q, syntax, fields]) => r.search(q, { k: 20, syntax, ...(fields ? { fields } : {}) }).map((h) => [h.id, h.score]));
}

describe('inverted fields written by format version 3', () => {
  it('are still read by this version and search exactly as a fresh index of the same documents', () => {
    const old = openFixture('read');
    const file = join(old.dir, 'seg-1', 'text.inv');
    expect(readSectionFile(file, 'INVF', 99).version).toBe(3);
    const want = results(rebuild('fresh').reader());
    expect(want.every((list) => list.length > 0)).toBe(true);
    expect(results(old.reader())).toEqual(want);
    // ids and stored records of format 1 (8-byte offsets; "{}" for nothing stored)
    expect(
      old
        .reader()
        .search('w0', { k: 3 })
        .map((h) => [h.id.startsWith('d'), h.stored]),
    ).toEqual([
      [true, {}],
      [true, {}],
      [true, {}],
    ]);
  });

  it('merge into the current format without changing any result', () => {
    const old = openFixture('merge');
    const want = results(old.reader());
    const w = old.writer();
    w.optimize();
    w.close();
    const merged = old.reader();
    expect(merged.segments.length).toBe(1);
    expect(results(merged)).toEqual(want);
  });
});
