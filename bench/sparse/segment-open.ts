// What opening one large exact-sparse segment costs, and how its searches behave
// with deleted documents. A server installing a merged segment opens it on its
// request thread, so the open time is a stall every client sees.
//
// Usage: node --expose-gc --import tsx bench/sparse/segment-open.ts [--docs 200000]
//        [--deletes 10000] [--queries 100] [--opens 5] [--dir /tmp/quarry-segment-open]
// The collection (one optimized segment of the ingest benchmark's synthetic
// documents, sparse field only) is built on the first run and reused. The
// reference, in the same run: a copy whose sparse file is rewritten in format 1
// (forward rows, transposed into inverted lists at every open), as segments
// written before format 2 are.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Collection, type Snapshot } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { readSparseExact } from '../../src/index/sparse/exact/exact-format.js';
import { readSectionTableOfContents, writeSectionFile } from '../../src/io/section-file.js';
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

const spmOf = (d: string): string => join(d, readLatestManifest(d).segments[0]!.name, 'splade.spm');
const isFormat2 = (): boolean => readSectionTableOfContents(spmOf(dir), 'SPRM', 2).sections[0]?.name === 'start';
const usable = (): boolean => existsSync(dir) && Collection.exists(dir) && Collection.open(dir).info().documents === docs && isFormat2();
if (!usable()) {
  process.stderr.write(`building ${docs.toLocaleString('en-US')} documents into ${dir} (first run only)...\n`);
  build();
}
/** A copy of the collection with its sparse file in format 1 (forward rows), recorded in its manifest. */
function format1Copy(): string {
  const copy = `${dir}-format1`;
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  const path = spmOf(copy);
  const exact = readSparseExact(path, {});
  const { rows, dim } = exact;
  const fwd = exact.forwardRows();
  rmSync(path);
  const written = writeSectionFile(path, 'SPRM', 1, { indptr: fwd.indptr, indices: fwd.indices, values: fwd.values }, { rows, dim });
  const manifest = join(copy, `manifest-${readLatestManifest(copy).generation}.json`);
  const json = JSON.parse(readFileSync(manifest, 'utf8')) as { segments: { files: Record<string, unknown> }[]; crc32?: number };
  json.segments[0]!.files['splade.spm'] = written;
  // as the versions that wrote format 1 wrote manifests: without a checksum
  delete json.crc32;
  writeFileSync(manifest, JSON.stringify(json));
  return copy;
}

const collection = Collection.open(dir);
const info = collection.info();
const segments = readdirSync(dir).filter((f) => f.startsWith('seg-'));
const spm = segments.map((s) => join(dir, s, 'splade.spm')).filter(existsSync);
console.log(
  `${info.documents.toLocaleString('en-US')} documents, ${segments.length} segment(s); sparse matrix file ${(spm.reduce((n, f) => n + sizeOf(f), 0) / 1e6).toFixed(1)} MB; collection ${(sizeOf(dir) / 1e6).toFixed(1)} MB`,
);

const quantile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// Opening: time and the memory the snapshot holds.
async function measureOpen(c: Collection, label: string): Promise<Snapshot> {
  const openMs: number[] = [];
  let snap: Snapshot | null = null;
  await settleMemory();
  const before = await heldBytes();
  for (let i = 0; i < opens; i++) {
    // eslint-disable-next-line no-useless-assignment -- drops the last snapshot so that settling memory collects it
    snap = null;
    await settleMemory();
    const t = performance.now();
    snap = c.reader({ verifyChecksums: false });
    openMs.push(performance.now() - t);
  }
  const held = (await heldBytes()) - before;
  console.log(
    `${label.padEnd(44)} open median ${quantile(openMs, 0.5).toFixed(1).padStart(6)} ms, min ${Math.min(...openMs)
      .toFixed(1)
      .padStart(6)} ms over ${opens} opens; snapshot holds ${(held / 1e6).toFixed(1)} MB`,
  );
  return snap!;
}

console.log(`(opens do not verify checksums, as the server's reopens after a commit do)`);
const oldDir = format1Copy();
console.log(`sparse file: format 1 ${(sizeOf(spmOf(oldDir)) / 1e6).toFixed(1)} MB, format 2 ${(sizeOf(spmOf(dir)) / 1e6).toFixed(1)} MB`);
let reference: Snapshot | null = await measureOpen(Collection.open(oldDir), 'format 1 (forward rows, transposed on open)');
const referenceTop = syntheticQuery(0).sparse;
const referenceIds = reference.searchSparse('splade', referenceTop, { k: 10, includeStored: false }).map((h) => h.id);
// eslint-disable-next-line no-useless-assignment -- releases the format-1 snapshot before the next measurement
reference = null;
rmSync(oldDir, { recursive: true, force: true });
const snap = await measureOpen(collection, 'format 2 (stored inverted lists)');
const ids = snap.searchSparse('splade', referenceTop, { k: 10, includeStored: false }).map((h) => h.id);
if (JSON.stringify(ids) !== JSON.stringify(referenceIds)) throw new Error('the two formats disagree on a query');

function latency(s: Snapshot, label: string): void {
  const ms: number[] = [];
  let found = 0;
  for (let j = 0; j < queries; j++) {
    const q = syntheticQuery(j).sparse;
    const t = performance.now();
    found += s.searchSparse('splade', q, { k: 10, includeStored: false }).length;
    ms.push(performance.now() - t);
  }
  console.log(
    `${label.padEnd(40)} mean ${mean(ms).toFixed(2)} ms  p50 ${quantile(ms, 0.5).toFixed(2)} ms  p99 ${quantile(ms, 0.99).toFixed(2)} ms  (${found / queries} hits per query)`,
  );
}

latency(snap, 'search k=10, no deletes');
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
