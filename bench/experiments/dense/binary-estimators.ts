// Which estimate of <query, row> from 1-bit codes ranks GloVe's near neighbours best?
// Every estimator sees the same 1-bit sign codes of the centred rows (one bit per
// dimension) and the float query; the figure is the recall of the exact top 10 among
// the `depth` best estimates, i.e. recall@10 after exact rescoring of `depth` candidates.
// Estimators (Quarry's binary index uses "ratio"):
//   bebr       <q, s (.) sign(r)>, per-dimension scales s = mean |r_d| (BEBR's reconstruction)
//   ls-scale   bebr times the least-squares per-vector scale <r, s (.) b> / |s (.) b|^2
//   ratio      |r|^2 / |r|_1 * <q, sign(r)> (RaBitQ's ratio estimator, no rotation)
//   ratio+rot  the same after a seeded random orthogonal rotation
//   ratio+itq  the same after an ITQ-learned rotation (Gong & Lazebnik; 30 iterations on 20k rows)
// plus "+q4" variants with the query quantized to 4 bits, as the index scores it.
// Usage: node --import tsx bench/experiments/dense/binary-estimators.ts [--queries 200] [--depth 100]
import { argNumber } from '../../common/args.js';
import { Prng } from '../../common/prng.js';
import { loadDenseDataset } from '../../dense/datasets.js';

const ds = loadDenseDataset('glove');
const dim = ds.dim;
const n = ds.base.length / dim;
const nq = argNumber('queries', 200);
const depth = argNumber('depth', 100);

function normalizeRows(a: Float32Array): Float32Array {
  const out = new Float32Array(a);
  for (let r = 0; r < out.length / dim; r++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += out[r * dim + d]! ** 2;
    s = Math.sqrt(s) || 1;
    for (let d = 0; d < dim; d++) out[r * dim + d]! /= s;
  }
  return out;
}
const base = normalizeRows(ds.base);
const queries = normalizeRows(ds.queries);
const mean = new Float64Array(dim);
for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) mean[d]! += base[r * dim + d]! / n;
const scale = new Float64Array(dim);
for (let r = 0; r < n; r++) for (let d = 0; d < dim; d++) scale[d]! += Math.abs(base[r * dim + d]! - mean[d]!) / n;

// Small dense matrix helpers (dim x dim rotations, row-major).
function matmul(a: Float64Array, b: Float64Array, m: number, k: number, p: number): Float64Array {
  const c = new Float64Array(m * p);
  for (let i = 0; i < m; i++)
    for (let l = 0; l < k; l++) {
      const x = a[i * k + l]!;
      for (let j = 0; j < p; j++) c[i * p + j]! += x * b[l * p + j]!;
    }
  return c;
}
function transpose(a: Float64Array, m: number, p: number): Float64Array {
  const t = new Float64Array(m * p);
  for (let i = 0; i < m; i++) for (let j = 0; j < p; j++) t[j * m + i] = a[i * p + j]!;
  return t;
}
/** Orthogonal polar factor of a square matrix (Newton–Schulz iteration): the Procrustes solution. */
function polar(m: Float64Array): Float64Array {
  let f = 0;
  for (const x of m) f += x * x;
  let x = m.map((v) => v / Math.sqrt(f));
  for (let it = 0; it < 200; it++) {
    const xxtx = matmul(x, matmul(transpose(x, dim, dim), x, dim, dim, dim), dim, dim, dim);
    x = x.map((v, i) => 1.5 * v - 0.5 * xxtx[i]!);
  }
  return x;
}
function randomRotation(seed: number): Float64Array {
  const rng = new Prng(seed);
  const g = new Float64Array(dim * dim);
  for (let i = 0; i < g.length; i++) g[i] = Math.sqrt(-2 * Math.log(Math.max(rng.next(), 1e-12))) * Math.cos(2 * Math.PI * rng.next());
  return polar(g);
}
/** ITQ: alternate sign codes B = sign(V R) and R = polar(V^T B) on a sample of centred unit rows. */
function itqRotation(iterations: number, sample: number): Float64Array {
  const v = new Float64Array(sample * dim);
  for (let i = 0; i < sample; i++) {
    const r = Math.floor((i * n) / sample);
    let s = 0;
    for (let d = 0; d < dim; d++) s += (v[i * dim + d] = base[r * dim + d]! - mean[d]!) ** 2;
    for (let d = 0; d < dim; d++) v[i * dim + d]! /= Math.sqrt(s) || 1;
  }
  const vt = transpose(v, sample, dim);
  let rot = randomRotation(7);
  for (let it = 0; it < iterations; it++)
    rot = polar(
      matmul(
        vt,
        matmul(v, rot, sample, dim, dim).map((x) => (x >= 0 ? 1 : -1)),
        dim,
        sample,
        dim,
      ),
    );
  return rot;
}
const rotate = (v: ArrayLike<number>, rot: Float64Array | null): Float64Array => {
  if (rot === null) return Float64Array.from(v);
  const out = new Float64Array(dim);
  for (let j = 0; j < dim; j++) for (let i = 0; i < dim; i++) out[j]! += v[i]! * rot[i * dim + j]!;
  return out;
};
function quantize4(v: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const step = (hi - lo) / 15;
  return v.map((x) => lo + Math.round((x - lo) / step) * step);
}

/** Sign codes of the (rotated) centred rows, with the factors the estimators need. */
function encode(rot: Float64Array | null): { signs: Int8Array; ratio: Float64Array; lsScale: Float64Array } {
  const signs = new Int8Array(n * dim);
  const ratio = new Float64Array(n);
  const lsScale = new Float64Array(n);
  const c = new Float64Array(dim);
  let s2 = 0;
  for (let d = 0; d < dim; d++) s2 += scale[d]! ** 2;
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) c[d] = base[r * dim + d]! - mean[d]!;
    const x = rotate(c, rot);
    let sq = 0;
    let l1 = 0;
    let rsb = 0;
    for (let d = 0; d < dim; d++) {
      const b = x[d]! >= 0 ? 1 : -1;
      signs[r * dim + d] = b;
      sq += x[d]! ** 2;
      l1 += Math.abs(x[d]!);
      rsb += x[d]! * scale[d]! * b;
    }
    ratio[r] = l1 > 0 ? sq / l1 : 0;
    lsScale[r] = rsb / s2;
  }
  return { signs, ratio, lsScale };
}

const plainCodes = encode(null);
const rotCodes = encode(randomRotation(11));
const itq = itqRotation(30, 20_000);
const itqCodes = encode(itq);
const rotOf = { plain: null, rot: randomRotation(11), itq } as const;

type Estimator = {
  codes: ReturnType<typeof encode>;
  rot: Float64Array | null;
  perDimScale: boolean;
  factor: 'none' | 'ratio' | 'ls';
  q4: boolean;
};
const estimators: Record<string, Estimator> = {
  bebr: { codes: plainCodes, rot: rotOf.plain, perDimScale: true, factor: 'none', q4: false },
  'ls-scale': { codes: plainCodes, rot: rotOf.plain, perDimScale: true, factor: 'ls', q4: false },
  'ls-scale+q4': { codes: plainCodes, rot: rotOf.plain, perDimScale: true, factor: 'ls', q4: true },
  ratio: { codes: plainCodes, rot: rotOf.plain, perDimScale: false, factor: 'ratio', q4: false },
  'ratio+rot': { codes: rotCodes, rot: rotOf.rot, perDimScale: false, factor: 'ratio', q4: false },
  'ratio+rot+q4': { codes: rotCodes, rot: rotOf.rot, perDimScale: false, factor: 'ratio', q4: true },
  'ratio+itq': { codes: itqCodes, rot: rotOf.itq, perDimScale: false, factor: 'ratio', q4: false },
  'ratio+itq+q4': { codes: itqCodes, rot: rotOf.itq, perDimScale: false, factor: 'ratio', q4: true },
};

const recall: Record<string, number> = Object.fromEntries(Object.keys(estimators).map((k) => [k, 0]));
const est = new Float64Array(n);
for (let q = 0; q < nq; q++) {
  const truth = new Set(Array.from(ds.truth.subarray(q * 10, q * 10 + 10)));
  for (const [name, e] of Object.entries(estimators)) {
    let w = rotate(queries.subarray(q * dim, (q + 1) * dim), e.rot);
    if (e.perDimScale) w = w.map((x, d) => x * scale[d]!);
    if (e.q4) w = quantize4(w);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += e.codes.signs[r * dim + d]! * w[d]!;
      est[r] = e.factor === 'ratio' ? e.codes.ratio[r]! * s : e.factor === 'ls' ? e.codes.lsScale[r]! * s : s;
    }
    const cut = Float64Array.from(est).sort()[n - depth]!;
    let hit = 0;
    for (let r = 0; r < n; r++) if (est[r]! >= cut && truth.has(r)) hit++;
    recall[name]! += hit / 10 / nq;
  }
}
console.log(
  `GloVe ${n.toLocaleString('en-US')} x ${dim}, first ${nq} queries: recall of the exact top 10 among the ${depth} best estimates from 1-bit codes`,
);
for (const [name, r] of Object.entries(recall)) console.log(`${name.padEnd(14)} ${r.toFixed(4)}`);
