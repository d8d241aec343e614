/**
 * Worker-thread entry of a background merge (see background-merge.ts): opens
 * the chosen segments with the deleted flags the writer had when the merge
 * started, writes the merged segment folder, posts the outcome on the port it
 * was given and wakes a writer that may be blocked waiting for it. Modules are
 * imported inside the try so that even a failed import is reported rather than
 * leaving the writer waiting.
 */
import { workerData } from 'node:worker_threads';
import type { MergeJob, MergeOutcome } from './background-merge.js';

const job = workerData as MergeJob;
const started = performance.now();
let outcome: MergeOutcome;
try {
  const [{ mergeSegments }, { Segment }] = await Promise.all([import('./merge.js'), import('./segment.js')]);
  const segments = job.segments.map((info, i) => new Segment(job.dir, info, job.schema, false, job.deleted[i]));
  outcome = { ok: true, info: mergeSegments(job.dir, job.folder, segments, job.schema), ms: performance.now() - started };
} catch (e) {
  const err = e as Error & { code?: unknown };
  outcome = { ok: false, name: err.name, code: typeof err.code === 'string' ? err.code : undefined, message: err.message, ms: performance.now() - started };
}
job.port.postMessage(outcome);
Atomics.store(job.done, 0, 1);
Atomics.notify(job.done, 0);
