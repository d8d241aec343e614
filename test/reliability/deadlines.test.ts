// Searches run under a deadline (issue: reliability and security, finding 6): a filter of
// hundreds of thousands of clauses, or fuzzy words over a large vocabulary, stop with
// TIMEOUT near the time allowed; the server answers 503 and stays healthy; an `in` of a
// million values is answered quickly (a set, not a list scan per document).
import { describe, expect, it } from 'vitest';
import { type Collection, parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { errorOf } from '../helpers/errors.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { quarry } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const schema = parseSchema({ fields: { text: { type: 'text' }, tag: { type: 'keyword' } } });
const docs = Array.from({ length: 20_000 }, (_, i) => ({
  _id: `d${i}`,
  text: `w${i} w${(i * 7) % 5000} shared ${i.toString(36)}x${(i * 13).toString(36)}`,
  tag: `t${i % 1000}`,
}));
const dir = tempDir();
const collection: Collection = buildCollection(dir, docs, schema, { flushDocs: 5000 });
const snap = collection.reader();
const hugeOr = { or: Array.from({ length: 200_000 }, (_, i) => ({ tag: `t${i}` })) };
const longOr = { or: Array.from({ length: 10_000 }, (_, i) => ({ tag: `t${i}` })) };

describe('deadlines', () => {
  it('refuses a filter of 200,000 conditions at once, and stops one of 10,000 with TIMEOUT near the time allowed', () => {
    let started = performance.now();
    const big = errorOf(() => snap.query({ retrieve: [{ field: 'text', text: 'shared' }], filter: { where: hugeOr } }));
    expect(big.code).toBe('BAD_ARGUMENT');
    expect(big.message).toContain('filter.where: holds more than 10,000 conditions');
    expect(performance.now() - started).toBeLessThan(1000);
    started = performance.now();
    const e = errorOf(() => snap.query({ retrieve: [{ field: 'text', text: 'shared' }], filter: { where: longOr } }, { timeoutMs: 200 }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toMatch(/ran past its 200 ms deadline/);
    // validating 10,000 conditions comes before the deadline; it was 44 s for 200,000 clauses before
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('stops many fuzzy words over a large vocabulary', () => {
    const fuzzy = Array.from({ length: 400 }, (_, i) => `w${i * 11}x~2`).join(' ');
    const e = errorOf(() => snap.query({ retrieve: [{ field: 'text', text: fuzzy, syntax: 'lucene' }] }, { timeoutMs: 50 }));
    expect(e.code).toBe('TIMEOUT');
  });

  it('answers an `in` of a million values quickly, and a query without a deadline as before', { timeout: 40_000 }, () => {
    const many = Array.from({ length: 1_000_000 }, (_, i) => `t${i}`);
    const started = performance.now();
    const r = snap.query(
      { retrieve: [{ field: 'text', text: 'shared' }], filter: { where: { tag: { in: many } } }, k: 3 },
      // under a loaded test run (Node 24, two test files at once) this has taken over 5 s; alone it takes under 1 s
      { timeoutMs: 30_000 },
    );
    expect(r.hits).toHaveLength(3);
    // a list scan per document (what it was) takes minutes here
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(snap.query({ retrieve: [{ field: 'text', text: 'shared' }], k: 2 }).hits).toHaveLength(2);
  });

  it('the server answers such a search 503 within its timeout and stays healthy', async () => {
    const data = tempDir();
    const t = await startTestServer({ dataDir: data, timeoutMs: 1000 });
    await t.call('PUT', '/v1/collections/c', { schema: { fields: { text: { type: 'text' }, tag: { type: 'keyword' } } } });
    await t.call('POST', '/v1/collections/c/documents', { documents: docs.slice(0, 5000), commit: true });
    const started = performance.now();
    const big = await t.call('POST', '/v1/collections/c/search', {
      retrieve: [{ field: 'text', text: 'shared' }],
      filter: { where: hugeOr },
    });
    expect(big.status).toBe(400);
    const r = await t.call('POST', '/v1/collections/c/search', {
      retrieve: [{ field: 'text', text: 'shared' }],
      filter: { where: longOr },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(503);
    expect(r.json.error.code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(15_000);
    expect((await t.call('GET', '/health')).status).toBe(200);
  }, 30_000);

  it('quarry search and quarry run stop a query at --timeout, with exit 75 and the reason', () => {
    const fuzzy = Array.from({ length: 400 }, (_, i) => `w${i * 11}x~2`).join(' ');
    const search = quarry(['search', collection.dir, fuzzy, '--syntax', 'lucene', '--timeout', '50']);
    expect(search.status, search.stderr).toBe(75);
    expect(search.stderr).toMatch(/ran past its 50 ms deadline/);
    const queries = join(tempDir(), 'q.tsv');
    writeFileSync(queries, `q1\tshared\nq2\t${fuzzy}\n`);
    const run = quarry([
      'run',
      collection.dir,
      '--queries',
      queries,
      '--syntax',
      'lucene',
      '--timeout',
      '50',
      '--output',
      join(tempDir(), 'r.run'),
      '--quiet',
    ]);
    expect(run.status).toBe(75);
    expect(run.stderr).toMatch(/ran past its 50 ms deadline/);
    // the default deadline does not stop an ordinary search
    expect(quarry(['search', collection.dir, 'shared', '-k', '2']).status).toBe(0);
  }, 60_000);
});
