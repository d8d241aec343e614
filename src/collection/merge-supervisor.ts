/**
 * Worker-thread entry that watches one background merge (see
 * background-merge.ts). The writer waits for a merge with Atomics.wait, which
 * blocks its thread, so it cannot receive the 'error' or 'exit' event of a
 * merge worker that dies (out of memory, process.exit): it would wait forever.
 * This thread's event loop stays free: it runs the merge worker, relays its
 * outcome on the writer's port, or, if the worker ends without one, reports
 * that as a failed merge, and then wakes the writer. It imports only Node's
 * own modules, so it cannot fail the way the merge worker can.
 */
import { Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { MergeJob, MergeOutcome } from './background-merge.js';

/** What the supervisor is given. */
interface SupervisedMerge {
  job: MergeJob;
  /** Where the outcome is posted. */
  port: MessagePort;
  /** Set to 1 (and notified) once the outcome has been posted. */
  done: Int32Array;
  /** Heap limit of the merge worker in MB (old generation), or undefined for Node's default. */
  heapMB: number | undefined;
}

const { job, port, done, heapMB } = workerData as SupervisedMerge;
const started = performance.now();
let outcome: MergeOutcome | null = null;

function report(o: MergeOutcome): void {
  if (outcome !== null) return;
  outcome = o;
  port.postMessage(o);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

const failed = (message: string, name = 'Error'): MergeOutcome => ({
  ok: false,
  name,
  code: undefined,
  message,
  ms: performance.now() - started,
});
try {
  const worker = new Worker(new URL('./merge-worker.js', import.meta.url), {
    workerData: job,
    ...(heapMB === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: heapMB } }),
  });
  worker.on('message', (o: MergeOutcome) => report(o));
  worker.on('error', (e) => report(failed(`the merge worker died: ${e.message}`, e.name)));
  worker.on('exit', (code) => report(failed(`the merge worker exited with code ${code} before reporting`)));
} catch (e) {
  // e.g. merge-worker.js missing from a partial install: still wake the writer
  report(failed(`the merge worker could not start: ${(e as Error).message}`, (e as Error).name));
}
