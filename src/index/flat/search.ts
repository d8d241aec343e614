/**
 * Exact dense search: every row is scored. The ground truth that every
 * approximate family is tested against.
 */
import { dot, l2Squared } from '../../kernels/dense-distance.js';
import { QuarryError } from '../../io/quarry-error.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import type { FlatParams } from './params.js';

/** Scores a query row against stored rows; the same for every exact rescoring step. */
export function similarity(metric: DenseMetric, q: Float32Array, qOff: number, data: Float32Array, row: number, dim: number): number {
  return metric === 'l2' ? -l2Squared(q, qOff, data, row * dim, dim) : dot(q, qOff, data, row * dim, dim);
}

/** Prepares a query for a metric: checks its size and normalizes it for cosine. */
export function prepareQuery(query: Float32Array, dim: number, metric: DenseMetric): Float32Array {
  if (query.length !== dim) throw new QuarryError('BAD_ARGUMENT', `query has dimension ${query.length}, the field has ${dim}`, { field: 'vector' });
  for (let i = 0; i < dim; i++) if (!Number.isFinite(query[i]!)) throw new QuarryError('BAD_ARGUMENT', `query component ${i} is not a finite number`, { field: 'vector' });
  if (metric !== 'cosine') return query;
  let s = 0;
  for (let i = 0; i < dim; i++) s += query[i]! * query[i]!;
  const len = Math.sqrt(s);
  const out = new Float32Array(dim);
  if (len > 0) for (let i = 0; i < dim; i++) out[i] = query[i]! / len;
  return out;
}

/** How many candidates an approximate family collects before rescoring `rescore` x k of them exactly. */
export function candidateDepth(k: number, rescore: number, hasFloats: boolean): number {
  if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
  return hasFloats && rescore > 0 ? Math.max(k, Math.ceil(rescore * k)) : k;
}

/** Rescores candidate rows exactly from stored floats and keeps the best k. */
export function rescoreExact(candidates: DenseHits, q: Float32Array, floats: Float32Array, metric: DenseMetric, dim: number, k: number): DenseHits {
  const heap = new TopKHeap(k);
  for (const id of candidates.ids) heap.offer(similarity(metric, q, 0, floats, id, dim), id);
  return heapToHits(heap);
}

/** Turns a drained heap into hits. */
export function heapToHits(heap: TopKHeap): DenseHits {
  const { scores, docs } = heap.drain();
  return { ids: Int32Array.from(docs), scores: Float32Array.from(scores) };
}

/** An exact-scan index. */
export class FlatIndex implements DenseIndex {
  readonly dim: number;
  readonly metric: DenseMetric;

  constructor(
    /** Rows, normalized when the metric is cosine. */
    readonly data: Float32Array,
    params: FlatParams,
  ) {
    this.dim = params.dim;
    this.metric = params.metric;
  }

  get size(): number {
    return this.data.length / this.dim;
  }

  search(query: Float32Array, k: number, opts: DenseSearchOptions = {}): DenseHits {
    const q = prepareQuery(query, this.dim, this.metric);
    const heap = new TopKHeap(k);
    const n = this.size;
    const allow = opts.allow ?? null;
    for (let r = 0; r < n; r++) {
      if (allow !== null && !allow.has(r)) continue;
      const s = similarity(this.metric, q, 0, this.data, r, this.dim);
      if (heap.size < k || s > heap.threshold()) heap.offer(s, r);
    }
    return heapToHits(heap);
  }

  searchBatch(queries: Float32Array, k: number, opts: DenseSearchOptions = {}): DenseHits[] {
    const out: DenseHits[] = [];
    for (let off = 0; off < queries.length; off += this.dim) out.push(this.search(queries.subarray(off, off + this.dim), k, opts));
    return out;
  }
}
