// Would the same 16 bytes per GloVe row rank better as a transform code than as 128 signs?
// Transform coding (PCA of the k-means residuals, bits given greedily to the component
// with the largest remaining distortion, a Lloyd-Max scalar quantizer per component)
// against the binary family's code (128 signs of the residual after a random rotation,
// RaBitQ's ratio estimator). Both use the same centres, a float query, and the centre
// offset <r, c> - f <x, c> the index stores; the transform code is tried with and without
// its own per-row ratio f = |r|^2 / <x, r>. Printed: recall of the exact top 10 among the
// 100 best estimates (10 x k rescored) over all 1,000 held-out queries, and the residuals'
// spectrum (its arithmetic / geometric mean ratio is what bit allocation can gain).
// Usage: node --import tsx bench/experiments/dense/binary-bit-allocation.ts [--bits 128] [--queries 1000]
import { kmeans } from '../../../src/quantize/kmeans.js';
import { NearestCentroids } from '../../../src/quantize/nearest-centroids.js';
import { randomOrthonormalColumns } from '../../../src/quantize/random-rotation.js';
import { symmetricEigen } from '../../../src/learn/symmetric-eigen.js';
import { argValue } from '../../common/args.js';
import { loadDenseDataset } from '../../dense/datasets.js';

const ds = loadDenseDataset('glove');
const dim = ds.dim;
const n = ds.base.length / dim;
const nq = Math.min(Number(argValue('queries', '1000')), ds.queries.length / dim);
const budget = Number(argValue('bits', '128'));

/** Rows scaled to unit length (the index codes cosine rows this way). */
function unitRows(src: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += src[r * dim + j]! ** 2;
    s = Math.sqrt(s) || 1;
    for (let j = 0; j < dim; j++) out[r * dim + j] = src[r * dim + j]! / s;
  }
  return out;
}
const base = unitRows(ds.base, n);
const queries = unitRows(ds.queries, nq);
const K = Math.round(Math.sqrt(n));
const centres = kmeans(base, dim, { k: K, seed: 42 }).centroids;
const assign = new Int32Array(n);
new NearestCentroids(base, dim, K * dim).assign(0, dim, centres, K, assign, new Float32Array(n));
const residual = new Float32Array(n * dim);
for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) residual[r * dim + j] = base[r * dim + j]! - centres[assign[r]! * dim + j]!;
const residualDotCentre = new Float64Array(n);
for (let r = 0; r < n; r++) for (let j = 0; j < dim; j++) residualDotCentre[r]! += residual[r * dim + j]! * centres[assign[r]! * dim + j]!;

// Transform code: principal components of the residuals, greedy bits, Lloyd-Max levels.
const cov = new Float64Array(dim * dim);
for (let r = 0; r < n; r += 2)
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) cov[i * dim + j]! += residual[r * dim + i]! * residual[r * dim + j]!;
const eig = symmetricEigen(cov, dim);
const total = eig.values.reduce((a, b) => a + b, 0);
const geometric = Math.exp(eig.values.reduce((a, b) => a + Math.log(Math.max(b, 1e-12)), 0) / dim);
console.log(`GloVe ${n.toLocaleString('en-US')} x ${dim}, ${K} centres, ${nq} queries, ${budget} bits per row`);
console.log(
  `residual spectrum: largest share ${(eig.values[0]! / total).toFixed(3)}, smallest ${(eig.values[dim - 1]! / total).toFixed(4)}, arithmetic / geometric mean ${(total / dim / geometric).toFixed(3)} (allocation gain ${(10 * Math.log10(total / dim / geometric)).toFixed(2)} dB)`,
);
/** Row-major n x dim projections onto the principal components (vectors[i * dim + k] is component i of eigenvector k). */
function project(rows: Float32Array, count: number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let r = 0; r < count; r++)
    for (let k = 0; k < dim; k++) {
      let s = 0;
      for (let i = 0; i < dim; i++) s += rows[r * dim + i]! * eig.vectors[i * dim + k]!;
      out[r * dim + k] = s;
    }
  return out;
}
const coeffs = project(residual, n);
const bits = new Int32Array(dim);
const distortion = Float64Array.from(eig.values);
for (let b = 0; b < budget; b++) {
  let k = 0;
  for (let j = 1; j < dim; j++) if (distortion[j]! > distortion[k]!) k = j;
  bits[k]!++;
  distortion[k]! /= 4;
}
const histogram = new Map<number, number>();
for (const b of bits) histogram.set(b, (histogram.get(b) ?? 0) + 1);
console.log(
  `components by bits: ${[...histogram]
    .sort((x, y) => y[0] - x[0])
    .map(([b, c]) => `${c} x ${b}`)
    .join(', ')}`,
);
const decoded = new Float32Array(n * dim);
const sample = new Float32Array(Math.ceil(n / 3));
for (let k = 0; k < dim; k++) {
  if (bits[k] === 0) continue;
  for (let r = 0, t = 0; r < n; r += 3, t++) sample[t] = coeffs[r * dim + k]!;
  const levels = kmeans(sample, 1, { k: 1 << bits[k]!, seed: 7 }).centroids;
  for (let r = 0; r < n; r++) {
    const v = coeffs[r * dim + k]!;
    let nearest = levels[0]!;
    for (const l of levels) if (Math.abs(v - l) < Math.abs(v - nearest)) nearest = l;
    decoded[r * dim + k] = nearest;
  }
}
const centreCoeffs = project(centres, K);
const ratio = new Float32Array(n);
const plainOffset = new Float64Array(n);
const ratioOffset = new Float64Array(n);
for (let r = 0; r < n; r++) {
  let rr = 0;
  let xr = 0;
  let xc = 0;
  for (let k = 0; k < dim; k++) {
    rr += coeffs[r * dim + k]! ** 2;
    xr += coeffs[r * dim + k]! * decoded[r * dim + k]!;
    xc += decoded[r * dim + k]! * centreCoeffs[assign[r]! * dim + k]!;
  }
  ratio[r] = xr > 0 ? rr / xr : 1;
  plainOffset[r] = residualDotCentre[r]! - xc;
  ratioOffset[r] = residualDotCentre[r]! - ratio[r]! * xc;
}

// The binary family's code: signs of the rotated residual, ratio estimator.
const D = Math.ceil(dim / 32) * 32;
const rotation = randomOrthonormalColumns(D, dim, 42);
const signs = new Float32Array(n * D);
const signRatio = new Float32Array(n);
const signOffset = new Float64Array(n);
for (let r = 0; r < n; r++) {
  let rr = 0;
  let xr = 0;
  let xc = 0;
  for (let j = 0; j < D; j++) {
    let v = 0;
    let c = 0;
    for (let i = 0; i < dim; i++) {
      v += rotation[j * dim + i]! * residual[r * dim + i]!;
      c += rotation[j * dim + i]! * centres[assign[r]! * dim + i]!;
    }
    const x = v >= 0 ? 1 : -1;
    signs[r * D + j] = x;
    rr += v * v;
    xr += x * v;
    xc += x * c;
  }
  signRatio[r] = xr > 0 ? rr / xr : 0;
  signOffset[r] = residualDotCentre[r]! - signRatio[r]! * xc;
}

const variants = [
  `${D} signs after a random rotation, ratio estimator (the binary family)`,
  'transform code, plain reconstruction',
  'transform code, ratio estimator',
];
const found = new Float64Array(variants.length);
const estimate = new Float32Array(n);
const toCentre = new Float32Array(K);
const queryCoeffs = new Float32Array(dim);
const queryRotated = new Float32Array(D);
for (let q = 0; q < nq; q++) {
  const query = queries.subarray(q * dim, (q + 1) * dim);
  for (let c = 0; c < K; c++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += query[j]! * centres[c * dim + j]!;
    toCentre[c] = s;
  }
  queryCoeffs.set(project(query, 1));
  for (let j = 0; j < D; j++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += rotation[j * dim + i]! * query[i]!;
    queryRotated[j] = s;
  }
  const truth = ds.truth.subarray(q * 10, q * 10 + 10);
  for (let v = 0; v < variants.length; v++) {
    for (let r = 0; r < n; r++) {
      let s = 0;
      if (v === 0) {
        for (let j = 0; j < D; j++) s += signs[r * D + j]! * queryRotated[j]!;
        s = s * signRatio[r]! + signOffset[r]!;
      } else {
        for (let k = 0; k < dim; k++) s += decoded[r * dim + k]! * queryCoeffs[k]!;
        s = v === 1 ? s + plainOffset[r]! : s * ratio[r]! + ratioOffset[r]!;
      }
      estimate[r] = toCentre[assign[r]!]! + s;
    }
    const floor = estimate.slice().sort()[n - 100]!;
    for (const t of truth) if (estimate[t]! >= floor) found[v]!++;
  }
}
console.log('\nrecall of the exact top 10 among the 100 best estimates (10 x k rescored):');
variants.forEach((name, v) => console.log(`  ${name}: ${(found[v]! / (nq * 10)).toFixed(4)}`));
