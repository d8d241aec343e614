/**
 * Worker-thread entry of a background merge (see background-merge.ts): opens
 * the chosen segments with the deleted flags the writer had when the merge
 * started, writes the merged segment folder and posts the outcome to its
 * parent, the merge supervisor (merge-supervisor.ts), which wakes the writer.
 * Modules are imported inside the try so that even a failed import is
 * reported as such.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MergeJob, MergeOutcome } from './background-merge.js';

const job = workerData as MergeJob;
const started = performance.now();
let outcome: MergeOutcome;
try {
  const { runMerge } = await import('./background-merge.js');
  outcome = runMerge(job.dir, job.folder, job.segments, job.deleted, job.schema);
} catch (e) {
  // Only a failed import gets here (runMerge reports its own failures).
  outcome = { ok: false, name: (e as Error).name, code: undefined, message: (e as Error).message, ms: performance.now() - started };
}
parentPort!.postMessage(outcome);
