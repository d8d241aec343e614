/**
 * Worker-thread entry of the server's search threads (see search-thread-pool.ts).
 * It keeps one snapshot per served collection, opened on first use (checksums
 * verified) and moved to a newer generation when a job asks for one (segments that
 * did not change are shared with the previous snapshot), and answers one job at a
 * time. The request thread stays free to answer `/health`, writes and SIGTERM, and
 * can stop this thread outright if a search does not stop at its deadline.
 */
import { parentPort } from 'node:worker_threads';
import { Collection, type Snapshot } from '../../collection/index.js';
import { answerRun, answerSearch, toSearchFailure, type SearchJob } from './search-work.js';
import type { ThreadMessage, ThreadReply } from './search-thread-pool.js';

const port = parentPort!;
const open = new Map<string, Snapshot>();

/** The snapshot a job reads: this thread's, or a newer generation when the job needs one. */
function snapshotFor(job: SearchJob): Snapshot {
  const held = open.get(job.collectionKey);
  if (held !== undefined && held.generation >= job.minGeneration) return held;
  // the first opening verifies every checksum; later ones read segments this server's writer has just written
  const next = Collection.open(job.dir).reader(held === undefined ? {} : { verifyChecksums: false, previous: held });
  held?.close();
  open.set(job.collectionKey, next);
  return next;
}

const post = (m: ThreadReply): void => port.postMessage(m);

port.on('message', (m: ThreadMessage) => {
  if (m.type === 'forget') {
    open.get(m.collectionKey)?.close();
    open.delete(m.collectionKey);
    return;
  }
  const { id, job } = m;
  const started = performance.now();
  void (async () => {
    try {
      const snap = snapshotFor(job);
      const r = job.request;
      if (r.kind === 'search') post({ id, type: 'answer', answer: await answerSearch(snap, r, job.timeoutMs) });
      else {
        await answerRun(snap, r, started + job.timeoutMs, job.requestTimeoutMs, (ranking) => post({ id, type: 'ranking', ranking }));
        post({ id, type: 'done', generation: snap.generation });
      }
    } catch (e) {
      post({ id, type: 'failed', failure: toSearchFailure(e) });
    }
  })();
});
