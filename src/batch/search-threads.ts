/**
 * `quarry run --threads N`: this thread and N - 1 worker threads, each with
 * its own reader of the collection, take batches of queries from one shared
 * counter until none are left (as Anserini's `-threads` runs topics on a
 * thread pool), so faster threads take more and nobody waits for a fixed
 * share. Every worker must open the generation this thread opened (a commit
 * in between stops the run); hits are stored by query position, so the run
 * file is the same for any N.
 */
import { compiledWorkerScript } from '../io/worker-script.js';
import { Worker } from 'node:worker_threads';
import type { Hit, Snapshot } from '../collection/index.js';
import { QuarryError, type QuarryErrorCode } from '../core/quarry-error.js';
import { searchOne, type RunQuery, type RunSearch } from './batch-search.js';

/** Queries per batch taken from the shared counter: small enough to balance, large enough that taking one costs nothing. */
const RUN_BATCH = 8;

/** What each worker is given. */
export interface RunWorkerJob {
  dir: string;
  generation: number;
  search: RunSearch;
  queries: RunQuery[];
  /** next[0]: the next batch to take (Atomics.add), shared by all threads. */
  next: Int32Array;
}

/** What a worker posts: a batch's hits, that it has taken the last batch, or the error that stopped it. */
export type RunWorkerMessage =
  | { from: number; hits: { id: string; score: number }[][] }
  | { finished: true }
  | { error: { code: QuarryErrorCode | null; message: string } };

/** The compiled worker script (search-worker.js), or null when only sources exist. */
function workerScript(): URL | null {
  return compiledWorkerScript(import.meta.url, 'search-worker.js');
}

/** Takes batches from `next` until none are left, searching each; `onBatch` gets each batch's first position and hits. */
export function takeBatches(
  snap: Snapshot,
  search: RunSearch,
  queries: readonly RunQuery[],
  next: Int32Array,
  onBatch: (from: number, hits: Hit[][]) => boolean | void,
): void {
  for (;;) {
    const from = Atomics.add(next, 0, 1) * RUN_BATCH;
    if (from >= queries.length) return;
    const hits: Hit[][] = [];
    for (let q = from; q < Math.min(queries.length, from + RUN_BATCH); q++) hits.push(searchOne(snap, search, queries[q]!));
    if (onBatch(from, hits) === false) return;
  }
}

/**
 * The queries with their dense vectors moved into one SharedArrayBuffer: a typed array
 * on shared memory reaches a worker as a view of the same memory, so the workers share
 * one copy of a large dense query set instead of each cloning it. Other kinds are
 * returned as they are.
 */
export function shareDenseQueries(queries: readonly RunQuery[]): readonly RunQuery[] {
  let floats = 0;
  for (const q of queries) {
    if (!('vector' in q)) return queries;
    floats += q.vector.length;
  }
  const shared = new Float32Array(new SharedArrayBuffer(4 * floats));
  let at = 0;
  return queries.map((q) => {
    const v = (q as { vector: Float32Array }).vector;
    shared.set(v, at);
    const view = shared.subarray(at, (at += v.length));
    return { qid: q.qid, vector: view };
  });
}

/**
 * Searches every query, in this thread and `threads` - 1 workers when
 * `threads` > 1 (and the worker script is there), else in this thread alone;
 * `onDone` hears how many queries are done. Returns each query's hits, in
 * query order.
 */
export async function searchQueries(
  snap: Snapshot,
  dir: string,
  search: RunSearch,
  queries: readonly RunQuery[],
  threads: number,
  onDone: (done: number) => void,
): Promise<Hit[][]> {
  const n = queries.length;
  const results = new Array<Hit[]>(n);
  const next = new Int32Array(new SharedArrayBuffer(4));
  let done = 0;
  const store = (from: number, hits: Hit[][]): void => {
    hits.forEach((h, i) => (results[from + i] = h));
    done += hits.length;
    onDone(done);
  };
  const script = threads > 1 && n > RUN_BATCH ? workerScript() : null;
  if (script === null) {
    takeBatches(snap, search, queries, next, store);
    return results;
  }
  let failure: Error | null = null;
  // the first error stops every thread: no batches are left to take
  const stop = (e: Error): void => {
    failure ??= e;
    Atomics.store(next, 0, Math.ceil(n / RUN_BATCH) + 1);
  };
  const workerQueries = shareDenseQueries(queries) as RunQuery[];
  const workers = Array.from({ length: threads - 1 }, () => {
    const job: RunWorkerJob = { dir, generation: snap.generation, search, queries: workerQueries, next };
    const worker = new Worker(script, { workerData: job });
    return new Promise<void>((resolve) => {
      let ended = false;
      const end = (e: Error | null): void => {
        if (ended) return;
        ended = true;
        if (e !== null) stop(e);
        resolve();
      };
      worker.on('message', (m: RunWorkerMessage) => {
        if ('hits' in m) {
          // the doc numbers of another thread's reader mean nothing here; runs need ids and scores
          store(
            m.from,
            m.hits.map((hits) => hits.map((h) => ({ id: h.id, score: h.score, doc: -1 }))),
          );
        } else if ('finished' in m) end(null);
        else end(m.error.code === null ? new Error(m.error.message) : new QuarryError(m.error.code, m.error.message));
      });
      worker.on('error', (e) => end(e));
      worker.on('exit', (code) => end(new Error(`a search thread exited with code ${code} before it finished`)));
    }).finally(() => void worker.terminate());
  });
  // This thread searches too, one batch at a time, yielding between batches so the workers' results come in.
  try {
    for (;;) {
      let more = false;
      takeBatches(snap, search, queries, next, (from, hits) => {
        store(from, hits);
        more = true;
        return false;
      });
      if (!more || failure !== null) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    stop(e as Error);
  }
  await Promise.all(workers);
  if (failure !== null) throw failure;
  return results;
}
