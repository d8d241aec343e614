// Rescoring floats in memory or left on disk ("floats": "disk"): memory and speed of
// the compressed families when only their codes stay in memory. One child process
// builds each index and writes its file; then, per mode, a fresh child opens the file
// (floats read into memory, or left in the file), records how much memory the open
// index holds, and searches the dataset's 1,000 queries at several rescoring depths.
// The file was just written, so the disk mode reads from the operating system's page
// cache: this measures the cost of the reads themselves, not of a cold SSD.
// Usage: node --expose-gc --import tsx bench/dense/disk-floats.ts [--dataset glove|gauss] [--families binary,int8,ivfpq]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBinary, readBinary, writeBinary } from '../../src/index/dense/binary/index.js';
import type { DenseIndex, DenseSearchOptions } from '../../src/index/dense/dense-types.js';
import { buildInt8, readInt8, writeInt8 } from '../../src/index/dense/int8/index.js';
import { buildIvfPq, readIvfPq, writeIvfPq } from '../../src/index/dense/ivfpq/index.js';
import { argList, argValue } from '../common/args.js';
import { heldBytes } from '../common/held-memory.js';
import { printTable } from '../report.js';
import { loadDenseDataset, recall10 } from './datasets.js';

const datasetName = argValue('dataset', 'glove');
const role = argValue('role', 'main');
const family = argValue('family', 'binary');
const file = argValue('file', '');
const RESCORE = [2, 10, 30];

type Searchable = DenseIndex<DenseSearchOptions & { rescore?: number }>;

if (role === 'build') {
  const ds = loadDenseDataset(datasetName);
  const { dim } = ds;
  const t0 = performance.now();
  if (family === 'binary') writeBinary(file, buildBinary(ds.base, { dim, metric: 'cosine' }));
  else if (family === 'int8') writeInt8(file, buildInt8(ds.base, { dim, metric: 'cosine' }));
  else writeIvfPq(file, buildIvfPq(ds.base, { dim, metric: 'cosine', nlist: Math.round(Math.sqrt(ds.base.length / dim)), m: dim / 4 }));
  process.stdout.write(JSON.stringify({ buildSeconds: (performance.now() - t0) / 1000 }) + '\n');
} else if (role === 'measure') {
  const ds = loadDenseDataset(datasetName);
  const { dim } = ds;
  const nq = ds.queries.length / dim;
  const onDisk = argValue('floats', 'memory') === 'disk';
  const before = await heldBytes();
  const t0 = performance.now();
  const read = { binary: readBinary, int8: readInt8, ivfpq: readIvfPq }[family]!;
  const idx = read(file, { floatsOnDisk: onDisk, verifyChecksum: false }) as unknown as Searchable;
  const openMs = performance.now() - t0;
  const memoryMB = ((await heldBytes()) - before) / 1048576;
  const points = RESCORE.map((rescore) => {
    const opts = family === 'ivfpq' ? { rescore, nprobe: 64 } : { rescore };
    for (let q = 0; q < 100; q++) idx.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10, opts); // warm-up
    const ids: ArrayLike<number>[] = [];
    const t = performance.now();
    for (let q = 0; q < nq; q++) ids.push(idx.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10, opts).ids);
    const secs = (performance.now() - t) / 1000;
    return { rescore, recall: recall10(ids, ds.truth), qps: nq / secs };
  });
  process.stdout.write(JSON.stringify({ memoryMB, openMs, points }) + '\n');
} else {
  const here = fileURLToPath(import.meta.url);
  const child = (args: string[]): Record<string, unknown> => {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=12288', '--import', 'tsx', here, '--dataset', datasetName, ...args],
      { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed (exit ${r.status})`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  };
  const dir = mkdtempSync(join(tmpdir(), 'quarry-disk-floats-'));
  const rows: Record<string, string | number>[] = [];
  try {
    for (const fam of argList('families', ['binary', 'int8', 'ivfpq'])) {
      const path = join(dir, `${fam}.idx`);
      process.stderr.write(`building ${fam} on ${datasetName}...\n`);
      const built = child(['--role', 'build', '--family', fam, '--file', path]);
      for (const floats of ['memory', 'disk']) {
        process.stderr.write(`  searching with floats in ${floats}...\n`);
        const m = child(['--role', 'measure', '--family', fam, '--file', path, '--floats', floats]) as {
          memoryMB: number;
          openMs: number;
          points: { rescore: number; recall: number; qps: number }[];
        };
        for (const p of m.points) {
          rows.push({
            dataset: datasetName,
            family: fam + (fam === 'ivfpq' ? ' (nprobe 64)' : ''),
            floats,
            'file MB': statSync(path).size / 1048576,
            'memory MB': m.memoryMB,
            'open ms': m.openMs,
            'build s': Number(built.buildSeconds),
            rescored: `${p.rescore} x k`,
            'recall@10': p.recall,
            qps: p.qps,
          });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(rows);
}
