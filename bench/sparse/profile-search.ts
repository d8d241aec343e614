// Profiling helper: Seismic query processing on the synthetic collection. The built index
// and the queries are cached in the system temp folder, so profiling runs after the
// first skip generation and build.
// Usage: node --cpu-prof --import tsx bench/sparse/profile-search.ts [--docs 100000] [--nPostings 2000] [--summaryEnergy 0.5]
//        [--settings 3:0.9:s,5:0.8] [--rounds 5]   (queryCut:heapFactor, ":s" for sorted)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildSeismic,
  readSeismic,
  SEISMIC_BUILD_DEFAULTS,
  writeSeismic,
  type SeismicIndex,
} from '../../src/index/sparse/seismic/index.js';
import { SparseExactIndex } from '../../src/index/sparse/exact/sparse-exact-index.js';
import { argNumber, argValue } from '../common/args.js';
import { generateSyntheticSparse, SYNTH_DEFAULTS } from './splade-synth.js';

const docsN = argNumber('docs', 100000);
const nPostings = argNumber('nPostings', SEISMIC_BUILD_DEFAULTS.nPostings);
const summaryEnergy = argNumber('summaryEnergy', SEISMIC_BUILD_DEFAULTS.summaryEnergy);
const base = join(tmpdir(), `quarry-profile-seismic-${SYNTH_DEFAULTS.weighting}-${docsN}-${nPostings}-${summaryEnergy}`);
let index: SeismicIndex;
let queries: { ids: Uint32Array; values: Float32Array }[];
let truth: number[][];
if (existsSync(`${base}.seis`) && existsSync(`${base}.queries.json`)) {
  index = readSeismic(`${base}.seis`);
  const cached = JSON.parse(readFileSync(`${base}.queries.json`, 'utf8')) as { queries: [number[], number[]][]; truth: number[][] };
  queries = cached.queries.map(([ids, values]) => ({ ids: Uint32Array.from(ids), values: Float32Array.from(values) }));
  truth = cached.truth;
} else {
  const { docs, queries: qm } = generateSyntheticSparse({ ...SYNTH_DEFAULTS, docs: docsN, queries: 500 });
  queries = Array.from({ length: qm.rows }, (_, q) => ({
    ids: qm.indices.slice(qm.indptr[q]!, qm.indptr[q + 1]!),
    values: qm.values.slice(qm.indptr[q]!, qm.indptr[q + 1]!),
  }));
  const exact = new SparseExactIndex(docs);
  truth = queries.map((q) => Array.from(exact.search(q, 10, 'pruned').ids));
  index = buildSeismic(docs, { nPostings, summaryEnergy });
  writeSeismic(`${base}.seis`, index);
  writeFileSync(`${base}.queries.json`, JSON.stringify({ queries: queries.map((q) => [Array.from(q.ids), Array.from(q.values)]), truth }));
}
// settings: queryCut:heapFactor[:s for sorted], comma-separated; run in alternating rounds
// (this machine's timing drifts by tens of percent between runs), reporting each one's
// fastest and median round.
const settings = argValue(
  'settings',
  `${argNumber('queryCut', 5)}:${argNumber('heapFactor', 0.9)}${argNumber('sorted', 0) === 1 ? ':s' : ''}`,
)
  .split(',')
  .map((text) => {
    const [qc, hf, flag] = text.split(':');
    return { queryCut: Number(qc), heapFactor: Number(hf), sorted: flag === 's' };
  });
const rounds = argNumber('rounds', 5);
for (const sp of settings) for (const q of queries.slice(0, 50)) index.search(q, 10, sp); // warm-up
const times = settings.map(() => [] as number[]);
const recall = settings.map(() => 0);
const scored = settings.map(() => 0);
for (let round = 0; round < rounds; round++) {
  settings.forEach((sp, j) => {
    const t = performance.now();
    let hits = 0;
    let work = 0;
    queries.forEach((q, i) => {
      const r = index.search(q, 10, sp);
      work += r.scored;
      for (const id of r.ids) if (truth[i]!.includes(id)) hits++;
    });
    times[j]!.push((performance.now() - t) / queries.length);
    recall[j] = hits / (10 * queries.length);
    scored[j] = work / queries.length;
  });
}
settings.forEach((sp, j) => {
  const sorted = [...times[j]!].sort((a, b) => a - b);
  console.log(
    `queryCut ${sp.queryCut} heapFactor ${sp.heapFactor}${sp.sorted ? ' sorted' : ''}: recall@10 ${recall[j]!.toFixed(4)}, ms/query fastest ${sorted[0]!.toFixed(3)} median ${sorted[sorted.length >> 1]!.toFixed(3)}, ${scored[j]!.toFixed(0)} docs scored/query`,
  );
});
