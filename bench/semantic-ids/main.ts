// Semantic ids and residual quantization on the dense benchmark's data (bench/dense/datasets.ts:
// all 341,479 GloVe vectors less 1,000 held-out query words, or 100,000 x 384 clustered Gaussian
// vectors; cosine, exact top-10 from the flat scan).
// 1. Semantic ids (`fitSemanticIds`, the CLI's defaults: 3 levels x 256): fit and coding time,
//    unexplained energy per level, codebook use, collisions, and how well prefixes keep
//    neighbourhoods: the share of each query's exact top-10 whose id starts with the query's
//    own prefix, next to chance (the share of all vectors with that prefix). The same for
//    hierarchical k-means ids (DSI: 10 clusters per split, leaves of at most 100), the query
//    routed down the cluster tree; then the base coded again in the saved tree (time, and how
//    many rows get their fitted id back).
// 2. The residual quantizer as a compressor, against product quantization at the same code size
//    (4 bytes: 4 levels x 256 vs m = 4 sub-quantizers x 256): recall@10 of the asymmetric
//    estimate alone and of its top 100 (what rescoring 10 x k would recover), and queries/s of
//    the table-lookup scan next to the exact flat scan in the same run.
// Usage: npm run bench -- semantic-ids [--dataset glove|gauss] [--queries 1000]
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { TopKHeap } from '../../src/kernels/top-k-heap.js';
import { codeHierarchicalIds, fitHierarchicalIds, routeHierarchical } from '../../src/learn/semantic-ids/hierarchical-ids.js';
import { readHierarchy, writeHierarchy } from '../../src/learn/semantic-ids/hierarchical-ids-file.js';
import { encodeProduct, fitProductQuantizer } from '../../src/quantize/product-quantizer.js';
import { encodeResidual, fitResidualQuantizer } from '../../src/learn/semantic-ids/residual-quantizer.js';
import { fitSemanticIds } from '../../src/learn/semantic-ids/semantic-ids.js';
import { printTable, writeJson } from '../report.js';
import { normalizedDataset, prefixSharing, prefixTable, type PrefixSharing } from './prefix-sharing.js';

const ds = normalizedDataset();
const { name, dim, n, nq, base, queries } = ds;
const seconds = (t0: number): number => (performance.now() - t0) / 1000;
console.log(`${name}: ${n.toLocaleString('en-US')} x ${dim}, ${nq} queries`);

// 1. Semantic ids
let t0 = performance.now();
const { quantizer, ids } = fitSemanticIds(base, dim, { levels: 3, codebookSize: 256 });
const idSeconds = seconds(t0);
t0 = performance.now();
encodeResidual(quantizer, base);
const codeSeconds = seconds(t0);
const s = ids.stats;
const qCodes = encodeResidual(quantizer, queries).codes;
const prefixRows = prefixSharing(ids.tokens, ids.width, qCodes, 3, ds.truth);
console.log(
  `\nsemantic ids, 3 levels x 256: fit + code ${idSeconds.toFixed(1)} s (coding alone ${codeSeconds.toFixed(1)} s, ${Math.round(n / codeSeconds).toLocaleString('en-US')} vectors/s)`,
);
console.log(
  `unexplained energy after each level: ${s.relativeResidual
    .slice(1)
    .map((x) => x.toFixed(3))
    .join(' / ')}`,
);
console.log(`codewords used: ${s.usedCodewords.join(' / ')}; perplexity ${s.perplexity.map((x) => x.toFixed(1)).join(' / ')}`);
console.log(
  `distinct prefixes: ${s.distinctPrefixes.join(' / ')}; rows sharing their 3 codewords ${s.collidingRows} (${((100 * s.collidingRows) / n).toFixed(2)}%), largest group ${s.largestGroup}`,
);
printTable(prefixTable(prefixRows));

// 1b. Hierarchical k-means ids (DSI: 10 clusters per split, leaves of at most 100)
t0 = performance.now();
const dsi = fitHierarchicalIds(base, dim, { branching: 10, leafSize: 100 });
const dsiSeconds = seconds(t0);
const dsiRows: PrefixSharing[] = [];
const dsiPaths = Array.from({ length: nq }, (_, q) => routeHierarchical(dsi.tree, queries.subarray(q * dim, (q + 1) * dim)));
for (let depth = 1; depth <= 3; depth++) {
  // a row's prefix of `depth` cluster numbers (shorter ids: the whole path), as a string key
  const prefix = (r: number): string => {
    const end = Math.min(dsi.offsets[r]! + depth, dsi.offsets[r + 1]! - 1);
    return Array.from(dsi.tokens.subarray(dsi.offsets[r]!, end)).join('.');
  };
  const count = new Map<string, number>();
  for (let r = 0; r < n; r++) count.set(prefix(r), (count.get(prefix(r)) ?? 0) + 1);
  let sharing = 0;
  let chance = 0;
  for (let q = 0; q < nq; q++) {
    const k = dsiPaths[q]!.slice(0, depth).join('.');
    for (let j = 0; j < 10; j++) if (prefix(ds.truth[q * 10 + j]!) === k) sharing += 1 / (10 * nq);
    chance += (count.get(k) ?? 0) / n / nq;
  }
  dsiRows.push({ depth, neighboursSharing: sharing, chance, ratio: sharing / chance });
}
const d = dsi.stats;
console.log(
  `\nhierarchical ids (DSI), 10 clusters per split, leaves of at most 100: ${dsiSeconds.toFixed(1)} s; ${d.leaves} leaves (largest ${d.largestLeaf}); ids of ${d.meanIdLength.toFixed(2)} tokens on average, ${d.longestId} at most`,
);
printTable(prefixTable(dsiRows));
// Coding the base again in the saved tree (--tree) must reproduce every id; how fast is it?
const treeFile = join(tmpdir(), `quarry-bench-dsi-${process.pid}.safetensors`);
writeHierarchy(treeFile, dsi.tree, dim);
t0 = performance.now();
const recoded = codeHierarchicalIds(readHierarchy(treeFile).tree, base, dim);
const recodeSeconds = seconds(t0);
rmSync(treeFile);
let sameIds = 0;
for (let r = 0; r < n; r++) {
  const a = dsi.tokens.subarray(dsi.offsets[r]!, dsi.offsets[r + 1]!);
  const b = recoded.tokens.subarray(recoded.offsets[r]!, recoded.offsets[r + 1]!);
  if (a.length === b.length && a.every((v, i) => v === b[i])) sameIds++;
}
console.log(
  `coded again in the saved tree: ${recodeSeconds.toFixed(1)} s (${Math.round(n / recodeSeconds).toLocaleString('en-US')} vectors/s, tree read included); same id for ${sameIds.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows`,
);

// 2. Residual quantization vs product quantization at 4 bytes per vector
const LEVELS = 4;
t0 = performance.now();
const rq = fitResidualQuantizer(base, dim, { levels: LEVELS, codebookSize: 256 });
const rqCodes = encodeResidual(rq, base).codes;
const rqBuild = seconds(t0);
t0 = performance.now();
const pq = fitProductQuantizer(base, dim, LEVELS);
const pqCodes = encodeProduct(pq, base);
const pqBuild = seconds(t0);

/** recall@10 of the estimate alone, of its top 100, and queries/s of a table-lookup scan. */
function adcScan(
  tableOf: (q: Float32Array, table: Float32Array) => void,
  codes: Uint8Array | Uint16Array,
): { recall10: number; recallIn100: number; qps: number } {
  const table = new Float32Array(LEVELS * 256);
  const heap = new TopKHeap(100);
  let r10 = 0;
  let r100 = 0;
  const started = performance.now();
  for (let q = 0; q < nq; q++) {
    tableOf(queries.subarray(q * dim, (q + 1) * dim), table);
    heap.clear();
    for (let r = 0; r < n; r++) {
      let score = 0;
      for (let l = 0; l < LEVELS; l++) score += table[l * 256 + codes[r * LEVELS + l]!]!;
      if (heap.size < 100 || score > heap.threshold()) heap.offer(score, r);
    }
    const top = heap.drain().docs;
    const want = new Set(Array.from(ds.truth.subarray(q * 10, q * 10 + 10)));
    top.forEach((doc, i) => {
      if (!want.has(doc)) return;
      if (i < 10) r10 += 0.1 / nq;
      r100 += 0.1 / nq;
    });
  }
  return { recall10: r10, recallIn100: r100, qps: nq / seconds(started) };
}

// table[l * 256 + c] = <q, codeword c of level l>: the reconstruction is the sum of one codeword per level
const rqResult = adcScan((q, table) => {
  for (let l = 0; l < LEVELS; l++) {
    for (let c = 0; c < 256; c++) {
      let dot = 0;
      const at = (l * 256 + c) * dim;
      for (let j = 0; j < dim; j++) dot += q[j]! * rq.codebooks[at + j]!;
      table[l * 256 + c] = dot;
    }
  }
}, rqCodes);
// table[m * 256 + c] = <q's sub-vector m, sub-centroid c>
const pqResult = adcScan((q, table) => {
  for (let m = 0; m < LEVELS; m++) {
    for (let c = 0; c < 256; c++) {
      let dot = 0;
      const from = pq.starts[m]!;
      const len = pq.starts[m + 1]! - from;
      const at = 256 * from + c * len;
      for (let j = 0; j < len; j++) dot += q[from + j]! * pq.centroids[at + j]!;
      table[m * 256 + c] = dot;
    }
  }
}, pqCodes);
const flat = buildFlat(base, { dim, metric: 'cosine' });
t0 = performance.now();
for (let q = 0; q < nq; q++) flat.search(queries.subarray(q * dim, (q + 1) * dim), 10);
const flatQps = nq / seconds(t0);

const compare = [
  {
    quantizer: `residual, ${LEVELS} levels x 256`,
    'bytes/vector': LEVELS,
    'fit + code s': rqBuild.toFixed(1),
    'recall@10': rqResult.recall10.toFixed(3),
    'recall@10 in top 100': rqResult.recallIn100.toFixed(3),
    'queries/s': Math.round(rqResult.qps),
  },
  {
    quantizer: `product, m = ${LEVELS} x 256`,
    'bytes/vector': LEVELS,
    'fit + code s': pqBuild.toFixed(1),
    'recall@10': pqResult.recall10.toFixed(3),
    'recall@10 in top 100': pqResult.recallIn100.toFixed(3),
    'queries/s': Math.round(pqResult.qps),
  },
  {
    quantizer: 'exact flat scan (same run)',
    'bytes/vector': 4 * dim,
    'fit + code s': '',
    'recall@10': '1',
    'recall@10 in top 100': '1',
    'queries/s': Math.round(flatQps),
  },
];
console.log('\nquantizers at the same code size (table-lookup scan over all vectors, no rescoring):');
printTable(compare);
const file = writeJson(`semantic-ids-${name}`, {
  dataset: name,
  rows: n,
  dim,
  queries: nq,
  idSeconds,
  codeSeconds,
  stats: s,
  prefixes: prefixRows,
  dsi: { seconds: dsiSeconds, stats: d, prefixes: dsiRows, recodeSeconds, sameIds },
  compare,
});
console.log(`\nwrote ${file}`);
