// Drift adapters on GloVe (bench/dense/datasets.ts: 340,479 words less 1,000 held-out query
// words; cosine) with a simulated model upgrade: the "new model" maps each vector by a fixed
// random 128 x 100 Gaussian matrix, bends every coordinate z to z + `bend`·tanh(2z) and renormalizes
// (bend 0: a linear map, not a rotation).
// Adapters are fitted on N evenly spread documents embedded by both models; the held-out query
// words, embedded by the new model and mapped, search the old model's exact index. Reported:
// recall@10 against the old model's own exact top 10 (how much of the old behaviour the adapter
// keeps), fit time, and the mapping's cost per query next to the search's. Adapters: Procrustes,
// ridge affine, and the residual MLP (256 hidden units, up to 30 epochs). For reference, in the
// same run: the new queries searched over the whole corpus re-embedded with the new model.
// Usage: npm run bench -- drift [--bends 0,0.5,2] [--pairs 1000,10000,50000]
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { applyDriftAdapter, fitDriftAdapter, type DriftAdapterKind } from '../../src/learn/drift/drift-adapter.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { argList } from '../common/args.js';
import { Prng } from '../common/prng.js';
import { loadDenseDataset, recall10 } from '../dense/datasets.js';
import { printTable, writeJson } from '../report.js';

const ds = loadDenseDataset('glove');
const d = ds.dim;
const P = 128;
const base = ds.base.slice();
normalizeRows(base, d);
const queries = ds.queries.slice();
normalizeRows(queries, d);
const n = base.length / d;
const nq = queries.length / d;
const bends = argList('bends', ['0', '0.5', '2']).map(Number);
const pairCounts = argList('pairs', ['1000', '10000', '50000']).map(Number);
const rng = new Prng(2025);
const gaussian = (): number => Math.sqrt(-2 * Math.log(Math.max(rng.next(), 1e-12))) * Math.cos(2 * Math.PI * rng.next());
// unit-variance entries: for a unit vector each new coordinate z is about N(0, 1), so tanh bends it
const A = Float32Array.from({ length: P * d }, () => gaussian());

function newModel(rows: Float32Array, bend: number): Float32Array {
  const m = rows.length / d;
  const out = new Float32Array(m * P);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < P; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += A[i * d + j]! * rows[r * d + j]!;
      out[r * P + i] = z + bend * Math.tanh(2 * z);
    }
  }
  normalizeRows(out, P);
  return out;
}

const oldIndex = buildFlat(base, { dim: d, metric: 'cosine' });
let t0 = performance.now();
const plain = Array.from({ length: nq }, (_, q) => oldIndex.search(queries.subarray(q * d, (q + 1) * d), 10).ids);
const searchMs = (performance.now() - t0) / nq;
console.log(
  `GloVe ${n.toLocaleString('en-US')} x ${d} → new model ${P}-d; ${nq} queries; old exact search ${searchMs.toFixed(2)} ms/query (recall ${recall10(plain, ds.truth).toFixed(3)})`,
);

const rows: Record<string, string | number>[] = [];
for (const bend of bends) {
  const newBase = newModel(base, bend);
  const newQueries = newModel(queries, bend);
  const reembedded = buildFlat(newBase, { dim: P, metric: 'cosine' });
  const reRecall = recall10(
    Array.from({ length: nq }, (_, q) => reembedded.search(newQueries.subarray(q * P, (q + 1) * P), 10).ids),
    ds.truth,
  );
  rows.push({
    bend: String(bend),
    pairs: 'all (re-embedded corpus)',
    adapter: '—',
    'fit s': '',
    'map µs/query': '',
    'recall@10 vs old top 10': reRecall.toFixed(3),
  });
  for (const pairs of pairCounts) {
    const xs = new Float32Array(pairs * P);
    const ys = new Float32Array(pairs * d);
    for (let i = 0; i < pairs; i++) {
      const r = Math.floor((i * n) / pairs);
      xs.set(newBase.subarray(r * P, (r + 1) * P), i * P);
      ys.set(base.subarray(r * d, (r + 1) * d), i * d);
    }
    for (const kind of ['procrustes', 'affine', 'mlp'] as DriftAdapterKind[]) {
      t0 = performance.now();
      const adapter = fitDriftAdapter(xs, P, ys, d, { kind });
      const fit = (performance.now() - t0) / 1000;
      const mapped = new Float32Array(nq * d);
      t0 = performance.now();
      for (let q = 0; q < nq; q++) applyDriftAdapter(adapter, newQueries.subarray(q * P, (q + 1) * P), mapped.subarray(q * d, (q + 1) * d));
      const mapUs = ((performance.now() - t0) * 1000) / nq;
      const recall = recall10(
        Array.from({ length: nq }, (_, q) => oldIndex.search(mapped.subarray(q * d, (q + 1) * d), 10).ids),
        ds.truth,
      );
      rows.push({
        bend: String(bend),
        pairs: pairs.toLocaleString('en-US'),
        adapter: kind,
        'fit s': fit.toFixed(2),
        'map µs/query': mapUs.toFixed(1),
        'recall@10 vs old top 10': recall.toFixed(3),
      });
      console.log(`bend ${bend}, ${pairs} pairs, ${kind}: recall ${recall.toFixed(3)} (fit ${fit.toFixed(2)} s)`);
    }
  }
}
printTable(rows);
console.log(`wrote ${writeJson('drift', { rows: n, queries: nq, newDim: P, searchMs, results: rows })}`);
