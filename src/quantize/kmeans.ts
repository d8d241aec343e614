/**
 * k-means (Lloyd's algorithm) with k-means++ seeding (Arthur & Vassilvitskii,
 * SODA 2007), seeded and reproducible. Empty clusters are re-seeded from the
 * point farthest from its centroid.
 */
import { xorshift32 } from '../kernels/xorshift.js';
import { QuarryError } from '../core/quarry-error.js';
import { NearestCentroids } from './nearest-centroids.js';
import { checkPositiveInteger } from '../core/checks.js';

/** k-means settings. */
export interface KMeansOptions {
  k: number;
  iterations?: number;
  seed?: number;
  /** Train on at most this many rows (sampled deterministically). */
  maxTrainRows?: number;
}

/** Fitted centroids (k rows of dim). */
export interface KMeansResult {
  dim: number;
  k: number;
  centroids: Float32Array;
}

/** An even sample of at most `limit` rows of `dim` (the rows themselves, not a copy, when there are no more). */
export function evenSample(data: Float32Array, dim: number, limit: number): Float32Array {
  const total = data.length / dim;
  if (total <= limit) return data;
  const out = new Float32Array(limit * dim);
  const stride = total / limit;
  for (let i = 0; i < limit; i++) {
    const r = Math.floor(i * stride);
    out.set(data.subarray(r * dim, (r + 1) * dim), i * dim);
  }
  return out;
}

/** Runs k-means on rows of `dim`. */
export function kmeans(data: Float32Array, dim: number, opts: KMeansOptions): KMeansResult {
  const total = data.length / dim;
  const k = opts.k;
  checkPositiveInteger(k, 'k');
  if (total < k) throw new QuarryError('BAD_INPUT', `k-means needs at least k = ${k} rows, got ${total}`, { field: 'vectors' });
  const random = xorshift32(opts.seed ?? 1234);
  // Deterministic subsample for training.
  const train = evenSample(data, dim, opts.maxTrainRows ?? 65536);
  const n = train.length / dim;
  const centroids = new Float32Array(k * dim);
  const nearest = new NearestCentroids(train, dim, k * dim);
  // k-means++ seeding
  const d2 = new Float64Array(n).fill(Infinity);
  const toNew = new Float32Array(n);
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(train.subarray(pick * dim, (pick + 1) * dim), c * dim);
    nearest.distances(0, dim, centroids.subarray(c * dim, (c + 1) * dim), toNew);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = toNew[i]!;
      if (d < d2[i]!) d2[i] = d;
      sum += d2[i]!;
    }
    let target = random() * sum;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= d2[i]!;
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  const assign = new Int32Array(n);
  const previous = new Int32Array(n);
  const dist = new Float64Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  for (let it = 0; it < (opts.iterations ?? 20); it++) {
    sums.fill(0);
    counts.fill(0);
    let changed = 0;
    previous.set(assign);
    nearest.assign(0, dim, centroids, k, assign, dist);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      if (c !== previous[i] || it === 0) changed++;
      counts[c]!++;
      for (let j = 0; j < dim; j++) sums[c * dim + j]! += train[i * dim + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // Re-seed an empty cluster at the worst-served point.
        let far = 0;
        for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
        centroids.set(train.subarray(far * dim, (far + 1) * dim), c * dim);
        dist[far] = 0;
        continue;
      }
      for (let j = 0; j < dim; j++) centroids[c * dim + j] = sums[c * dim + j]! / counts[c]!;
    }
    if (changed === 0) break;
  }
  return { dim, k, centroids };
}
