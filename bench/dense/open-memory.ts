// Memory an opened dense index holds, against its file size: each family is built on
// the first --rows GloVe vectors and written; then a fresh child process opens the file
// (rescoring floats in memory, and for the compressed families also left on disk) and
// reports how much the JavaScript heap plus buffers (typed arrays, WebAssembly memory)
// grew. An index that holds its file once has a ratio near 1.
// Usage: node --expose-gc --import tsx bench/dense/open-memory.ts [--rows 100000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDense, DENSE_FAMILIES, readDense, writeDense } from '../../src/index/dense/dense-registry.js';
import { argNumber, argValue } from '../common/args.js';
import { heldBytes } from '../common/held-memory.js';
import { printTable } from '../report.js';
import { loadDenseDataset } from './datasets.js';

const role = argValue('role', 'main');
if (role === 'open') {
  const before = await heldBytes();
  const idx = readDense(argValue('file', ''), { floatsOnDisk: argValue('floats', 'memory') === 'disk' });
  const after = await heldBytes();
  process.stdout.write(JSON.stringify({ heldMB: (after - before) / 1048576, rows: idx.size }) + '\n');
} else {
  const rows = argNumber('rows', 100_000);
  const ds = loadDenseDataset('glove');
  const base = ds.base.subarray(0, rows * ds.dim);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-open-memory-'));
  const out: Record<string, string | number>[] = [];
  try {
    for (const family of DENSE_FAMILIES) {
      const path = join(dir, `${family}.idx`);
      writeDense(path, buildDense(family, base, ds.dim, 'cosine', {}));
      for (const floats of family === 'flat' || family === 'hnsw' ? ['memory'] : ['memory', 'disk']) {
        const r = spawnSync(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--role', 'open', '--file', path, '--floats', floats],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        );
        if (r.status !== 0) throw new Error(`opening ${family} failed`);
        const { heldMB } = JSON.parse(r.stdout) as { heldMB: number };
        const fileMB = statSync(path).size / 1048576;
        out.push({ family, floats, rows, 'file MB': fileMB, 'held MB': heldMB, 'held / file': heldMB / fileMB });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(out);
}
