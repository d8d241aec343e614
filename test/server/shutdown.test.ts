// Graceful shutdown of `quarry serve`: on SIGTERM the server finishes the
// request in flight, commits writes that were waiting for a commit, releases
// the lock and exits 0. Runs the built CLI in a child process.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collection } from '../../src/collection/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

describe('quarry serve shutdown', () => {
  it('finishes in-flight requests and commits pending writes on SIGTERM', async () => {
    const data = join(tempDir('quarry-shutdown-'), 'data');
    const child = spawn(process.execPath, [CLI, 'serve', data, '--with-cacm', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) done(m[1]!);
      });
      child.on('exit', () => fail(new Error(`server exited early: ${out}`)));
    });
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const added = await post('/v1/collections/cacm/documents', {
      documents: [
        { _id: 'new-1', title: 'Shutdown', text: 'graceful shutdown commits' },
        { _id: 'new-2', title: '', text: 'pending write' },
      ],
    });
    expect(await added.json()).toMatchObject({ added: 2, uncommitted: true });

    const queries = Array.from({ length: 2500 }, (_, i) => ({
      id: `q${i}`,
      text: `parsing algorithm ${i % 50} compiler storage allocation`,
    }));
    const inFlight = post('/v1/collections/cacm/run', { queries, k: 1000 });
    await new Promise((r) => setTimeout(r, 150));
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { queries: number }).queries).toBe(2500);
    expect(await exited).toBe(0);
    expect(out).toContain('finishing in-flight requests and committing');

    const c = Collection.open(join(data, 'cacm'));
    const snap = c.reader();
    expect(snap.numDocs).toBe(3204 + 2);
    expect(snap.search('graceful shutdown').map((h) => h.id)).toContain('new-1');
    // The lock was released: a new writer can open.
    c.writer().close();
  }, 60_000);
});
