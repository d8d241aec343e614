// Tuning helper: builds (once, cached in a file) an HNSW index on a dense benchmark
// dataset, then measures search speed and recall at a few efSearch values. Use it to
// compare search-side changes quickly; figures for the record come from bench/dense.
// Usage: node --import tsx bench/dense/tune-hnsw-search.ts [--dataset glove] [--index /tmp/glove.hnsw]
import { existsSync } from 'node:fs';
import { buildHnsw, readHnsw, writeHnsw } from '../../src/index/dense/hnsw/index.js';
import { argValue } from '../common/args.js';
import { loadDenseDataset, recall10 } from './datasets.js';

const ds = loadDenseDataset(argValue('dataset', 'glove'));
const file = argValue('index', `/tmp/${ds.name}.hnsw`);
const { dim } = ds;
if (!existsSync(file)) {
  const t = performance.now();
  writeHnsw(file, buildHnsw(ds.base, { dim, metric: 'cosine', M: 16, efConstruction: 100 }));
  console.log(`built in ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
const idx = readHnsw(file);
const nq = ds.queries.length / dim;
for (const ef of [32, 128, 256]) {
  const run = (): ArrayLike<number>[] => {
    const out: ArrayLike<number>[] = [];
    for (let q = 0; q < nq; q++) out.push(idx.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10, { efSearch: ef }).ids);
    return out;
  };
  run();
  let best = 0;
  let results: ArrayLike<number>[] = [];
  for (let rep = 0; rep < 3; rep++) {
    const t = performance.now();
    results = run();
    best = Math.max(best, nq / ((performance.now() - t) / 1000));
  }
  console.log(`ef ${ef}: recall@10 ${recall10(results, ds.truth).toFixed(4)}, ${best.toFixed(0)} queries/s`);
}
