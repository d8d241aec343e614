// Profiling helper: builds a Seismic index on the synthetic collection (node --cpu-prof ...).
import { buildSeismic } from '../../src/index/sparse/seismic/index.js';
import { argNumber } from '../common/args.js';
import { generateSyntheticSparse, SYNTH_DEFAULTS } from './splade-synth.js';

const { docs } = generateSyntheticSparse({ ...SYNTH_DEFAULTS, docs: argNumber('docs', 20000), queries: 10 });
const t = performance.now();
const idx = buildSeismic(docs, {});
console.log(
  `built ${docs.rows} docs in ${((performance.now() - t) / 1000).toFixed(1)} s; blocks ${idx.data.blockStart.length - 1}, summary entries ${idx.data.sumTerms.length}`,
);
