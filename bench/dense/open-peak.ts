// Peak memory while opening a dense index: writes N x dim random rows as a flat (or int8, binary
// or ivfpq, with their rescoring floats in memory, or hnsw) index file once, then opens it in fresh processes and reports,
// from /proc/self/status, the resident memory before opening, the peak (VmHWM) reached while
// opening, and what stays resident after, with the open time. Run it from two checkouts to
// compare versions.
// Usage: node --import tsx bench/dense/open-peak.ts [--family flat|int8|binary|ivfpq|hnsw] [--rows 1000000] [--dim 128] [--runs 3]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBinary, readBinary, writeBinary } from '../../src/index/dense/binary/index.js';
import { buildFlat, readFlat, writeFlat } from '../../src/index/dense/flat/index.js';
import { buildHnsw, readHnsw, writeHnsw } from '../../src/index/dense/hnsw/index.js';
import { buildInt8, readInt8, writeInt8 } from '../../src/index/dense/int8/index.js';
import { buildIvfPq, readIvfPq, writeIvfPq } from '../../src/index/dense/ivfpq/index.js';
import { argNumber, argValue } from '../common/args.js';
import { Prng } from '../common/prng.js';

const rows = argNumber('rows', 1_000_000);
const dim = argNumber('dim', 128);
const family = argValue('family', 'flat');
const file = argValue('file', join(tmpdir(), `quarry-open-peak-${rows}x${dim}.${family}`));

/** kB figures of /proc/self/status. */
function status(): { rss: number; hwm: number } {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

if (process.argv.includes('--child')) {
  const before = status();
  const t0 = performance.now();
  const opts = { verifyChecksum: false };
  const read = { int8: readInt8, binary: readBinary, ivfpq: readIvfPq, hnsw: readHnsw, flat: readFlat }[family];
  if (read === undefined) throw new Error(`--family must be flat, int8, binary, ivfpq or hnsw, not ${family}`);
  const index = read(file, opts);
  const ms = performance.now() - t0;
  const after = status();
  process.stdout.write(
    JSON.stringify({ ms, beforeMB: before.rss / 1024, peakMB: after.hwm / 1024, afterMB: after.rss / 1024, size: index.size }) + '\n',
  );
} else {
  if (!existsSync(file)) {
    const rng = new Prng(7);
    const data = new Float32Array(rows * dim);
    for (let i = 0; i < data.length; i++) data[i] = rng.next() - 0.5;
    if (family === 'int8') writeInt8(file, buildInt8(data, { dim, metric: 'dot' }));
    else if (family === 'binary') writeBinary(file, buildBinary(data, { dim, metric: 'dot' }));
    else if (family === 'ivfpq') writeIvfPq(file, buildIvfPq(data, { dim, metric: 'dot', nlist: 1000, m: dim / 4 }));
    else if (family === 'hnsw') writeHnsw(file, buildHnsw(data, { dim, metric: 'dot', M: 16, efConstruction: 40 }));
    else writeFlat(file, buildFlat(data, { dim, metric: 'dot' }));
  }
  const mb = (rows * dim * 4) / 1048576;
  console.log(
    `${family}: ${rows.toLocaleString('en-US')} x ${dim} float32 rows (${mb.toFixed(0)} MB${['int8', 'binary', 'ivfpq'].includes(family) ? ' of rescoring floats, plus codes' : ''}) in ${file}; opened without checksum verification, as a server reopens`,
  );
  console.log('run  open ms  RSS before MB  peak while opening MB  RSS after MB');
  for (let r = 0; r < argNumber('runs', 3); r++) {
    const out = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', '--family', family, '--file', file],
      { encoding: 'utf8' },
    );
    if (out.status !== 0) throw new Error(out.stderr);
    const j = JSON.parse(out.stdout) as { ms: number; beforeMB: number; peakMB: number; afterMB: number };
    console.log(
      `${r + 1}    ${j.ms.toFixed(0).padStart(7)}  ${j.beforeMB.toFixed(0).padStart(13)}  ${j.peakMB.toFixed(0).padStart(20)}  ${j.afterMB.toFixed(0).padStart(12)}`,
    );
  }
}
