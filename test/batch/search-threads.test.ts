// quarry run --threads: worker threads search parts of the queries with their own readers and
// give the hits one thread gives, in query order; a collection that changed under them stops the run.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { searchQueries, shareDenseQueries, type RunWorkerJob, type RunWorkerMessage } from '../../src/batch/search-threads.js';
import type { RunQuery, RunSearch } from '../../src/batch/batch-search.js';
import { buildCollection } from '../helpers/build-collection.js';
import { mixedDocument, mixedSchema } from '../helpers/mixed-documents.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const REPO = join(import.meta.dirname, '..', '..');
const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'rare'];

describe('quarry run --threads', () => {
  const c = buildCollection(
    root,
    Array.from({ length: 60 }, (_, i) => mixedDocument(i)),
    mixedSchema,
    { flushDocs: 13, maxSegments: 100 },
  );
  const snap = c.reader();
  const kinds: [string, RunSearch, RunQuery[]][] = [
    [
      'text',
      { kind: 'text', k: 7 },
      Array.from({ length: 40 }, (_, i) => ({ qid: `t${i}`, text: `${words[i % 7]} ${words[(i * 3) % 7]}` })),
    ],
    [
      'dense',
      { kind: 'dense', k: 5, field: 'emb' },
      Array.from({ length: 40 }, (_, i) => ({ qid: `v${i}`, vector: Float32Array.of(1, i / 40, (i % 3) / 3) })),
    ],
    [
      'sparse',
      { kind: 'sparse', k: 5, field: 'sp' },
      Array.from({ length: 40 }, (_, i) => ({
        qid: `s${i}`,
        sparse: new Map([
          [words[i % 7]!, 1],
          ['rare', i / 40],
        ]),
      })),
    ],
  ];

  /** Every batch searched by one worker alone (this thread takes none), as [id, score] per query. */
  async function workerAlone(search: RunSearch, queries: RunQuery[]): Promise<[string, number][][]> {
    const next = new Int32Array(new SharedArrayBuffer(4));
    // dense queries reach the worker as views of one shared buffer, as searchQueries sends them
    const job: RunWorkerJob = { dir: c.dir, generation: snap.generation, search, queries: shareDenseQueries(queries) as RunQuery[], next };
    const worker = new Worker(join(REPO, 'dist/batch/search-worker.js'), { workerData: job });
    const out: [string, number][][] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: RunWorkerMessage) => {
        if ('hits' in m) m.hits.forEach((h, i) => (out[m.from + i] = h.map((x) => [x.id, x.score])));
        else if ('finished' in m) resolve();
        else reject(new Error(m.error.message));
      });
      worker.on('error', reject);
    });
    await worker.terminate();
    return out;
  }

  it('moves dense query vectors into one shared buffer, values unchanged; other kinds stay as they are', () => {
    const dense = kinds[1]![2];
    const shared = shareDenseQueries(dense);
    const buffers = new Set(shared.map((q) => ('vector' in q ? q.vector.buffer : null)));
    expect(buffers.size).toBe(1);
    expect([...buffers][0]).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.map((q) => [q.qid, Array.from((q as { vector: Float32Array }).vector)])).toEqual(
      dense.map((q) => [q.qid, Array.from((q as { vector: Float32Array }).vector)]),
    );
    expect(shareDenseQueries(kinds[0]![2])).toBe(kinds[0]![2]);
  });

  for (const [name, search, queries] of kinds) {
    it(`${name}: a worker thread and three threads give the hits of one, in query order`, async () => {
      const one = (await searchQueries(snap, c.dir, search, queries, 1, () => {})).map((hits) => hits.map((h) => [h.id, h.score]));
      expect(one.every((hits) => hits.length > 0)).toBe(true);
      expect(await workerAlone(search, queries)).toEqual(one);
      const done: number[] = [];
      const three = await searchQueries(snap, c.dir, search, queries, 3, (n) => done.push(n));
      expect(three.map((hits) => hits.map((h) => [h.id, h.score]))).toEqual(one);
      expect(done.at(-1)).toBe(queries.length);
    });
  }

  it('stops when the collection is no longer at the generation the run opened', async () => {
    const other = buildCollection(root, [mixedDocument(1)], mixedSchema);
    const old = other.reader();
    const w = other.writer();
    w.add(mixedDocument(2));
    w.commit();
    w.close();
    await expect(searchQueries(old, other.dir, kinds[0]![1], kinds[0]![2], 2, () => {})).rejects.toThrow(
      /the collection changed during the run \(generation \d+, now \d+\); run it again/,
    );
    old.close();
  });

  it("reports a worker's error as the one thread would", async () => {
    const bad: RunSearch = { kind: 'dense', k: 5, field: 'nope' };
    const queries = kinds[1]![2];
    const inThread = await searchQueries(snap, c.dir, bad, queries, 1, () => {}).catch((e: Error) => e.message);
    await expect(searchQueries(snap, c.dir, bad, queries, 2, () => {})).rejects.toThrow(inThread as string);
  });
});
