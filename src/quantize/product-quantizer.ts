/**
 * Product quantization (Jégou, Douze & Schmid, TPAMI 2011): the vector is
 * cut into m sub-vectors, each replaced by the id of its nearest of 256
 * sub-centroids (one byte), learned with k-means per subspace. When m does
 * not divide the dimension, the subspaces differ in length by at most one
 * (subspace s covers dimensions floor(s·dim/m) up to floor((s+1)·dim/m)), so
 * any number of bytes per vector can be asked for.
 */
import { kmeans } from './kmeans.js';
import { NearestCentroids } from './nearest-centroids.js';
import { QuarryError } from '../core/quarry-error.js';

/** A fitted product quantizer. */
export interface ProductQuantizer {
  dim: number;
  m: number;
  /** Centroids per subspace (256, fewer only when trained on fewer rows). */
  ksub: number;
  /** Subspace s covers dimensions starts[s] .. starts[s + 1] (m + 1 entries). */
  starts: Uint32Array;
  /** Centroid c of subspace s: centroids[256·starts[s] + c·len(s) ...], len(s) values (256·dim in all). */
  centroids: Float32Array;
}

/** Where each of m subspaces of a `dim`-d vector starts (m + 1 entries, the last one `dim`). */
export function subspaceStarts(dim: number, m: number): Uint32Array {
  const starts = new Uint32Array(m + 1);
  for (let s = 0; s <= m; s++) starts[s] = Math.floor((s * dim) / m);
  return starts;
}

/** A product quantizer over given centroids (laid out as ProductQuantizer.centroids says). */
export function productQuantizer(dim: number, m: number, ksub: number, centroids: Float32Array): ProductQuantizer {
  if (!Number.isInteger(m) || m < 1 || m > dim)
    throw new QuarryError('BAD_ARGUMENT', `m must be a whole number from 1 to the dimension (${dim}), got ${m}`, { field: 'm' });
  if (centroids.length !== 256 * dim)
    throw new QuarryError('BAD_ARGUMENT', `product quantizer centroids hold ${centroids.length} values, expected 256 x ${dim}`, {
      field: 'centroids',
    });
  return { dim, m, ksub, starts: subspaceStarts(dim, m), centroids };
}

/** Offset of centroid `c` of subspace `s` in `pq.centroids`. */
export function centroidOffset(pq: ProductQuantizer, s: number, c: number): number {
  const from = pq.starts[s]!;
  return 256 * from + c * (pq.starts[s + 1]! - from);
}

/** Fits m sub-quantizers of 256 centroids each on rows of `dim` (1 <= m <= dim). */
export function fitProductQuantizer(data: Float32Array, dim: number, m: number, seed = 7, iterations = 10): ProductQuantizer {
  if (!Number.isInteger(m) || m < 1 || m > dim)
    throw new QuarryError('BAD_ARGUMENT', `m must be a whole number from 1 to the dimension (${dim}), got ${m}`, { field: 'm' });
  const starts = subspaceStarts(dim, m);
  const n = data.length / dim;
  const ksub = Math.min(256, n);
  const centroids = new Float32Array(256 * dim);
  const sub = new Float32Array(n * Math.ceil(dim / m));
  for (let s = 0; s < m; s++) {
    const from = starts[s]!;
    const len = starts[s + 1]! - from;
    for (let r = 0; r < n; r++) sub.set(data.subarray(r * dim + from, r * dim + from + len), r * len);
    const km = kmeans(sub.subarray(0, n * len), len, { k: ksub, iterations, seed: seed + s, maxTrainRows: 32768 });
    centroids.set(km.centroids, 256 * from);
  }
  return { dim, m, ksub, starts, centroids };
}

/** Encodes rows into m bytes each (the nearest centroid of each subspace). */
export function encodeProduct(pq: ProductQuantizer, data: Float32Array): Uint8Array {
  const { dim, m, starts } = pq;
  const n = data.length / dim;
  const codes = new Uint8Array(n * m);
  const nearest = new NearestCentroids(data, dim, 256 * Math.ceil(dim / m));
  const assign = new Int32Array(n);
  const dist = new Float32Array(n);
  for (let s = 0; s < m; s++) {
    const from = starts[s]!;
    const len = starts[s + 1]! - from;
    nearest.assign(from, len, pq.centroids.subarray(256 * from, 256 * from + pq.ksub * len), pq.ksub, assign, dist);
    for (let r = 0; r < n; r++) codes[r * m + s] = assign[r]!;
  }
  return codes;
}

/** Adds the reconstruction of `codes` (m bytes) into `out` at `outAt` (dim values). */
export function addProductReconstruction(pq: ProductQuantizer, codes: Uint8Array, codesAt: number, out: Float32Array, outAt: number): void {
  const { m, starts, centroids } = pq;
  for (let s = 0; s < m; s++) {
    const from = starts[s]!;
    const len = starts[s + 1]! - from;
    const c = 256 * from + codes[codesAt + s]! * len;
    for (let j = 0; j < len; j++) out[outAt + from + j]! += centroids[c + j]!;
  }
}
