/**
 * Product quantization (Jégou, Douze & Schmid, TPAMI 2011): the vector is
 * cut into m sub-vectors, each replaced by the id of its nearest of 256
 * sub-centroids (one byte), learned with k-means per subspace.
 */
import { kmeans } from './kmeans.js';
import { NearestCentroids } from './nearest-centroids.js';
import { QuarryError } from '../core/quarry-error.js';

/** A fitted product quantizer. */
export interface ProductQuantizer {
  dim: number;
  m: number;
  /** Sub-vector length (dim / m). */
  dsub: number;
  /** Centroids per subspace (256, fewer only when trained on fewer rows). */
  ksub: number;
  /** centroids[(s * 256 + c) * dsub + j]. */
  centroids: Float32Array;
}

/** Fits m sub-quantizers of 256 centroids each on rows of `dim`. */
export function fitProductQuantizer(data: Float32Array, dim: number, m: number, seed = 7, iterations = 10): ProductQuantizer {
  if (!Number.isInteger(m) || m < 1 || dim % m !== 0)
    throw new QuarryError('BAD_ARGUMENT', `m must divide the dimension (${dim}), got ${m}`, { field: 'm' });
  const dsub = dim / m;
  const n = data.length / dim;
  const ksub = Math.min(256, n);
  const centroids = new Float32Array(m * 256 * dsub);
  const sub = new Float32Array(n * dsub);
  for (let s = 0; s < m; s++) {
    for (let r = 0; r < n; r++) sub.set(data.subarray(r * dim + s * dsub, r * dim + (s + 1) * dsub), r * dsub);
    const km = kmeans(sub, dsub, { k: ksub, iterations, seed: seed + s, maxTrainRows: 32768 });
    centroids.set(km.centroids, s * 256 * dsub);
  }
  return { dim, m, dsub, ksub, centroids };
}

/** Encodes rows into m bytes each. */
export function encodeProduct(pq: ProductQuantizer, data: Float32Array): Uint8Array {
  const { dim, m, dsub } = pq;
  const n = data.length / dim;
  const codes = new Uint8Array(n * m);
  const nearest = new NearestCentroids(data, dim, 256 * dsub);
  const assign = new Int32Array(n);
  const dist = new Float32Array(n);
  for (let s = 0; s < m; s++) {
    nearest.assign(s * dsub, dsub, pq.centroids.subarray(s * 256 * dsub, (s + 1) * 256 * dsub), pq.ksub, assign, dist);
    for (let r = 0; r < n; r++) codes[r * m + s] = assign[r]!;
  }
  return codes;
}
