// BM25 benchmark: Quarry (MaxScore + block-max pruning, and exhaustive
// scoring) against MiniSearch and Orama on the same documents and queries,
// each engine in its own process. Prints throughput, speed ratios, build rate,
// index size and memory; writes bench/out/bm25.json and bm25.svg.
// Lucene 8 (Debian's liblucene8-java, built with javac) runs in the same command when Java is present.
// Usage: npm run bench -- bm25 [--datasets scifact,zipf-200000,zipf-1000000] [--engines quarry,lucene,minisearch,orama]
//                               [--queries 1000] [--budget 30] [--positions on|off]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argList, argNumber, argValue } from '../common/args.js';
import { printTable, writeJson, writeSvgPlot } from '../report.js';
import { loadDataset, writeDocsFile } from './datasets.js';

const here = dirname(fileURLToPath(import.meta.url));
const datasets = argList('datasets', ['scifact', 'zipf-200000', 'zipf-1000000']);
const engines = argList('engines', ['quarry', 'lucene', 'minisearch', 'orama']);
const queries = argNumber('queries', 1000);
const budget = argNumber('budget', 30);
// Quarry and Lucene both index token positions unless --positions off (Quarry's default, and Anserini's).
const positions = argValue('positions', 'on');
if (positions !== 'on' && positions !== 'off') throw new Error('--positions takes on or off');

interface Timing {
  shape: string;
  k: number;
  mode: string;
  queries: number;
  seconds: number;
  qps: number;
  rounds: number[];
}
interface EngineResult {
  engine: string;
  dataset: string;
  docs: number;
  buildSeconds: number;
  docsPerSecond: number;
  indexBytes: number;
  peakRssMB: number;
  timings: Timing[];
  tops: Record<string, Record<string, string[]>>;
}

const tmp = mkdtempSync(join(tmpdir(), 'quarry-bench-'));
const results: EngineResult[] = [];
for (const dataset of datasets) {
  // every engine indexes this one file, written here so that no engine's memory holds its making
  const docsFile = join(tmp, `${dataset}-docs.tsv`);
  await writeDocsFile(loadDataset(dataset, 1), docsFile);
  for (const engine of engines) {
    const topOut = join(tmp, `${engine}-${dataset}.json`);
    process.stderr.write(`running ${engine} on ${dataset}...\n`);
    const r = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=12288',
        '--import',
        'tsx',
        join(here, 'engine.ts'),
        '--engine',
        engine,
        '--dataset',
        dataset,
        '--queries',
        String(queries),
        '--budget',
        String(budget),
        '--positions',
        positions,
        '--top-out',
        topOut,
        '--docs',
        docsFile,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (r.status !== 0) {
      process.stderr.write(`  ${engine} on ${dataset} failed (exit ${r.status}); skipped\n`);
      continue;
    }
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as EngineResult & { skipped?: string };
    if (res.skipped !== undefined) {
      process.stderr.write(`  ${engine} skipped: ${res.skipped}\n`);
      continue;
    }
    res.tops = JSON.parse(readFileSync(topOut, 'utf8')) as EngineResult['tops'];
    results.push(res);
  }
}
rmSync(tmp, { recursive: true, force: true });

/** Mean top-10 overlap of `tops` with the exact BM25 top-10 (Quarry exhaustive). */
function overlap(tops: Record<string, string[]>, exact: Record<string, string[]>): number {
  let sum = 0;
  let n = 0;
  for (const [key, ids] of Object.entries(tops)) {
    const want = exact[key];
    if (want === undefined) continue;
    const set = new Set(want);
    sum += want.length === 0 ? 1 : ids.filter((id) => set.has(id)).length / want.length;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

const rows: Record<string, string | number>[] = [];
const summary: Record<string, unknown>[] = [];
for (const dataset of datasets) {
  const quarry = results.find((r) => r.engine === 'quarry' && r.dataset === dataset);
  const exact = quarry?.tops.exhaustive ?? {};
  for (const res of results.filter((r) => r.dataset === dataset)) {
    for (const t of res.timings) {
      const mini = results
        .find((r) => r.engine === 'minisearch' && r.dataset === dataset)
        ?.timings.find((x) => x.shape === t.shape && x.k === t.k);
      const lucene = results
        .find((r) => r.engine === 'lucene' && r.dataset === dataset)
        ?.timings.find((x) => x.shape === t.shape && x.k === t.k);
      const exh = quarry?.timings.find((x) => x.shape === t.shape && x.k === t.k && x.mode === 'exhaustive');
      const engineName = res.engine === 'quarry' ? `quarry-${t.mode}` : res.engine;
      const ov =
        res.engine === 'quarry'
          ? t.mode === 'exhaustive'
            ? 1
            : overlap(res.tops[t.mode] ?? {}, exact)
          : overlap(res.tops[res.engine] ?? {}, exact);
      const row = {
        dataset,
        queries: t.shape,
        k: t.k,
        engine: engineName,
        qps: t.qps,
        'x exhaustive': exh ? t.qps / exh.qps : NaN,
        'x Lucene': lucene ? t.qps / lucene.qps : NaN,
        'x MiniSearch': mini ? t.qps / mini.qps : NaN,
        'top10 overlap': t.k === 10 ? ov : NaN,
        'measured q': t.queries,
        rounds: t.rounds.length,
        'round qps min-max': `${Math.round(Math.min(...t.rounds))}-${Math.round(Math.max(...t.rounds))}`,
      };
      rows.push(row);
      summary.push(row);
    }
  }
}
printTable(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && Number.isNaN(v) ? '' : v]))));
console.log();
printTable(
  results.map((r) => ({
    dataset: r.dataset,
    engine: r.engine,
    docs: r.docs,
    'build s': r.buildSeconds,
    'docs/s': Math.round(r.docsPerSecond),
    'index MB': r.indexBytes / 1048576,
    'index size': r.engine === 'quarry' || r.engine === 'lucene' ? 'on disk' : 'heap growth',
    'peak RSS MB': r.engine === 'lucene' ? 'n/a (JVM)' : Math.round(r.peakRssMB),
  })),
);
writeJson('bm25', {
  node: process.version,
  datasets,
  engines,
  queries,
  budget,
  positions,
  rows: summary,
  builds: results.map(({ tops: _t, ...rest }) => rest),
});
writeSvgPlot(
  'bm25',
  'BM25 top-10 queries/s (log scale)',
  'query set (1..n in table order)',
  'queries/s',
  [...new Set(rows.map((r) => String(r.engine)))].map((engine) => ({
    label: engine,
    points: rows.filter((r) => r.engine === engine && r.k === 10).map((r, i) => ({ x: i + 1, y: r.qps as number })),
  })),
  true,
);
