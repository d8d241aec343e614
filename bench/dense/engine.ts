// One engine of the dense benchmark in its own process (so its memory is
// measured alone): builds the index, sweeps its search parameter, prints JSON.
// Usage: node --import tsx bench/dense/engine.ts --engine quarry-hnsw|quarry-int8|quarry-binary|quarry-ivfpq|quarry-flat|hnswlib|usearch --dataset glove|gauss
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BinaryIndex, buildBinary } from '../../src/index/dense/binary/index.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { buildHnsw } from '../../src/index/dense/hnsw/index.js';
import { buildInt8 } from '../../src/index/dense/int8/index.js';
import { buildIvfPq } from '../../src/index/dense/ivfpq/index.js';
import { argNumber, argValue } from '../common/args.js';
import { settleMemory } from '../common/held-memory.js';
import { loadDenseDataset, recall10 } from './datasets.js';

const engine = argValue('engine', 'quarry-hnsw');
const ds = loadDenseDataset(argValue('dataset', 'glove'));
const M = argNumber('M', 16);
const efC = argNumber('efConstruction', 100);
const { dim } = ds;
const nq = ds.queries.length / dim;

interface Point {
  setting: string;
  recall: number;
  qps: number;
  msPerQuery: number;
}

function sweep<T>(settings: T[], label: (s: T) => string, run: (q: Float32Array, s: T) => ArrayLike<number>): Point[] {
  const points: Point[] = [];
  for (const s of settings) {
    for (let q = 0; q < Math.min(100, nq); q++) run(ds.queries.subarray(q * dim, (q + 1) * dim), s); // warm-up
    const results: ArrayLike<number>[] = [];
    const t0 = performance.now();
    for (let q = 0; q < nq; q++) results.push(run(ds.queries.subarray(q * dim, (q + 1) * dim), s));
    const secs = (performance.now() - t0) / 1000;
    points.push({ setting: label(s), recall: recall10(results, ds.truth), qps: nq / secs, msPerQuery: (secs * 1000) / nq });
  }
  return points;
}

// the dataset's loading garbage (file buffers) must be gone before the reference point,
// or its late release would be subtracted from the index's memory
await settleMemory();
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
// eslint-disable-next-line no-useless-assignment -- every engine branch sets it
let points: Point[] = [];
let build = 0;
let memoryMB = 0;
/** Records build time and the memory the index holds, before any search allocates more. */
async function built(): Promise<void> {
  build = (performance.now() - t0) / 1000;
  await settleMemory();
  memoryMB = (process.memoryUsage().rss - rss0) / 1048576;
}
const EFS = [10, 16, 24, 32, 48, 64, 96, 128, 200, 256, 320];
const require = createRequire(import.meta.url);

if (engine === 'quarry-flat') {
  const idx = buildFlat(ds.base, { dim, metric: 'cosine' });
  await built();
  points = sweep(
    [0],
    () => 'exact',
    (q) => idx.search(q, 10).ids,
  );
} else if (engine === 'quarry-hnsw') {
  const idx = buildHnsw(ds.base, { dim, metric: 'cosine', M, efConstruction: efC });
  await built();
  points = sweep(
    EFS,
    (ef) => `efSearch ${ef}`,
    (q, ef) => idx.search(q, 10, { efSearch: ef }).ids,
  );
} else if (engine === 'quarry-int8') {
  const idx = buildInt8(ds.base, { dim, metric: 'cosine' });
  await built();
  points = sweep(
    [0, 1, 2, 4],
    (r) => `rescore ${r}k`,
    (q, r) => idx.search(q, 10, { rescore: r }).ids,
  );
} else if (engine === 'quarry-binary') {
  const idx = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1 });
  await built(); // build time and memory of the 1-bit index alone
  const idx2 = buildBinary(ds.base, { dim, metric: 'cosine', planes: 2 });
  // For comparison: 1-bit codes of residuals from the mean (one centre), with and without
  // the per-vector correction (without it: BEBR's plain reconstruction).
  const mean = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, centroids: 0 });
  const plain = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, centroids: 0, correction: 'none' });
  // and the same 1-bit codes scored without the per-row centre offsets
  const noOffsets = new BinaryIndex(
    idx.binarizer,
    idx.codes,
    idx.normsSq,
    idx.floats,
    idx.params,
    idx.corrections,
    idx.assign,
    null,
    idx.rotation,
  );
  // and 1-bit codes of the rows themselves, not of their random rotation
  const unrotated = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, rotate: false });
  // and 1-bit codes with each row in the best of 256 bases and of its 4 nearest centres, 6-bit queries
  const placed = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, variants: 256, centreChoices: 4, queryBits: 6 });
  points = [
    ...sweep(
      [0, 5, 10, 20, 30],
      (r) => `1-bit, rescore ${r}k`,
      (q, r) => idx.search(q, 10, { rescore: r }).ids,
    ),
    ...sweep(
      [10],
      (r) => `1-bit without centre offsets, rescore ${r}k`,
      (q, r) => noOffsets.search(q, 10, { rescore: r }).ids,
    ),
    ...sweep(
      [10, 20, 30],
      (r) => `1-bit unrotated, rescore ${r}k`,
      (q, r) => unrotated.search(q, 10, { rescore: r }).ids,
    ),
    ...sweep(
      [10],
      (r) => `1-bit mean-centred, rescore ${r}k`,
      (q, r) => mean.search(q, 10, { rescore: r }).ids,
    ),
    ...sweep(
      [10],
      (r) => `1-bit mean-centred uncorrected, rescore ${r}k`,
      (q, r) => plain.search(q, 10, { rescore: r }).ids,
    ),
    ...sweep(
      [10, 20],
      (r) => `1-bit, 256 bases, 4 centre choices, 6-bit queries, rescore ${r}k`,
      (q, r) => placed.search(q, 10, { rescore: r }).ids,
    ),
    ...sweep(
      [5, 10],
      (r) => `2-plane, rescore ${r}k`,
      (q, r) => idx2.search(q, 10, { rescore: r }).ids,
    ),
  ];
} else if (engine === 'quarry-ivfpq') {
  const n = ds.base.length / dim;
  const idx = buildIvfPq(ds.base, { dim, metric: 'cosine', nlist: Math.round(Math.sqrt(n)), m: dim / 4 });
  await built();
  points = sweep(
    [4, 8, 16, 32, 64, 128],
    (p) => `nprobe ${p}, rescore 10k`,
    (q, p) => idx.search(q, 10, { nprobe: p, rescore: 10 }).ids,
  );
} else if (engine === 'hnswlib') {
  const { HierarchicalNSW } = require('hnswlib-node') as typeof import('hnswlib-node');
  const n = ds.base.length / dim;
  const idx = new HierarchicalNSW('cosine', dim);
  idx.initIndex(n, M, efC, 100);
  for (let r = 0; r < n; r++) idx.addPoint(Array.from(ds.base.subarray(r * dim, (r + 1) * dim)), r);
  await built();
  points = sweep(
    EFS,
    (ef) => `ef ${ef}`,
    (q, ef) => {
      idx.setEf(ef);
      return idx.searchKnn(Array.from(q), 10).neighbors;
    },
  );
} else if (engine === 'usearch') {
  const usearch = require('usearch') as typeof import('usearch');
  const n = ds.base.length / dim;
  const make = (ef: number) =>
    new usearch.Index({
      dimensions: dim,
      metric: usearch.MetricKind.Cos,
      quantization: usearch.ScalarKind.F32,
      connectivity: M,
      expansion_add: efC,
      expansion_search: ef,
      multi: false,
    });
  const idx = make(64);
  const keys = new BigUint64Array(n);
  for (let r = 0; r < n; r++) keys[r] = BigInt(r);
  idx.add(keys, ds.base, 1);
  await built();
  const dir = mkdtempSync(join(tmpdir(), 'usearch-'));
  idx.save(join(dir, 'i.usearch'));
  // Search width is fixed at construction: reload the saved graph once per setting.
  const byEf = new Map<number, InstanceType<typeof usearch.Index>>();
  points = sweep(
    EFS,
    (ef) => `expansion_search ${ef}`,
    (q, ef) => {
      let x = byEf.get(ef);
      if (x === undefined) {
        x = make(ef);
        x.load(join(dir, 'i.usearch'));
        byEf.set(ef, x);
      }
      return x.search(q, 10, 1).keys as unknown as ArrayLike<number>;
    },
  );
  rmSync(dir, { recursive: true, force: true });
} else throw new Error(`unknown engine ${engine}`);

process.stdout.write(
  JSON.stringify({ engine, dataset: ds.name, rows: ds.base.length / dim, dim, buildSeconds: build, memoryMB, points }) + '\n',
);
