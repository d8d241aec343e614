// Ingest benchmark for changing collections: 1,000,000 synthetic documents with a
// BM25 text field, a learned-sparse field (exact index) and a 64-d dense field,
// written by a writer process that commits every 50,000 documents (merge policy
// on); then search latency on the idle collection and while another writer keeps
// ingesting and committing (same queries, same run, readers reopened at each new
// generation); then a delete of 100,000 ids by id list, and a force-merge.
// Usage: npm run bench -- ingest [--docs 1000000] [--commit-every 50000] [--dense-index flat|hnsw]
//        [--during 200000] [--deletes 100000] [--queries 200] [--fresh-reference 0]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collection, type Snapshot } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { argNumber, argValue } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { ingestSchema, syntheticQuery } from './synthetic-docs.js';
import type { SchemaInput } from '../../src/collection/schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const docs = argNumber('docs', 1_000_000);
const commitEvery = argNumber('commit-every', 50_000);
const denseIndex = argValue('dense-index', 'flat');
const during = argNumber('during', 200_000);
const deletes = argNumber('deletes', 100_000);
const nQueries = argNumber('queries', 200);
// --fresh-reference 0 skips opening every segment again at each reopen (the reference
// for the reopen timing), whose garbage lands in the same process as the timed queries
const freshReference = argNumber('fresh-reference', 1) !== 0;
const dir = mkdtempSync(join(tmpdir(), 'quarry-ingest-'));
Collection.create(dir, ingestSchema(denseIndex) as SchemaInput);

type Event = Record<string, number | string>;
const childArgs = (extra: string[]): string[] => [
  '--max-old-space-size=12288',
  '--import',
  'tsx',
  join(here, 'writer-child.ts'),
  '--dir',
  dir,
  ...extra,
];
function runWriter(extra: string[]): Event[] {
  const r = spawnSync(process.execPath, childArgs(extra), { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`writer failed (exit ${r.status})`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Event);
}

// 1. Ingest
process.stderr.write(`ingesting ${docs.toLocaleString('en-US')} documents into ${dir}...\n`);
const t0 = performance.now();
const ingest = runWriter(['--from', '0', '--to', String(docs), '--commit-every', String(commitEvery)]);
const ingestSeconds = (performance.now() - t0) / 1000;
const commits = ingest.filter((e) => e.type === 'commit');
const merges = ingest.filter((e) => e.type === 'merge');
const last = commits[commits.length - 1]!;
const closed = ingest.find((e) => e.type === 'close')!;
const mergeMs = merges.reduce((a, m) => a + Number(m.ms), 0);
const commitMs = commits.reduce((a, c) => a + Number(c.commitMs), 0);
const writerSeconds = Number(last.elapsedMs) / 1000;

// 2. Search latency: idle, then while a writer ingests `during` more documents
const queries = Array.from({ length: nQueries }, (_, j) => syntheticQuery(j));
const legs = ['bm25', 'sparse', 'dense', 'hybrid'] as const;
function runQuery(snap: Snapshot, j: number, leg: (typeof legs)[number]): void {
  const q = queries[j % queries.length]!;
  if (leg === 'bm25') snap.search(q.text, { k: 10, includeStored: false });
  else if (leg === 'sparse') snap.searchSparse('splade', q.sparse, { k: 10, includeStored: false });
  else if (leg === 'dense') snap.searchVector('emb', q.vector, { k: 10, includeStored: false });
  else
    snap.query(
      {
        retrieve: [
          { field: 'text', text: q.text, k: 100 },
          { field: 'splade', sparse: q.sparse, k: 100 },
          { field: 'emb', vector: q.vector, k: 100 },
        ],
        fuse: { method: 'rrf' },
        k: 10,
      },
      { includeStored: false },
    );
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}
const latency: Record<string, Record<string, number[]>> = {
  idle: {},
  'during ingest': {},
  'during: first after a reopen': {},
  'during: other queries': {},
};
const sample = (phase: string, leg: string, ms: number): void => void (latency[phase]![leg] ??= []).push(ms);

process.stderr.write('searching the idle collection...\n');
let snap = Collection.open(dir).reader();
for (const leg of legs) for (let j = 0; j < Math.min(20, nQueries); j++) runQuery(snap, j, leg); // warm-up
for (let j = 0; j < nQueries; j++) {
  for (const leg of legs) {
    const t = performance.now();
    runQuery(snap, j, leg);
    sample('idle', leg, performance.now() - t);
  }
}

process.stderr.write(`searching while a writer adds ${during.toLocaleString('en-US')} documents...\n`);
const child = spawn(
  process.execPath,
  childArgs(['--from', String(docs), '--to', String(docs + during), '--commit-every', String(Math.max(1, Math.floor(during / 10)))]),
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let childOut = '';
let done = false;
child.stdout.on('data', (b: Buffer) => (childOut += b.toString()));
const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
void exited.then(() => (done = true));
let generation = readLatestManifest(dir).generation;
let reopened = 0;
const reopenMs: number[] = [];
const freshOpenMs: number[] = [];
let j = 0;
while (!done) {
  // The manifest alone says whether a new generation exists (info() would open every segment).
  const g = readLatestManifest(dir).generation;
  const reopening = g !== generation;
  if (reopening) {
    generation = g;
    // Reopen sharing unchanged segments with the current snapshot, and (the reference,
    // same generation) open every segment again; only the first is searched.
    const t0 = performance.now();
    const next = Collection.open(dir).reader({ previous: snap });
    reopenMs.push(performance.now() - t0);
    if (freshReference) {
      const t1 = performance.now();
      Collection.open(dir).reader();
      freshOpenMs.push(performance.now() - t1);
    }
    snap = next;
    reopened++;
  }
  for (const leg of legs) {
    const t = performance.now();
    runQuery(snap, j, leg);
    const ms = performance.now() - t;
    sample('during ingest', leg, ms);
    // split: the first queries on a newly opened snapshot, and the rest
    sample(reopening ? 'during: first after a reopen' : 'during: other queries', leg, ms);
  }
  j++;
  await new Promise((r) => setImmediate(r)); // let the child's output events arrive
}
if ((await exited) !== 0) throw new Error('the concurrent writer failed');
const duringEvents = childOut
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Event);
const duringCommits = duringEvents.filter((e) => e.type === 'commit');
const duringSeconds = Number(duringCommits[duringCommits.length - 1]!.elapsedMs) / 1000;
const duringMerges = duringEvents.filter((e) => e.type === 'merge');

// 3. Delete by id list, 4. force-merge
process.stderr.write(`deleting ${deletes.toLocaleString('en-US')} ids...\n`);
const del = runWriter(['--to', String(docs), '--delete', String(deletes)])[0]!;
process.stderr.write('optimizing...\n');
const opt = runWriter(['--optimize']).find((e) => e.type === 'optimize')!;
const final = Collection.open(dir).info();

console.log(
  `\ningest: ${docs.toLocaleString('en-US')} documents (BM25 text, exact sparse ~120 nnz, ${denseIndex} dense 64-d), commit every ${commitEvery.toLocaleString('en-US')}`,
);
printTable(
  commits.map((c) => ({
    docs: Number(c.docs),
    'commit ms': Number(c.commitMs),
    segments: Number(c.segments),
    'elapsed s': Number(c.elapsedMs) / 1000,
  })),
);
console.log();
printTable([
  {
    documents: docs,
    'writer s': writerSeconds,
    'docs/s': docs / writerSeconds,
    'docs/s (with process start)': docs / ingestSeconds,
    merges: merges.length,
    'merge s': mergeMs / 1000,
    'commit s (incl. merges)': commitMs / 1000,
    'slowest commit ms': Math.max(...commits.map((c) => Number(c.commitMs))),
    'close s (waits for a running merge)': Number(closed.ms) / 1000,
    'segments at end': Number(closed.segments),
  },
]);
console.log(
  `\nsearch latency (ms, single query at a time), ${nQueries} queries; during ingest: ${during.toLocaleString('en-US')} more documents at ${(during / duringSeconds).toFixed(0)} docs/s (${duringCommits.length} commits, ${duringMerges.length} merges taking ${(duringMerges.reduce((a, m) => a + Number(m.ms), 0) / 1000).toFixed(1)} s), reader reopened ${reopened} times`,
);
if (reopened > 0) {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `reader reopens: sharing unchanged segments with the previous snapshot mean ${mean(reopenMs).toFixed(1)} ms, max ${Math.max(...reopenMs).toFixed(1)} ms` +
      (freshReference
        ? `; reading every segment again (same generations) mean ${mean(freshOpenMs).toFixed(1)} ms, max ${Math.max(...freshOpenMs).toFixed(1)} ms`
        : ''),
  );
}
if (merges.length + duringMerges.length > 0)
  printTable(
    [...merges, ...duringMerges].map((m) => ({
      'merged segments': Number(m.segments),
      'live docs': Number(m.docs),
      'merge s': Number(m.ms) / 1000,
    })),
  );
const latRows: Record<string, string | number>[] = [];
for (const leg of legs) {
  for (const phase of ['idle', 'during ingest', 'during: first after a reopen', 'during: other queries']) {
    const xs = latency[phase]![leg] ?? [];
    latRows.push({
      leg,
      phase,
      queries: xs.length,
      'mean ms': xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length),
      'p50 ms': percentile(xs, 0.5),
      'p99 ms': percentile(xs, 0.99),
    });
  }
}
printTable(latRows);
console.log();
printTable([
  {
    step: `delete ${deletes.toLocaleString('en-US')} ids by id list`,
    ms: Number(del.deleteMs),
    'commit ms': Number(del.commitMs),
    segments: Number(del.segments),
  },
  { step: 'optimize (force-merge, drops deleted)', ms: Number(opt.ms), 'commit ms': 0, segments: Number(opt.segments) },
]);
console.log(
  `final: ${final.documents.toLocaleString('en-US')} documents, ${final.segments.length} segment(s), ${(final.bytes / 1048576).toFixed(0)} MB on disk; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
writeJson('ingest', {
  docs,
  commitEvery,
  denseIndex,
  ingestSeconds,
  writerSeconds,
  commits,
  merges,
  duringMerges,
  latency: latRows,
  during: { docs: during, seconds: duringSeconds, reopened, reopenMs, freshOpenMs },
  delete: del,
  optimize: opt,
  final: { documents: final.documents, segments: final.segments.length, bytes: final.bytes },
});
rmSync(dir, { recursive: true, force: true });
