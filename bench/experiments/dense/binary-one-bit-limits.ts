// How far can 1-bit codes go on GloVe at 10 x k rescored? Two levers beyond the
// defaults, measured on all 1,000 held-out queries:
//  1. more k-means centres (shorter residuals, queries nearer their neighbours'
//     centres), with the index itself: recall@10 at 10 x k and 20 x k, build time;
//  2. ranking candidates by the code estimate shifted by z times its expected
//     error (RaBitQ's error bound: |r| tan(theta) |q - c| / sqrt(D - 1), with theta
//     the angle between the residual r and its sign code). z > 0 is an optimistic
//     bound (rows whose estimate is uncertain get a chance), z < 0 a pessimistic
//     one (the rows that win the top 100 by luck are the uncertain ones). This
//     part re-implements the index's estimate in plain float64 (float query, no
//     4-bit query weights) with the same rotation and number of centres, so that
//     the per-row error term can be tried without changing the kernel.
// Usage: node --import tsx bench/experiments/dense/binary-one-bit-limits.ts [--centroids 584,2048,8192] [--z 0,0.5,1,-0.5,-1,-2]
import { buildBinary } from '../../../src/index/dense/binary/index.js';
import { kmeans } from '../../../src/quantize/kmeans.js';
import { randomOrthonormalColumns } from '../../../src/quantize/random-rotation.js';
import { argList } from '../../common/args.js';
import { loadDenseDataset, recall10 } from '../../dense/datasets.js';

const ds = loadDenseDataset('glove');
const dim = ds.dim;
const n = ds.base.length / dim;
const nq = ds.queries.length / dim;
const query = (q: number): Float32Array => ds.queries.subarray(q * dim, (q + 1) * dim);

console.log(`GloVe ${n.toLocaleString('en-US')} x ${dim}, ${nq} queries, 1-bit codes (rotated to 128 dimensions)`);
console.log('\n1. centres');
for (const centroids of argList('centroids', ['584', '2048', '8192']).map(Number)) {
  const t0 = performance.now();
  const idx = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, centroids });
  const build = (performance.now() - t0) / 1000;
  const cells: string[] = [];
  for (const rescore of [10, 20]) {
    const ids: ArrayLike<number>[] = [];
    for (let q = 0; q < nq; q++) ids.push(idx.search(query(q), 10, { rescore }).ids);
    cells.push(`${rescore} x k ${recall10(ids, ds.truth).toFixed(3)}`);
  }
  console.log(`centroids ${centroids}: build ${build.toFixed(1)} s, recall@10 ${cells.join(', ')}`);
}

console.log('\n2. ranking by estimate + z x expected error (recall of the exact top 10 among the 100 best, float64 re-implementation)');
const D = Math.ceil(dim / 32) * 32;
const K = Math.round(Math.sqrt(n));
const rotation = randomOrthonormalColumns(D, dim, 42);
/** Unit-length `v` embedded into D dimensions. */
function embed(v: Float32Array, out: Float32Array): void {
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let j = 0; j < D; j++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += rotation[j * dim + i]! * v[i]!;
    out[j] = s / norm;
  }
}
const rows = new Float32Array(n * D);
for (let r = 0; r < n; r++) embed(ds.base.subarray(r * dim, (r + 1) * dim), rows.subarray(r * D, (r + 1) * D));
const centres = kmeans(rows, D, { k: K, seed: 42 }).centroids;
const assign = new Uint16Array(n);
for (let r = 0; r < n; r++) {
  let best = Infinity;
  for (let c = 0; c < K; c++) {
    let d2 = 0;
    for (let j = 0; j < D; j++) d2 += (rows[r * D + j]! - centres[c * D + j]!) ** 2;
    if (d2 < best) [best, assign[r]] = [d2, c];
  }
}
// Per row: the scaled sign code f x (f = |r|^2 / <x, r>), the centre offset
// <r, c> - f <x, c> (as the index stores), and the error scale |r| tan(theta) / sqrt(D - 1).
const scaledCode = new Float32Array(n * D);
const offset = new Float64Array(n);
const errorScale = new Float64Array(n);
for (let r = 0; r < n; r++) {
  const c = assign[r]! * D;
  let rr = 0;
  let xr = 0;
  let xc = 0;
  let rc = 0;
  for (let j = 0; j < D; j++) {
    const v = rows[r * D + j]! - centres[c + j]!;
    const x = v >= 0 ? 1 : -1;
    rr += v * v;
    xr += x * v;
    xc += x * centres[c + j]!;
    rc += v * centres[c + j]!;
  }
  const f = xr > 0 ? rr / xr : 0;
  for (let j = 0; j < D; j++) scaledCode[r * D + j] = rows[r * D + j]! - centres[c + j]! >= 0 ? f : -f;
  offset[r] = rc - f * xc;
  const cos = xr / Math.sqrt(rr * D);
  errorScale[r] = (Math.sqrt(rr) * Math.sqrt(Math.max(0, 1 - cos * cos))) / Math.max(cos, 1e-6) / Math.sqrt(D - 1);
}
const zs = argList('z', ['0', '0.5', '1', '-0.5', '-1', '-2']).map(Number);
const found = new Float64Array(zs.length);
const q = new Float32Array(D);
const toCentre = new Float64Array(K);
const distCentre = new Float64Array(K);
const estimate = new Float64Array(n);
const ranked = new Float64Array(n);
for (let qi = 0; qi < nq; qi++) {
  embed(query(qi), q);
  for (let c = 0; c < K; c++) {
    let dot = 0;
    let d2 = 0;
    for (let j = 0; j < D; j++) {
      dot += q[j]! * centres[c * D + j]!;
      d2 += (q[j]! - centres[c * D + j]!) ** 2;
    }
    toCentre[c] = dot;
    distCentre[c] = Math.sqrt(d2);
  }
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += scaledCode[r * D + j]! * q[j]!;
    estimate[r] = toCentre[assign[r]!]! + s + offset[r]!;
  }
  const truth = ds.truth.subarray(qi * 10, qi * 10 + 10);
  zs.forEach((z, zi) => {
    for (let r = 0; r < n; r++) ranked[r] = estimate[r]! + z * errorScale[r]! * distCentre[assign[r]!]!;
    const floor = ranked.slice().sort()[n - 100]!;
    for (const t of truth) if (ranked[t]! >= floor) found[zi]!++;
  });
}
for (let zi = 0; zi < zs.length; zi++) console.log(`z ${zs[zi]}: ${(found[zi]! / (nq * 10)).toFixed(4)}`);
