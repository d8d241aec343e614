// Requests whose cost grew without bound, refused or answered in bounded time (issue:
// reliability and security, findings 1, 5, 8 and 10): nested counted repetitions in a
// regular expression, a spec nested thousands of levels deep, ids that cannot be
// stored as given, and a plain file in the server's data folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { errorOf } from '../helpers/errors.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { Where } from '../../src/search/where.js';

const dir = tempDir();
const words = Array.from({ length: 3000 }, (_, i) => `${'a'.repeat(1 + (i % 40))}${i.toString(36)}`);
const collection = buildCollection(
  dir,
  Array.from({ length: 300 }, (_, d) => ({ _id: `d${d}`, title: '', text: words.slice(d * 10, d * 10 + 10).join(' ') })),
);
const snap = collection.reader();

function deepNot(levels: number): unknown {
  let w: unknown = { lang: 'en' };
  for (let i = 0; i < levels; i++) w = { not: w };
  return w;
}

describe('bounded work', () => {
  it.each(['/((a{1,1000}){1,1000}){1,1000}/', '/(a{1,1000}){1,1000}/', '/a{1,1000}/'])(
    'a regular expression %s answers or is refused within seconds',
    (pattern) => {
      const started = performance.now();
      let error: unknown = null;
      try {
        snap.search(pattern, { syntax: 'lucene' });
      } catch (e) {
        error = e;
      }
      // seconds, not minutes: about 3.4 s alone here, over 5 s with the whole suite on two cores
      expect(performance.now() - started).toBeLessThan(10_000);
      if (error !== null) expect((error as Error).message).toMatch(/is too complex: the pattern needs more than/);
    },
    20_000,
  );

  it('refuses a spec nested deeper than any filter needs, naming it, instead of overflowing the stack', () => {
    const e = errorOf(() => snap.query({ retrieve: [{ field: 'contents', text: 'a' }], filter: { where: deepNot(5000) as Where } }));
    expect(e.code).toBe('BAD_ARGUMENT');
    expect(e.message).toContain('spec: nests more than 64 levels deep');
    // a filter of ordinary depth still runs
    expect(() => snap.query({ retrieve: [{ field: 'contents', text: 'aa' }] })).not.toThrow();
  });

  it('refuses a million-term sparse query or a million-component vector before validating it (which alone took seconds)', () => {
    const sparse = Object.fromEntries(Array.from({ length: 1_000_000 }, (_, i) => [`t${i}`, 1]));
    const vector = new Array<number>(1_000_000).fill(0.5);
    const started = performance.now();
    expect(errorOf(() => snap.query({ retrieve: [{ field: 'sp', sparse }] })).message).toBe(
      'retrieve[0].sparse: holds more than 10,000 terms (keep the query’s strongest terms)',
    );
    expect(errorOf(() => snap.query({ retrieve: [{ field: 'emb', vector }] })).message).toBe(
      'retrieve[0].vector: has 1000000 components; a field has at most 65536',
    );
    // validating the sparse one took 6.6 s here; the refusal counts keys only (about 0.4 s)
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('refuses ids that could not be stored as given or would break a run line', () => {
    const c = Collection.create(join(dir, 'ids'), parseSchema({ fields: { text: { type: 'text' } } }));
    const w = c.writer();
    for (const id of ['\udc00', 'x\udbff', 'a b', 'a\tb', 'a\nb', 'a\u0000b'])
      expect(errorOf(() => w.add({ _id: id, text: 'x' })).message).toMatch(
        /_id: id ".*" holds (half of a surrogate pair|white space or a control character)/,
      );
    w.add({ _id: '\ud83d\ude00-emoji', text: 'x' });
    w.commit();
    w.close();
    expect(
      c
        .reader()
        .search('x')
        .map((h) => h.id),
    ).toEqual(['\ud83d\ude00-emoji']);
  });
});

describe('the server', async () => {
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'README.txt'), 'not a collection\n');
  const t = await startTestServer({ dataDir: data });

  it('serves a data folder that holds a plain file', async () => {
    expect((await t.call('GET', '/health')).status).toBe(200);
    const list = await t.call('GET', '/v1/collections');
    expect(list.status).toBe(200);
    expect((await t.call('GET', '/v1/collections/nope')).status).toBe(404);
  });

  it('lists a damaged collection with what is wrong, beside the healthy ones', async () => {
    await t.call('PUT', '/v1/collections/good', { schema: { fields: { text: { type: 'text' } } } });
    // made on disk, not through the server, and damaged before the server opens it
    Collection.create(join(data, 'bad'), parseSchema({ fields: { text: { type: 'text' } } }));
    writeFileSync(join(data, 'bad', 'manifest-1.json'), '{"format": 1, "generation": 1');
    const list = await t.call('GET', '/v1/collections');
    expect(list.status).toBe(200);
    const byName = new Map((list.json.collections as { name: string; error?: { code: string } }[]).map((c) => [c.name, c]));
    expect(byName.get('good')?.error).toBeUndefined();
    expect(byName.get('bad')?.error?.code).toBe('CORRUPT');
  });

  it('answers a deeply nested request with 400, not 500', async () => {
    await t.call('PUT', '/v1/collections/c', { schema: { fields: { text: { type: 'text' }, lang: { type: 'keyword' } } } });
    const r = await t.call('POST', '/v1/collections/c/search', {
      retrieve: [{ field: 'text', text: 'x' }],
      filter: { where: deepNot(3000) },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/nests more than 64 levels deep/);
  });
});
