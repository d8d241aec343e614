// `quarry run --threads`: batch-search throughput with one thread and with two (this thread and a
// worker), on the dense benchmark's data (bench/dense/datasets.ts; cosine). The base vectors are imported into a
// temporary collection with the given family (default flat: exact search, the heaviest queries a
// run makes); then all held-out queries are searched at k = 10 by searchQueries (what quarry run
// calls), threads 1 and 2 alternating for --rounds rounds. Every round must return the same hits.
// Throughput counts the threads' start and their readers' opening, as a run pays them.
// Usage: node --import tsx bench/dense/run-threads.ts [--dataset glove|gauss] [--family flat] [--rounds 2]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { searchQueries } from '../../src/batch/search-threads.js';
import type { RunQuery } from '../../src/batch/batch-search.js';
import { importVectors } from '../../src/ingest/import-vectors.js';
import { encodeFvecs } from '../../src/io/vector-files.js';
import { argNumber, argValue } from '../common/args.js';
import { printTable } from '../report.js';
import { loadDenseDataset } from './datasets.js';

const name = argValue('dataset', 'glove');
const family = argValue('family', 'flat');
const rounds = argNumber('rounds', 2);
const ds = loadDenseDataset(name);
const { dim } = ds;
const tmp = mkdtempSync(join(tmpdir(), 'quarry-run-threads-'));
try {
  const file = join(tmp, 'base.fvecs');
  writeFileSync(file, encodeFvecs(ds.base, dim));
  const dir = join(tmp, 'idx');
  let t0 = performance.now();
  importVectors(dir, { vectors: file, field: 'emb', index: family, metric: 'cosine' });
  console.log(
    `${name}: ${(ds.base.length / dim).toLocaleString('en-US')} x ${dim} imported as ${family} in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${availableParallelism()} cores`,
  );
  const snap = Collection.open(dir).reader();
  const nq = ds.queries.length / dim;
  const queries: RunQuery[] = Array.from({ length: nq }, (_, q) => ({
    qid: String(q),
    vector: ds.queries.subarray(q * dim, (q + 1) * dim),
  }));
  const rows: Record<string, string | number>[] = [];
  let reference: string | null = null;
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? [1, 2] : [2, 1];
    const qps: Record<number, number> = {};
    for (const threads of order) {
      t0 = performance.now();
      const hits = await searchQueries(snap, dir, { kind: 'dense', k: 10, field: 'emb' }, queries, threads, () => {});
      qps[threads] = nq / ((performance.now() - t0) / 1000);
      const key = JSON.stringify(hits.map((h) => h.map((x) => [x.id, x.score])));
      if (reference === null) reference = key;
      else if (key !== reference) throw new Error(`round ${round}, ${threads} threads: the hits differ`);
    }
    rows.push({
      round,
      'threads 1: queries/s': Math.round(qps[1]!),
      'threads 2: queries/s': Math.round(qps[2]!),
      'speed-up': (qps[2]! / qps[1]!).toFixed(2),
    });
  }
  printTable(rows);
  console.log(`same hits with 1 and 2 threads in every round (${nq} queries, k = 10)`);
  snap.close();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
