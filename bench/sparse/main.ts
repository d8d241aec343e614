// Learned-sparse benchmark: Seismic (several settings) against exact pruned
// search (MaxScore) and an exhaustive forward scan, single thread, on the
// synthetic SPLADE-like collection. Prints recall@10 and mean latency, build
// time, bytes per non-zero and memory; writes bench/out/sparse-<variant>.json/.svg.
// Usage: npm run bench -- sparse [--docs 1000000] [--queries 1000] [--variant standard|short] [--weighting informative|popular]
//        [--exact-only] (the exact methods alone, without building Seismic)
//        [--nPostings 2000] [--centroidFraction 0.05] [--summaryEnergy 0.5] [--maxFraction 1.5] [--pruned-queries 200]
import { SparseExactIndex } from '../../src/index/sparse/exact/sparse-exact-index.js';
import { buildSeismic, SEISMIC_BUILD_DEFAULTS, SeismicIndex } from '../../src/index/sparse/seismic/index.js';
import { kernelBackend } from '../../src/kernels/wasm/kernel-module.js';
import type { SparseMatrix } from '../../src/kernels/sparse-matrix.js';
import { argNumber, argValue } from '../common/args.js';
import { printTable, writeJson, writeSvgPlot } from '../report.js';
import { generateSyntheticSparse, SYNTH_DEFAULTS, type SyntheticWeighting } from './splade-synth.js';

const docsN = argNumber('docs', 1_000_000);
const buildParams = {
  nPostings: argNumber('nPostings', SEISMIC_BUILD_DEFAULTS.nPostings),
  centroidFraction: argNumber('centroidFraction', SEISMIC_BUILD_DEFAULTS.centroidFraction),
  summaryEnergy: argNumber('summaryEnergy', SEISMIC_BUILD_DEFAULTS.summaryEnergy),
  maxFraction: argNumber('maxFraction', SEISMIC_BUILD_DEFAULTS.maxFraction),
};
const prunedQueries = argNumber('pruned-queries', 200);
const queriesN = argNumber('queries', 1000);
const variant = argValue('variant', 'standard');
const weighting = argValue('weighting', SYNTH_DEFAULTS.weighting) as SyntheticWeighting;
if (weighting !== 'informative' && weighting !== 'popular') throw new Error(`--weighting must be informative or popular, got ${weighting}`);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const t0 = performance.now();
const { docs, queries } = generateSyntheticSparse({
  ...SYNTH_DEFAULTS,
  weighting,
  docs: docsN,
  queries: queriesN,
  queryNnz: variant === 'short' ? 8 : 40,
});
console.log(
  `generated (${weighting} weighting) ${docsN.toLocaleString('en-US')} docs (${(docs.indices.length / docsN).toFixed(1)} nnz/doc), ${queriesN} queries (${(queries.indices.length / queriesN).toFixed(1)} nnz/query) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const row = (m: SparseMatrix, r: number) => ({
  ids: m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!),
  values: m.values.subarray(m.indptr[r]!, m.indptr[r + 1]!),
});

gc();
const mem0 = process.memoryUsage();
let t = performance.now();
const exact = new SparseExactIndex(docs);
const exactBuild = (performance.now() - t) / 1000;
gc();
const exactMB = (process.memoryUsage().arrayBuffers - mem0.arrayBuffers) / 1048576;

// Ground truth: exhaustive exact search (checked against MaxScore below).
const truth: Int32Array[] = [];
t = performance.now();
for (let q = 0; q < queriesN; q++) truth.push(exact.search(row(queries, q), 10, 'exhaustive').ids);
const exhaustiveMs = (performance.now() - t) / queriesN;
t = performance.now();
let mismatches = 0;
const pq = Math.min(prunedQueries, queriesN);
for (let q = 0; q < pq; q++) {
  const ids = exact.search(row(queries, q), 10, 'pruned').ids;
  if (ids.join() !== truth[q]!.join()) mismatches++;
}
const prunedMs = (performance.now() - t) / pq;
const scanQueries = Math.min(queriesN, 50);
t = performance.now();
for (let q = 0; q < scanQueries; q++) exact.search(row(queries, q), 10, 'scan');
const scanMs = (performance.now() - t) / scanQueries;
const exactRows: Record<string, string | number>[] = [
  { method: 'forward scan (exhaustive)', 'recall@10': 1, 'mean ms': scanMs, 'x exact pruned': prunedMs / scanMs },
  { method: 'exact exhaustive (inverted, TAAT)', 'recall@10': 1, 'mean ms': exhaustiveMs, 'x exact pruned': prunedMs / exhaustiveMs },
  { method: 'exact pruned (MaxScore)', 'recall@10': 1, 'mean ms': prunedMs, 'x exact pruned': 1 },
];
if (process.argv.includes('--exact-only')) {
  printTable(exactRows);
  console.log(`exact pruned vs exhaustive top-10 mismatches: ${mismatches} of ${pq}`);
  process.exit(0);
}

gc();
t = performance.now();
const seismic = buildSeismic(docs, buildParams);
const seismicBuild = (performance.now() - t) / 1000;
gc();
const d = seismic.data;
const seismicBytes =
  d.fwdStart.byteLength +
  d.fwdTerms.byteLength +
  d.fwdValues.byteLength +
  d.listStart.byteLength +
  d.blockStart.byteLength +
  d.blockDocs.byteLength +
  d.sumStart.byteLength +
  d.sumTerms.byteLength +
  d.sumCodes.byteLength +
  d.sumMin.byteLength +
  d.sumStep.byteLength;
// The index's own arrays: most of them live in WebAssembly memory, which the process's
// arrayBuffers figure does not reliably include.
const seismicMB = seismicBytes / 1048576;

const recall = (got: Int32Array, want: Int32Array): number => {
  const w = new Set(want);
  let hit = 0;
  for (const id of got) if (w.has(id)) hit++;
  return want.length === 0 ? 1 : hit / want.length;
};
const settings: { queryCut: number; heapFactor: number; sorted?: boolean }[] = [
  { queryCut: 3, heapFactor: 0.9, sorted: true },
  { queryCut: 5, heapFactor: 0.9, sorted: true },
  { queryCut: 5, heapFactor: 0.8, sorted: true },
  { queryCut: 10, heapFactor: 0.8, sorted: true },
  { queryCut: 3, heapFactor: 0.9 },
  { queryCut: 5, heapFactor: 0.9 },
  { queryCut: 5, heapFactor: 0.8 },
  { queryCut: 8, heapFactor: 0.8 },
  { queryCut: 10, heapFactor: 0.8 },
  { queryCut: 10, heapFactor: 0.7 },
  { queryCut: 15, heapFactor: 0.7 },
  { queryCut: 20, heapFactor: 0.6 },
];
const rows = [...exactRows];
const curve: { x: number; y: number }[] = [];
const curveTs: { x: number; y: number }[] = [];
// The same index searched with the WebAssembly kernels and with the TypeScript reference
// scoring (same arrays), interleaved setting by setting.
const backends: [string, SeismicIndex, { x: number; y: number }[]][] = [[kernelBackend(), seismic, curve]];
if (kernelBackend() !== 'typescript') backends.push(['typescript', new SeismicIndex(seismic.data, seismic.params, false), curveTs]);
for (const sp of settings) {
  for (const [backend, index, points] of backends) {
    for (let q = 0; q < Math.min(50, queriesN); q++) index.search(row(queries, q), 10, sp); // warm-up
    let sum = 0;
    t = performance.now();
    const results: Int32Array[] = [];
    for (let q = 0; q < queriesN; q++) results.push(index.search(row(queries, q), 10, sp).ids);
    const ms = (performance.now() - t) / queriesN;
    results.forEach((ids, q) => (sum += recall(ids, truth[q]!)));
    const r = sum / queriesN;
    rows.push({
      method: `seismic queryCut ${sp.queryCut} heapFactor ${sp.heapFactor}${sp.sorted === true ? ' sorted' : ''} (${backend})`,
      'recall@10': r,
      'mean ms': ms,
      'x exact pruned': prunedMs / ms,
    });
    points.push({ x: r, y: ms });
  }
}
printTable(rows);
console.log();
printTable([
  {
    index: 'exact (inverted)',
    'build s': exactBuild,
    'MB (typed arrays)': exactMB,
    'bytes/nnz': (exactMB * 1048576) / docs.indices.length,
  },
  { index: 'seismic', 'build s': seismicBuild, 'MB (typed arrays)': seismicMB, 'bytes/nnz': seismicBytes / docs.indices.length },
]);
console.log(`seismic build parameters: ${JSON.stringify(buildParams)}`);
console.log(
  `exact pruned vs exhaustive top-10 mismatches: ${mismatches} of ${pq}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
writeJson(`sparse-${variant}`, {
  weighting,
  docs: docsN,
  queries: queriesN,
  variant,
  buildParams,
  rows,
  exactBuild,
  seismicBuild,
  seismicBytesPerNnz: seismicBytes / docs.indices.length,
  mismatches,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
});
writeSvgPlot(
  `sparse-${variant}`,
  `Seismic on ${docsN.toLocaleString('en-US')} synthetic SPLADE docs (${variant} queries)`,
  'recall@10',
  'mean ms / query',
  [
    { label: `seismic (${kernelBackend()})`, points: curve },
    ...(curveTs.length > 0 ? [{ label: 'seismic (typescript)', points: curveTs }] : []),
    { label: 'exact pruned', points: [{ x: 1, y: prunedMs }] },
  ],
);
