import { SparseExactIndex } from '../../src/index/sparse-exact.js';
import { buildSeismic } from '../../src/index/seismic/index.js';
import { generateSyntheticSparse, SYNTH_DEFAULTS } from './splade-synth.js';
const { docs, queries } = generateSyntheticSparse({ ...SYNTH_DEFAULTS, docs: 100000, queries: 200 });
const row = (m: any, r: number) => ({ ids: m.indices.subarray(m.indptr[r], m.indptr[r + 1]), values: m.values.subarray(m.indptr[r], m.indptr[r + 1]) });
const exact = new SparseExactIndex(docs);
const truth = Array.from({ length: 200 }, (_, q) => exact.search(row(queries, q), 10, 'exhaustive').ids);
let t = performance.now(); for (let q = 0; q < 200; q++) exact.search(row(queries, q), 10, 'exhaustive'); console.log('exhaustive ms', ((performance.now() - t) / 200).toFixed(2));
for (const [cf, se, np] of [[0.05, 0.3, 2000], [0.02, 0.3, 2000], [0.05, 0.2, 1000]] as const) {
  t = performance.now();
  const idx = buildSeismic(docs, { centroidFraction: cf, summaryEnergy: se, nPostings: np });
  const bt = (performance.now() - t) / 1000;
  const d = idx.data;
  for (const sp of [{ queryCut: 5, heapFactor: 0.9 }, { queryCut: 10, heapFactor: 0.8 }]) {
    let rec = 0; t = performance.now();
    for (let q = 0; q < 200; q++) { const ids = new Set(idx.search(row(queries, q), 10, sp).ids); rec += Array.from(truth[q]!).filter((x) => ids.has(x)).length / 10; }
    console.log(`cf ${cf} se ${se} np ${np} build ${bt.toFixed(1)}s blocks ${d.blockStart.length - 1} sum/nnz ${(d.sumTerms.length / docs.indices.length).toFixed(2)} | qc ${sp.queryCut} hf ${sp.heapFactor}: recall ${(rec / 200).toFixed(3)} ms ${((performance.now() - t) / 200).toFixed(2)}`);
  }
}
