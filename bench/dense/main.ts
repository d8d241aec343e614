// Dense benchmark: Quarry's dense families against hnswlib-node and usearch
// on the same data, single thread: recall@10 (vs exact flat) and queries/s
// for a sweep of each engine's search parameter, plus build time and memory.
// Usage: npm run bench -- dense [--datasets glove,gauss] [--engines quarry-hnsw,hnswlib,usearch,quarry-int8,quarry-binary,quarry-ivfpq,quarry-flat]
//        (append @ts to a Quarry engine, e.g. quarry-hnsw@ts, to run it on the TypeScript kernels)
//                                [--M 16] [--efConstruction 100]
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argList, argNumber } from '../common/args.js';
import { printTable, writeJson, writeSvgPlot } from '../report.js';
import { loadDenseDataset } from './datasets.js';

const here = dirname(fileURLToPath(import.meta.url));
const datasets = argList('datasets', ['glove', 'gauss']);
const engines = argList('engines', ['quarry-flat', 'quarry-hnsw', 'hnswlib', 'usearch', 'quarry-int8', 'quarry-binary', 'quarry-ivfpq']);
const M = argNumber('M', 16);
const efC = argNumber('efConstruction', 100);

interface Point {
  setting: string;
  recall: number;
  qps: number;
  msPerQuery: number;
}
interface Result {
  engine: string;
  dataset: string;
  rows: number;
  dim: number;
  buildSeconds: number;
  memoryMB: number;
  points: Point[];
}

const results: Result[] = [];
for (const dataset of datasets) {
  process.stderr.write(`preparing ${dataset} (cached after the first run)...\n`);
  loadDenseDataset(dataset);
  for (const engine of engines) {
    process.stderr.write(`running ${engine} on ${dataset}...\n`);
    const r = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=12288',
        '--import',
        'tsx',
        join(here, 'engine.ts'),
        '--engine',
        engine.replace(/@ts$/, ''),
        '--dataset',
        dataset,
        '--M',
        String(M),
        '--efConstruction',
        String(efC),
      ],
      // "<engine>@ts" runs a Quarry engine on the pure-TypeScript kernels (the before/after of the SIMD kernels)
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: engine.endsWith('@ts') ? { ...process.env, QUARRY_KERNELS: 'ts' } : process.env,
      },
    );
    if (r.status !== 0) {
      process.stderr.write(`  ${engine} failed (exit ${r.status}); skipped\n`);
      continue;
    }
    results.push({ ...(JSON.parse(r.stdout.trim().split('\n').pop()!) as Result), engine });
  }
}

const rows: Record<string, string | number>[] = [];
for (const r of results)
  for (const p of r.points)
    rows.push({ dataset: r.dataset, engine: r.engine, setting: p.setting, 'recall@10': p.recall, qps: p.qps, 'ms/query': p.msPerQuery });
printTable(rows);
console.log();
printTable(
  results.map((r) => ({
    dataset: r.dataset,
    engine: r.engine,
    rows: r.rows,
    dim: r.dim,
    'build s': r.buildSeconds,
    'memory MB': r.memoryMB,
  })),
);

// At matched recall: the best QPS of each engine among settings with recall@10 >= 0.95.
console.log();
const matched: Record<string, string | number>[] = [];
for (const dataset of datasets) {
  const best = (engine: string): Point | undefined =>
    results
      .find((r) => r.engine === engine && r.dataset === dataset)
      ?.points.filter((p) => p.recall >= 0.95)
      .sort((a, b) => b.qps - a.qps)[0];
  const ref = best('hnswlib');
  for (const engine of engines) {
    const p = best(engine);
    if (p === undefined) continue;
    matched.push({ dataset, engine, setting: p.setting, 'recall@10': p.recall, qps: p.qps, 'x hnswlib-node': ref ? p.qps / ref.qps : '' });
  }
}
console.log('best queries/s at recall@10 >= 0.95');
printTable(matched);
writeJson('dense', { node: process.version, M, efConstruction: efC, results, matched });
for (const dataset of datasets) {
  writeSvgPlot(
    `dense-${dataset}`,
    `${dataset}: recall@10 vs queries/s (log)`,
    'recall@10',
    'queries/s',
    results
      .filter((r) => r.dataset === dataset)
      .map((r) => ({ label: r.engine, points: r.points.map((p) => ({ x: p.recall, y: p.qps })) })),
    true,
  );
}
