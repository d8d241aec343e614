// Profiling helper: Seismic query processing on the synthetic collection.
// Usage: node --cpu-prof --import tsx bench/sparse/profile-search.ts [--docs 100000] [--queryCut 5]
import { buildSeismic } from '../../src/index/seismic/index.js';
import { argNumber } from '../common/args.js';
import { generateSyntheticSparse, SYNTH_DEFAULTS } from './splade-synth.js';

const { docs, queries } = generateSyntheticSparse({ ...SYNTH_DEFAULTS, docs: argNumber('docs', 100000), queries: 500 });
const idx = buildSeismic(docs, {});
const sp = { queryCut: argNumber('queryCut', 5), heapFactor: 0.9 };
const t = performance.now();
let scored = 0;
for (let rep = 0; rep < 4; rep++) {
  for (let q = 0; q < queries.rows; q++) {
    const from = queries.indptr[q]!;
    const to = queries.indptr[q + 1]!;
    scored += idx.search({ ids: queries.indices.subarray(from, to), values: queries.values.subarray(from, to) }, 10, sp).scored;
  }
}
console.log(`${((performance.now() - t) / (4 * queries.rows)).toFixed(3)} ms/query, ${(scored / (4 * queries.rows)).toFixed(0)} docs scored/query`);
