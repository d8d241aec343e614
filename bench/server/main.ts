// HTTP server load test on loopback: SciFact with BM25 queries and hybrid
// (BM25 + GloVe-average dense, RRF) queries, sent by autocannon at 1, 8 and
// 64 connections to a `quarry serve` child process; requests/s, p50/p99
// latency, errors, and the server's resident memory before and after. The
// same queries are also run through the library in this process, and the
// server's overhead per request is its mean latency over one keep-alive
// connection (sequential requests, timed here) minus the library's mean time
// per query (default response with stored fields; ids and scores only; and
// with highlights, which the library call does not compute). All of it twice:
// searching on the request thread (--search-threads 0) and on one search
// thread (the default), with how long GET /health waits behind a slow search.
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
import type { QuerySpecInput } from '../../src/search/query-spec.js';

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
const specs: Record<string, QuerySpecInput[]> = {
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

// 3. The server in a child process, once searching on its request thread (--search-threads 0)
// and once on one search thread (the default): the same requests, warm-up and timings for both.
const slowText = Array.from({ length: 300 }, (_, i) => `${queries[i % queries.length]!.split(' ')[0]}x~2`).join(' ');
const slowSpec = { retrieve: [{ field: 'contents', text: slowText, syntax: 'lucene' }], k: 10 };

interface ServerFigures {
  threads: number;
  rows: Record<string, string | number>[];
  overhead: Record<string, string | number>[];
  healthMs: number;
  healthDuringSlowMs: number;
  slowMs: number;
  rssBefore: number;
  rssAfter: number;
}

async function measure(threads: number): Promise<ServerFigures> {
  const child = spawn(process.execPath, [CLI, 'serve', data, '--port', '0', '--timeout', '5000', '--search-threads', String(threads)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
  await autocannon({ url, connections: 4, duration: 3, requests: requestsOf([...specs.bm25!, ...specs.hybrid!]) });
  const rssBefore = rssMB();

  const rows: Record<string, string | number>[] = [];
  for (const [kind, list] of Object.entries(specs)) {
    for (const connections of [1, 8, 64]) {
      const r = await autocannon({ url, connections, duration: seconds, requests: requestsOf(list) });
      rows.push({
        threads,
        queries: kind,
        connections,
        'req/s': r.requests.average,
        'p50 ms': r.latency.p50,
        'p99 ms': r.latency.p99,
        'mean ms': r.latency.average,
        requests: r.requests.total,
        errors: r.errors + r.timeouts + r.non2xx,
      });
    }
  }
  const health = await autocannon({ url, connections: 1, duration: 3, requests: [{ method: 'GET', path: '/health' }] });
  const rssAfter = rssMB();

  // Precise sequential latencies (autocannon reports whole milliseconds): one keep-alive connection, wall time per request.
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  function send(method: string, path: string, body: string | null): Promise<number> {
    return new Promise((done, fail) => {
      const headers: Record<string, string | number> =
        body === null ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = request(url + path, { method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', fail);
      req.end(body ?? undefined);
    });
  }
  async function sequentialMs(path: string, list: unknown[]): Promise<number> {
    const bodies = list.map((b) => JSON.stringify(b));
    for (const b of bodies) await send('POST', path, b);
    const passes = 3;
    const t = performance.now();
    for (let p = 0; p < passes; p++)
      for (const b of bodies) {
        const status = await send('POST', path, b);
        if (status !== 200) throw new Error(`HTTP ${status}`);
      }
    return (performance.now() - t) / (passes * bodies.length);
  }
  const overhead = [];
  for (const [kind, list] of Object.entries(specs)) {
    const stored = await sequentialMs('/v1/collections/scifact/search', list);
    const highlighted = await sequentialMs('/v1/collections/scifact/search?highlight=true', list);
    const bare = await sequentialMs('/v1/collections/scifact/search?stored=false', list);
    overhead.push({
      threads,
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

  // A slow search (300 fuzzy words), and GET /health sent 100 ms after it on a second connection.
  const slowStarted = performance.now();
  const slow = send('POST', '/v1/collections/scifact/search', JSON.stringify(slowSpec)).then(() => performance.now() - slowStarted);
  await new Promise((r) => setTimeout(r, 100));
  const healthStarted = performance.now();
  await send('GET', '/health', null);
  const healthDuringSlowMs = performance.now() - healthStarted;
  const slowMs = await slow;
  agent.destroy();

  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return { threads, rows, overhead, healthMs: health.latency.average, healthDuringSlowMs, slowMs, rssBefore, rssAfter };
}

const figures: ServerFigures[] = [];
for (const threads of [0, 1]) figures.push(await measure(threads));
printTable(figures.flatMap((f) => f.rows));
console.log('');
printTable(figures.flatMap((f) => f.overhead));
console.log('');
printTable(
  figures.map((f) => ({
    'search threads': f.threads,
    'slow search ms': f.slowMs,
    'GET /health during it, ms': f.healthDuringSlowMs,
    'RSS after warm-up MB': f.rssBefore,
    'RSS after load MB': f.rssAfter,
  })),
);
const bm25At = (f: ServerFigures, connections: number): number =>
  Number(f.rows.find((r) => r.queries === 'bm25' && r.connections === connections)!['req/s']);
for (const connections of [1, 8, 64])
  console.log(
    `BM25 requests/s at ${connections} connection(s): one search thread ${bm25At(figures[1]!, connections).toFixed(0)} vs request thread ${bm25At(figures[0]!, connections).toFixed(0)} (${((bm25At(figures[1]!, connections) / bm25At(figures[0]!, connections) - 1) * 100).toFixed(1)}%)`,
  );

rmSync(root, { recursive: true, force: true });
writeJson('server', {
  node: process.version,
  seconds,
  queries: nq,
  figures,
});
