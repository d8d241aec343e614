// Profiling helper: builds (once) a synthetic index in a folder and runs one query shape in one mode.
// Usage: node --cpu-prof --import tsx bench/bm25/profile.ts --dir /tmp/zipf-idx --dataset zipf-200000 --shape corpus --mode pruned --k 10
import { existsSync } from 'node:fs';
import { Collection, parseSchema } from '../../src/collection/index.js';
import type { SearchMode } from '../../src/index/inverted/index.js';
import { argNumber, argValue } from '../common/args.js';
import { loadDataset } from './datasets.js';

const dir = argValue('dir', '/tmp/quarry-profile-idx');
const dataset = loadDataset(argValue('dataset', 'zipf-200000'), 1000);
if (!existsSync(dir)) {
  const schema = parseSchema({
    id: 'id',
    fields: { contents: { type: 'text', from: ['text'], analyzer: dataset.analyzer, k1: dataset.k1, b: dataset.b } },
    store: [],
  });
  const w = Collection.create(dir, schema).writer({ flushPostings: 200_000_000, flushDocs: 5_000_000 });
  dataset.forEachDoc((id, text) => w.add({ id, text }));
  w.commit();
  w.close();
}
const snap = Collection.open(dir).reader({ verifyChecksums: false });
const queries = dataset.queries[argValue('shape', 'corpus')]!;
const mode = argValue('mode', 'pruned') as SearchMode;
const k = argNumber('k', 10);
const reps = argNumber('reps', 3);
const terms = queries.map((q) => snap.queryTerms(q));
const t0 = performance.now();
for (let r = 0; r < reps; r++) for (const t of terms) snap.searchTerms(t, k, mode, false);
const s = (performance.now() - t0) / 1000;
console.log(`${mode} k=${k}: ${((reps * queries.length) / s).toFixed(0)} qps`);
