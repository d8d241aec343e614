// The ingest benchmark's writer, in its own process: adds synthetic documents
// [from, to) committing every --commit-every documents, or deletes --delete ids
// spread over [0, to), or force-merges (--optimize). One JSON line per event.
import { Collection } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { argNumber, argValue } from '../common/args.js';
import { syntheticDoc } from './synthetic-docs.js';

const dir = argValue('dir', '');
const from = argNumber('from', 0);
const to = argNumber('to', 0);
const commitEvery = argNumber('commit-every', 100_000);
const deletes = argNumber('delete', 0);
const optimize = process.argv.includes('--optimize');
const say = (event: Record<string, unknown>): void => void process.stdout.write(JSON.stringify(event) + '\n');

const collection = Collection.open(dir);
const writer = collection.writer({ onMerge: (m) => say({ type: 'merge', ...m }) });
const t0 = performance.now();
const segments = (): number => readLatestManifest(dir).segments.length;
if (deletes > 0) {
  const step = to / deletes;
  for (let j = 0; j < deletes; j++) writer.delete(`d${Math.floor(j * step)}`);
  const t1 = performance.now();
  writer.commit();
  say({ type: 'delete', ids: deletes, deleteMs: t1 - t0, commitMs: performance.now() - t1, segments: segments() });
} else if (optimize) {
  writer.optimize();
  say({ type: 'optimize', ms: performance.now() - t0, segments: segments() });
} else {
  let last = performance.now();
  let addMs = 0;
  for (let i = from; i < to; i++) {
    writer.add(syntheticDoc(i));
    if ((i + 1 - from) % commitEvery === 0 || i + 1 === to) {
      const t = performance.now();
      addMs += t - last;
      const generation = writer.commit();
      last = performance.now();
      say({
        type: 'commit',
        docs: i + 1 - from,
        generation,
        commitMs: last - t,
        addMs,
        elapsedMs: last - t0,
        segments: segments(),
        mergeRunning: writer.mergeRunning,
      });
    }
  }
}
// close() waits for a background merge still running and commits it.
const t = performance.now();
writer.close();
say({ type: 'close', ms: performance.now() - t, elapsedMs: performance.now() - t0, segments: segments() });
