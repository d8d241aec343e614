// One engine of the BM25 benchmark, in its own process so that build memory
// is measured per engine. Prints one JSON object on stdout.
// Usage: node --import tsx bench/bm25/engine.ts --engine quarry|lucene|minisearch|orama --dataset scifact|zipf-N
//        [--queries 1000] [--ks 10,1000] [--budget 60] [--positions on|off] [--top-out file] [--docs id-tab-text.tsv]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import MiniSearch from 'minisearch';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { forEachLine } from '../../src/io/line-reader.js';
import { argList, argNumber, argValue } from '../common/args.js';
import { loadDataset, writeDocsFile } from './datasets.js';
import { runLucene } from './lucene.js';

const engine = argValue('engine', 'quarry');
const dataset = loadDataset(argValue('dataset', 'scifact'), argNumber('queries', 1000));
const ks = argList('ks', ['10', '1000']).map(Number);
const budget = argNumber('budget', 60);
const topOut = argValue('top-out', '');
const positions = argValue('positions', 'on') === 'on';
/** The documents as `id<TAB>text` lines (bench/bm25/main.ts writes them once for every engine); written here when absent. */
const docsFile = argValue('docs', '');

interface Timing {
  shape: string;
  k: number;
  mode: string;
  queries: number;
  seconds: number;
  qps: number;
  /** Queries/s of each timed round (one pass over the query set, or what the budget allowed). */
  rounds: number[];
}

type Searcher = (q: string, k: number) => unknown;

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Warm-up passes over the query set before timing (every engine, LuceneBench.java too). */
const WARM_PASSES = 3;
/** Timed rounds continue until they add up to this many seconds (and at least MIN_ROUNDS rounds), within the budget. */
const MIN_SECONDS = 2;
const MIN_ROUNDS = 3;

/**
 * Times `run` on the queries. Every engine does the same work inside the timed loop: it
 * analyzes the query text and finds the top k (document numbers); ids are looked up
 * afterwards, outside the timing, for the top-10 comparison. Warm-up: WARM_PASSES passes
 * (at most a fifth of the budget). Then whole passes are timed, one round each, until
 * MIN_SECONDS and MIN_ROUNDS are reached or the budget is spent.
 */
async function time(
  shape: string,
  mode: string,
  k: number,
  queries: string[],
  run: Searcher,
  ids?: (q: string) => string[] | Promise<string[]>,
  tops?: Record<string, string[]>,
): Promise<Timing> {
  const warmStart = performance.now();
  warm: for (let p = 0; p < WARM_PASSES; p++)
    for (const q of queries) {
      await run(q, k);
      if ((performance.now() - warmStart) / 1000 > budget / 5) break warm;
    }
  const rounds: number[] = [];
  let n = 0;
  let seconds = 0;
  while (seconds < budget && (seconds < MIN_SECONDS || rounds.length < MIN_ROUNDS)) {
    const started = performance.now();
    let inRound = 0;
    for (const q of queries) {
      await run(q, k);
      inRound++;
      if (seconds + (performance.now() - started) / 1000 > budget) break;
    }
    const s = (performance.now() - started) / 1000;
    rounds.push(inRound / s);
    n += inRound;
    seconds += s;
  }
  if (tops !== undefined && ids !== undefined && k === 10)
    for (let i = 0; i < queries.length; i++) tops[`${shape}:${i}`] = await ids(queries[i]!);
  return { shape, k, mode, queries: n, seconds, qps: n / seconds, rounds };
}

/** The whole dataset as objects (what MiniSearch and Orama index), then a GC so their heap growth is measured alone. */
function loadAllDocs(): { id: string; text: string }[] {
  const all: { id: string; text: string }[] = [];
  dataset.forEachDoc((id, text) => all.push({ id, text }));
  gc();
  return all;
}

async function main(): Promise<void> {
  gc();
  const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().external;
  const timings: Timing[] = [];
  const tops: Record<string, Record<string, string[]>> = {};
  // eslint-disable-next-line no-useless-assignment -- every engine branch sets it; the default documents the unit
  let indexBytes = 0;
  let docs = 0;
  // eslint-disable-next-line no-useless-assignment -- as indexBytes
  let buildSeconds = 0;
  let cleanup = (): void => {};

  if (engine === 'quarry') {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-bm25-'));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    const schema = parseSchema({
      id: 'id',
      fields: { contents: { type: 'text', from: ['text'], analyzer: dataset.analyzer, k1: dataset.k1, b: dataset.b, positions } },
      store: [],
    });
    const docsPath = docsFile !== '' ? docsFile : join(dir, 'docs.tsv');
    if (docsFile === '') await writeDocsFile(dataset, docsPath);
    // Timed as LuceneBench.java times Lucene: read the same file line by line, add every document
    // with the writer's default memory buffer, merge to one segment and commit.
    const t0 = performance.now();
    const c = Collection.create(join(dir, 'idx'), schema);
    const w = c.writer({ backgroundMerges: false });
    forEachLine(docsPath, (line) => {
      const tab = line.indexOf('\t');
      w.add({ id: line.slice(0, tab), text: line.slice(tab + 1) });
      docs++;
    });
    w.optimize();
    w.close();
    buildSeconds = (performance.now() - t0) / 1000;
    const snap = c.reader({ verifyChecksums: false });
    indexBytes = c.info().bytes;
    for (const [shape, queries] of Object.entries(dataset.queries)) {
      for (const k of ks) {
        for (const mode of ['auto', 'pruned', 'exhaustive'] as const) {
          const key = `${mode}`;
          tops[key] ??= {};
          // timed: analysis and the top k; ids are looked up after the timing, as for Lucene
          const run = (q: string, kk: number): unknown => snap.topDocs(snap.queryTerms(q), kk, mode);
          const ids = (q: string): string[] => Array.from(snap.topDocs(snap.queryTerms(q), 10, mode).docs, (d) => snap.id(d));
          timings.push(await time(shape, mode, k, queries, run, ids, tops[key]));
        }
      }
    }
  } else if (engine === 'minisearch') {
    const all = loadAllDocs();
    docs = all.length;
    const base = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const ms = new MiniSearch<{ id: string; text: string }>({ fields: ['text'], storeFields: [] });
    ms.addAll(all);
    buildSeconds = (performance.now() - t0) / 1000;
    gc();
    indexBytes = process.memoryUsage().heapUsed - base;
    tops.minisearch = {};
    for (const [shape, queries] of Object.entries(dataset.queries)) {
      for (const k of ks)
        timings.push(
          await time(
            shape,
            'minisearch',
            k,
            queries,
            // MiniSearch answers ids; its search is what is timed
            (q, kk) => ms.search(q).slice(0, kk),
            (q) =>
              ms
                .search(q)
                .slice(0, 10)
                .map((r) => String(r.id)),
            tops.minisearch,
          ),
        );
    }
  } else if (engine === 'orama') {
    const all = loadAllDocs();
    docs = all.length;
    const base = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const db = create({ schema: { text: 'string' } as const });
    for (let i = 0; i < all.length; i += 10_000) await insertMultiple(db, all.slice(i, i + 10_000));
    buildSeconds = (performance.now() - t0) / 1000;
    gc();
    indexBytes = process.memoryUsage().heapUsed - base;
    tops.orama = {};
    for (const [shape, queries] of Object.entries(dataset.queries)) {
      for (const k of ks) {
        timings.push(
          await time(
            shape,
            'orama',
            k,
            queries,
            async (q, kk) => oramaSearch(db, { term: q, limit: kk, properties: ['text'] }),
            async (q) => (await oramaSearch(db, { term: q, limit: 10, properties: ['text'] })).hits.map((h) => String(h.id)),
            tops.orama,
          ),
        );
      }
    }
  } else if (engine === 'lucene') {
    const work = mkdtempSync(join(tmpdir(), 'quarry-bench-lucene-'));
    cleanup = () => rmSync(work, { recursive: true, force: true });
    const r = await runLucene(dataset, ks, budget, work, positions, docsFile === '' ? undefined : docsFile);
    if (typeof r === 'string') {
      cleanup();
      process.stdout.write(JSON.stringify({ engine, dataset: dataset.name, skipped: r }) + '\n');
      return;
    }
    docs = r.docs;
    buildSeconds = r.buildSeconds;
    indexBytes = r.indexBytes;
    timings.push(...r.timings);
    tops.lucene = r.tops;
  } else throw new Error(`unknown engine ${engine}`);

  cleanup();
  if (topOut !== '') writeFileSync(topOut, JSON.stringify(tops));
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    JSON.stringify({
      engine,
      dataset: dataset.name,
      docs,
      buildSeconds,
      docsPerSecond: docs / buildSeconds,
      indexBytes,
      peakRssMB,
      heapBefore,
      timings,
    }) + '\n',
  );
}

await main();
