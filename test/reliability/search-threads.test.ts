// Searches run on search threads (issue: reliability and security, "the server stays
// responsive while a bad request is being cut off"): /health answers at once while a
// search runs to its deadline; a search that does not stop at its deadline has its thread
// stopped and replaced; with --search-threads 0 searches and batches still work.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SearchThreadPool } from '../../src/server/search-threads/search-thread-pool.js';
import { parseQuerySpec } from '../../src/search/query-spec.js';
import { isQuarryError } from '../../src/core/quarry-error.js';
import { resolveServerOptions } from '../../src/server/server-context.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const SCHEMA = { fields: { text: { type: 'text' }, tag: { type: 'keyword' } } };
const docs = Array.from({ length: 5000 }, (_, i) => ({ _id: `d${i}`, text: `w${i} shared ${i.toString(36)}`, tag: `t${i % 1000}` }));
// quick to validate on the request thread, seconds to run on the search thread: every word expands
// over the vocabulary, and the filter's 10,000 conditions are evaluated
const fuzzy = Array.from({ length: 1000 }, (_, i) => `w${i * 7}x~2`).join(' ');
const longOr = { or: Array.from({ length: 10_000 }, (_, i) => ({ tag: `t${i}` })) };

describe('search threads', () => {
  it('answer /health at once while a search runs to its deadline', async () => {
    const t = await startTestServer({ dataDir: tempDir(), timeoutMs: 2000 });
    expect(t.server.context.searchThreads?.size).toBe(1);
    await t.call('PUT', '/v1/collections/c', { schema: SCHEMA });
    await t.call('POST', '/v1/collections/c/documents', { documents: docs, commit: true });
    const ok = await t.call('POST', '/v1/collections/c/search', { retrieve: [{ field: 'text', text: 'w7' }] });
    expect(ok.json.hits[0].id).toBe('d7');
    const started = performance.now();
    const slow = t.call('POST', '/v1/collections/c/search', {
      retrieve: [
        { field: 'text', text: fuzzy, syntax: 'lucene' },
        { field: 'text', text: fuzzy.replace(/x~2/g, 'y~2'), syntax: 'lucene' },
      ],
      filter: { where: longOr },
    });
    await new Promise((r) => setTimeout(r, 300));
    const health = await t.call('GET', '/health');
    const healthAt = performance.now() - started;
    const write = await t.call('POST', '/v1/collections/c/documents', { documents: [{ _id: 'new', text: 'fresh' }], commit: true });
    const answered = await slow;
    const slowAt = performance.now() - started;
    expect(health.status).toBe(200);
    expect(write.status).toBe(200);
    expect(answered.status, JSON.stringify(answered.json)).toBe(503);
    expect(answered.json.error.code).toBe('TIMEOUT');
    // /health did not wait for the search (which ran to its 2 s deadline)
    expect(healthAt).toBeLessThan(slowAt - 1000);
    // the write is searchable at once: the thread moves to the committed generation
    const fresh = await t.call('POST', '/v1/collections/c/search', { retrieve: [{ field: 'text', text: 'fresh' }] });
    expect(fresh.json.hits.map((h: { id: string }) => h.id)).toEqual(['new']);
    expect(fresh.json.generation).toBe(write.json.generation);
  }, 30_000);

  it('stop a thread whose search does not stop at its deadline, and start another', async () => {
    const script = pathToFileURL(join(import.meta.dirname, '../fixtures/search-threads/spinning-thread.mjs'));
    const pool = SearchThreadPool.start(1, script)!;
    try {
      const job = (text: string): Parameters<SearchThreadPool['search']>[0] => ({
        collectionKey: 'c#1',
        dir: '/nowhere',
        minGeneration: 4,
        requestTimeoutMs: 200,
        request: { kind: 'search', spec: parseQuerySpec({ retrieve: [{ field: 'text', text }] }), stored: false, highlight: false },
      });
      const started = performance.now();
      const stuck = pool.search(job('spin'), performance.now() + 200);
      const waiting = pool.search(job('fine'), performance.now() + 5000); // queued behind the stuck one
      const e = await stuck.then(
        () => null,
        (err: unknown) => err as { status: number; code: string },
      );
      expect(e?.status).toBe(503);
      expect(e?.code).toBe('TIMEOUT');
      expect(performance.now() - started).toBeLessThan(3000);
      expect(pool.restarts).toBe(1);
      expect((await waiting).generation).toBe(4);
      // a job whose deadline passes while it waits is refused without running
      const blocked = pool.search(job('spin'), performance.now() + 100).catch((err: unknown) => err as { code: string });
      const lateJob = pool.search(job('fine'), performance.now() + 50).catch((err: unknown) => err as { code: string });
      const after = pool.search(job('fine'), performance.now() + 5000); // queued behind the late one, on the same thread
      expect(((await lateJob) as { code: string }).code).toBe('TIMEOUT');
      expect((await after).generation).toBe(4);
      expect(((await blocked) as { code: string }).code).toBe('TIMEOUT');
      expect(pool.restarts).toBe(2);
    } finally {
      await pool.close();
    }
    const closed = await pool.search({} as Parameters<SearchThreadPool['search']>[0], performance.now() + 100).catch((err: unknown) => err);
    expect((closed as { code: string }).code).toBe('SHUTTING_DOWN');
  }, 30_000);

  it('send library errors back with their code, place and hint', async () => {
    const t = await startTestServer({ dataDir: tempDir() });
    await t.call('PUT', '/v1/collections/c', { schema: SCHEMA });
    const r = await t.call('POST', '/v1/collections/c/search', { retrieve: [{ field: 'nope', text: 'x' }] });
    expect(r.status).toBe(400);
    expect(r.json.error.path).toBeDefined();
    expect(r.json.error.message).toContain('nope');
    expect(r.json.error.hint).toBeDefined();
  });

  it('with --search-threads 0, search and batches run on the request thread', async () => {
    const t = await startTestServer({ dataDir: tempDir(), searchThreads: 0 });
    expect(t.server.context.searchThreads).toBeNull();
    await t.call('PUT', '/v1/collections/c', { schema: SCHEMA });
    await t.call('POST', '/v1/collections/c/documents', { documents: docs.slice(0, 50), commit: true });
    const one = await t.call('POST', '/v1/collections/c/search?highlight=true', { retrieve: [{ field: 'text', text: 'w3' }] });
    expect(one.json.hits[0].id).toBe('d3');
    expect(one.json.hits[0].highlights).toBeDefined();
    const run = await t.call(
      'POST',
      '/v1/collections/c/run',
      { queries: [{ id: 'q1', text: 'w4' }], k: 3 },
      { accept: 'application/x-ndjson' },
    );
    expect(JSON.parse(run.text.split('\n')[0]!).hits[0].id).toBe('d4');
  });

  it('refuses a thread count that is not a whole number from 0 to 256', () => {
    for (const searchThreads of [-1, 1.5, 257]) {
      const e = (() => {
        try {
          resolveServerOptions({ dataDir: tempDir(), searchThreads });
          return null;
        } catch (err) {
          return err;
        }
      })();
      expect(isQuarryError(e) && e.code === 'BAD_ARGUMENT' && e.message.startsWith('searchThreads:')).toBe(true);
    }
  });
});
