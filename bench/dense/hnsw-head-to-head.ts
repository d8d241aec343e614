// Head-to-head HNSW search speed: Quarry's HNSW and hnswlib-node on the same data, built
// with the same M / efConstruction (both cached in files after the first run), searched
// at the same ef values in alternating rounds so that both see the same machine state;
// each setting reports the median of the rounds' queries/s and the ratio of medians.
// hnswlib-node gets its queries as pre-converted number arrays (its API's type), outside
// the timed loop. Single thread.
// Usage: node --import tsx bench/dense/hnsw-head-to-head.ts [--dataset glove] [--rounds 7] [--efs 128,200,256,320]
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildHnsw, readHnsw, writeHnsw } from '../../src/index/dense/hnsw/index.js';
import { argList, argNumber, argValue } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { loadDenseDataset, recall10 } from './datasets.js';

const require = createRequire(import.meta.url);
const ds = loadDenseDataset(argValue('dataset', 'glove'));
const rounds = argNumber('rounds', 7);
const efs = argList('efs', ['128', '200', '256', '320']).map(Number);
const M = 16;
const efConstruction = 100;
const { dim } = ds;
const n = ds.base.length / dim;
const nq = ds.queries.length / dim;

const quarryFile = `/tmp/quarry-h2h-${ds.name}.hnsw`;
if (!existsSync(quarryFile)) {
  process.stderr.write('building the Quarry index...\n');
  writeHnsw(quarryFile, buildHnsw(ds.base, { dim, metric: 'cosine', M, efConstruction }));
}
const quarry = readHnsw(quarryFile);

const { HierarchicalNSW } = require('hnswlib-node') as typeof import('hnswlib-node');
const hnswlibFile = `/tmp/hnswlib-h2h-${ds.name}.bin`;
const hnswlib = new HierarchicalNSW('cosine', dim);
if (existsSync(hnswlibFile)) hnswlib.readIndexSync(hnswlibFile);
else {
  process.stderr.write('building the hnswlib-node index...\n');
  hnswlib.initIndex(n, M, efConstruction, 100);
  for (let r = 0; r < n; r++) hnswlib.addPoint(Array.from(ds.base.subarray(r * dim, (r + 1) * dim)), r);
  hnswlib.writeIndexSync(hnswlibFile);
}
const queryArrays = Array.from({ length: nq }, (_, q) => Array.from(ds.queries.subarray(q * dim, (q + 1) * dim)));

type Run = { qps: number; ids: ArrayLike<number>[] };
function runQuarry(ef: number): Run {
  const ids: ArrayLike<number>[] = [];
  const t = performance.now();
  for (let q = 0; q < nq; q++) ids.push(quarry.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10, { efSearch: ef }).ids);
  return { qps: nq / ((performance.now() - t) / 1000), ids };
}
function runHnswlib(ef: number): Run {
  hnswlib.setEf(ef);
  const ids: ArrayLike<number>[] = [];
  const t = performance.now();
  for (let q = 0; q < nq; q++) ids.push(hnswlib.searchKnn(queryArrays[q]!, 10).neighbors);
  return { qps: nq / ((performance.now() - t) / 1000), ids };
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: Record<string, string | number>[] = [];
for (const ef of efs) {
  runQuarry(ef);
  runHnswlib(ef); // warm-up
  const q: number[] = [];
  const h: number[] = [];
  let qIds: ArrayLike<number>[] = [];
  let hIds: ArrayLike<number>[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which engine goes first, so neither always runs on a warmer or cooler machine.
    const a = r % 2 === 0 ? runQuarry(ef) : runHnswlib(ef);
    const b = r % 2 === 0 ? runHnswlib(ef) : runQuarry(ef);
    const [qr, hr] = r % 2 === 0 ? [a, b] : [b, a];
    q.push(qr.qps);
    h.push(hr.qps);
    qIds = qr.ids;
    hIds = hr.ids;
  }
  rows.push({
    ef,
    'quarry recall@10': recall10(qIds, ds.truth),
    'hnswlib recall@10': recall10(hIds, ds.truth),
    'quarry q/s (median)': median(q),
    'hnswlib q/s (median)': median(h),
    'quarry / hnswlib': median(q) / median(h),
    'quarry q/s range': `${Math.min(...q).toFixed(0)}-${Math.max(...q).toFixed(0)}`,
    'hnswlib q/s range': `${Math.min(...h).toFixed(0)}-${Math.max(...h).toFixed(0)}`,
  });
}
console.log(
  `${ds.name}: ${n.toLocaleString('en-US')} x ${dim}, ${nq} queries, M ${M}, efConstruction ${efConstruction}, ${rounds} alternating rounds per ef`,
);
printTable(rows);
writeJson(`hnsw-head-to-head-${ds.name}`, { rows });
