// HTTP server load test on loopback: SciFact with BM25 queries and hybrid
// (BM25 + GloVe-average dense, RRF) queries, sent by autocannon at 1, 8 and
// 64 connections to a `quarry serve` child process; requests/s, p50/p99
// latency, errors, and the server's resident memory before and after. The
// same queries are also run through the library in this process, and the
// server's overhead per request is its mean latency over one keep-alive
// connection (sequential requests, timed here) minus the library's mean time
// per query (default response with stored fields; ids and scores only; and
// with highlights, which the library call does not compute).
// Usage: npm run build && npm run bench -- server [--seconds 8] [--queries 300]
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collection } from '../../src/collection/index.js';
import { WordVectorEncoder } from '../../src/encode/word-vectors.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { argNumber } from '../common/args.js';
import { loadGloveWords } from '../common/glove-words.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;
const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');
if (!existsSync(CLI)) throw new Error('run `npm run build` first: the benchmark starts the built `quarry serve`');

const seconds = argNumber('seconds', 8);
const nq = argNumber('queries', 300);
const root = mkdtempSync(join(tmpdir(), 'quarry-bench-server-'));
const data = join(root, 'data');

// 1. SciFact with a BM25 field and a GloVe-average dense field.
const encoder = new WordVectorEncoder(loadGloveWords());
const c = Collection.create(join(data, 'scifact'), {
  fields: {
    contents: { type: 'text', from: ['title', 'text'] },
    emb: { type: 'dense', dim: encoder.dim, metric: 'cosine', index: 'hnsw' },
  },
});
const w = c.writer();
let t0 = performance.now();
forEachBeirDocument(join(SHARED, 'scifact/corpus.jsonl'), (d) => {
  w.add({ _id: d.id, title: d.title, text: d.text, emb: Array.from(encoder.encode(`${d.title} ${d.text}`).vector) });
});
w.commit();
w.close();
console.log(`indexed SciFact (BM25 + GloVe-average HNSW) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const queries = [...readQueries(join(SHARED, 'scifact/queries.jsonl')).values()].slice(0, nq);
const specs = {
  bm25: queries.map((text) => ({ retrieve: [{ field: 'contents', text }], k: 10 })),
  hybrid: queries.map((text) => ({
    retrieve: [
      { field: 'contents', text, k: 100 },
      { field: 'emb', vector: Array.from(encoder.encode(text).vector), k: 100 },
    ],
    fuse: { method: 'rrf', k: 60 },
    k: 10,
  })),
};

// 2. The library, in this process, on the same specs (stored fields and all, as the server returns them).
const snap = c.reader();
const libraryMs: Record<string, number> = {};
const libraryMsBare: Record<string, number> = {};
for (const [kind, list] of Object.entries(specs)) {
  for (const includeStored of [true, false]) {
    for (const s of list) snap.query(s, { includeStored }); // warm-up
    const passes = 5;
    t0 = performance.now();
    for (let p = 0; p < passes; p++) for (const s of list) snap.query(s, { includeStored });
    (includeStored ? libraryMs : libraryMsBare)[kind] = (performance.now() - t0) / (passes * list.length);
  }
}

// 3. The server in a child process.
const child = spawn(process.execPath, [CLI, 'serve', data, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((done, fail) => {
  let out = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) done(m[1]!);
  });
  child.on('exit', () => fail(new Error(`server exited: ${out}`)));
});
const rssMB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

const requestsOf = (list: unknown[]) =>
  list.map((body) => ({
    method: 'POST',
    path: '/v1/collections/scifact/search',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }));
// Warm-up: open the snapshot and let the JIT settle before measuring memory and load.
await autocannon({ url, connections: 4, duration: 3, requests: requestsOf([...specs.bm25, ...specs.hybrid]) });
const rssBefore = rssMB();

const rows: Record<string, string | number>[] = [];
const results: Record<string, unknown>[] = [];
for (const [kind, list] of Object.entries(specs)) {
  for (const connections of [1, 8, 64]) {
    const r = await autocannon({ url, connections, duration: seconds, requests: requestsOf(list) });
    const errors = r.errors + r.timeouts + r.non2xx;
    const row = {
      queries: kind,
      connections,
      'req/s': r.requests.average,
      'p50 ms': r.latency.p50,
      'p99 ms': r.latency.p99,
      'mean ms': r.latency.average,
      requests: r.requests.total,
      errors,
    };
    rows.push(row);
    results.push(row);
  }
}
const health = await autocannon({ url, connections: 1, duration: 3, requests: [{ method: 'GET', path: '/health' }] });
const rssAfter = rssMB();
printTable(rows);

// Precise sequential latencies (autocannon reports whole milliseconds): one keep-alive connection, wall time per request.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function post(path: string, body: string): Promise<void> {
  return new Promise((done, fail) => {
    const req = request(
      url + path,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? done() : fail(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}
async function sequentialMs(path: string, list: unknown[]): Promise<number> {
  const bodies = list.map((b) => JSON.stringify(b));
  for (const b of bodies) await post(path, b);
  const passes = 3;
  const t = performance.now();
  for (let p = 0; p < passes; p++) for (const b of bodies) await post(path, b);
  return (performance.now() - t) / (passes * bodies.length);
}
const overhead = [];
for (const [kind, list] of Object.entries(specs)) {
  const stored = await sequentialMs('/v1/collections/scifact/search', list);
  const highlighted = await sequentialMs('/v1/collections/scifact/search?highlight=true', list);
  const bare = await sequentialMs('/v1/collections/scifact/search?stored=false', list);
  overhead.push({
    queries: kind,
    'library ms': libraryMs[kind]!,
    'server ms': stored,
    overhead: stored - libraryMs[kind]!,
    'library ms (no stored)': libraryMsBare[kind]!,
    'server ms (no stored)': bare,
    'overhead (no stored)': bare - libraryMsBare[kind]!,
    'server ms (+highlights)': highlighted,
  });
}
agent.destroy();
console.log('');
printTable(overhead);
console.log(`\nGET /health at 1 connection: ${health.requests.average.toFixed(0)} req/s (the HTTP floor of this client and server)`);
console.log(`server RSS: ${rssBefore.toFixed(1)} MB after warm-up, ${rssAfter.toFixed(1)} MB after the load runs`);

child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
rmSync(root, { recursive: true, force: true });
writeJson('server', {
  node: process.version,
  seconds,
  queries: nq,
  rows: results,
  overhead,
  healthMs: health.latency.average,
  rssBeforeMB: rssBefore,
  rssAfterMB: rssAfter,
});
