/** Worker-thread entry of `quarry run --threads` (see run-threads.ts): searches batches of queries until none are left. */
import { parentPort, workerData } from 'node:worker_threads';
import { Collection } from '../collection/index.js';
import { isQuarryError } from '../core/quarry-error.js';
import { takeBatches, type RunWorkerJob, type RunWorkerMessage } from './search-threads.js';

const job = workerData as RunWorkerJob;
const post = (m: RunWorkerMessage): void => parentPort!.postMessage(m);
try {
  // the command has verified the checksums of this generation already
  const snap = Collection.open(job.dir).reader({ verifyChecksums: false });
  try {
    if (snap.generation !== job.generation) {
      post({
        error: {
          code: 'IO',
          message: `${job.dir}: the collection changed during the run (generation ${job.generation}, now ${snap.generation}); run it again`,
        },
      });
    } else {
      takeBatches(snap, job.search, job.queries, job.next, (from, hits) =>
        post({ from, hits: hits.map((h) => h.map((x) => ({ id: x.id, score: x.score }))) }),
      );
      post({ finished: true });
    }
  } finally {
    snap.close();
  }
} catch (e) {
  post({ error: { code: isQuarryError(e) ? e.code : null, message: (e as Error).message } });
}
