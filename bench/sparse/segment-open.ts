// What opening one large exact-sparse segment costs, and how its searches behave
// with deleted documents. A server installing a merged segment opens it on its
// request thread, so the open time is a stall every client sees.
//
// Usage: node --expose-gc --import tsx bench/sparse/segment-open.ts [--docs 200000]
//        [--deletes 10000] [--queries 100] [--opens 5] [--dir /tmp/quarry-segment-open]
// The collection (one optimized segment of the ingest benchmark's synthetic
// documents, sparse field only) is built on the first run and reused.
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Collection, type Snapshot } from '../../src/collection/index.js';
import { argNumber, argValue } from '../common/args.js';
import { heldBytes, settleMemory } from '../common/held-memory.js';
import { syntheticDoc, syntheticQuery } from '../ingest/synthetic-docs.js';

const docs = argNumber('docs', 200_000);
const deletes = argNumber('deletes', 10_000);
const queries = argNumber('queries', 100);
const opens = argNumber('opens', 5);
const dir = argValue('dir', '/tmp/quarry-segment-open');

function build(): void {
  rmSync(dir, { recursive: true, force: true });
  const c = Collection.create(dir, { id: '_id', fields: { splade: { type: 'sparse' } } });
  const w = c.writer({ backgroundMerges: false });
  for (let i = 0; i < docs; i++) {
    const d = syntheticDoc(i);
    w.add({ _id: d._id, splade: d.splade });
  }
  w.optimize();
  w.close();
}

function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

const sameDocs = (): boolean => existsSync(dir) && Collection.exists(dir) && Collection.open(dir).info().documents === docs;
if (!sameDocs()) {
  process.stderr.write(`building ${docs.toLocaleString('en-US')} documents into ${dir} (first run only)...\n`);
  build();
}
const collection = Collection.open(dir);
const info = collection.info();
const segments = readdirSync(dir).filter((f) => f.startsWith('seg-'));
const spm = segments.map((s) => join(dir, s, 'splade.spm')).filter(existsSync);
console.log(`${info.documents.toLocaleString('en-US')} documents, ${segments.length} segment(s); sparse matrix file ${(spm.reduce((n, f) => n + sizeOf(f), 0) / 1e6).toFixed(1)} MB; collection ${(sizeOf(dir) / 1e6).toFixed(1)} MB`);

const quantile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// Opening: time and the memory the snapshot holds.
const openMs: number[] = [];
let snap: Snapshot | null = null;
await settleMemory();
const before = await heldBytes();
for (let i = 0; i < opens; i++) {
  snap = null;
  await settleMemory();
  const t = performance.now();
  snap = collection.reader({ verifyChecksums: false });
  openMs.push(performance.now() - t);
}
const held = (await heldBytes()) - before;
console.log(`open (checksums not verified, as the server reopens): median ${quantile(openMs, 0.5).toFixed(1)} ms, min ${Math.min(...openMs).toFixed(1)} ms over ${opens} opens; snapshot holds ${(held / 1e6).toFixed(1)} MB`);

function latency(s: Snapshot, label: string): void {
  const ms: number[] = [];
  let found = 0;
  for (let j = 0; j < queries; j++) {
    const q = syntheticQuery(j).sparse;
    const t = performance.now();
    found += s.searchSparse('splade', q, { k: 10, includeStored: false }).length;
    ms.push(performance.now() - t);
  }
  console.log(`${label.padEnd(40)} mean ${mean(ms).toFixed(2)} ms  p50 ${quantile(ms, 0.5).toFixed(2)} ms  p99 ${quantile(ms, 0.99).toFixed(2)} ms  (${found / queries} hits per query)`);
}

latency(snap!, 'search k=10, no deletes');
if (deletes > 0) {
  // Deletes go to a copy, so that the cached collection stays as built.
  const copy = `${dir}-deletes`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  const c = Collection.open(copy);
  const w = c.writer({ backgroundMerges: false, maxSegments: 1_000_000 });
  const step = docs / deletes;
  for (let j = 0; j < deletes; j++) w.delete(`d${Math.floor(j * step)}`);
  w.commit();
  w.close();
  latency(c.reader({ verifyChecksums: false }), `search k=10, ${deletes.toLocaleString('en-US')} deleted`);
  rmSync(copy, { recursive: true, force: true });
}
