/**
 * Exact dense search: every row is scored. The ground truth that every
 * approximate family is tested against.
 */
import { materialize } from '../../../io/deferred-array.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import type { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import { KERNEL_MAX_K, allowToScratch, queryToScratch, scanRowsTopK } from '../../../kernels/wasm/kernel-top-k.js';
import { heapToHits } from '../dense-hits.js';
import { prepareQuery, similarity } from '../dense-similarity.js';
import { rowsInKernelMemory, type DeferredRows } from '../kernel-placement.js';
import type { FlatParams } from './params.js';

/** An exact-scan index. */
export class FlatIndex implements DenseIndex {
  readonly family = 'flat';
  readonly dim: number;
  readonly metric: DenseMetric;
  /** Rows, normalized when the metric is cosine (in kernel memory when the kernels are on). */
  readonly data: Float32Array;
  private readonly mem: KernelMemory | null;

  /** `data`: the rows, or rows still to be read (placed straight into kernel memory). */
  constructor(data: Float32Array | DeferredRows, params: FlatParams) {
    this.dim = params.dim;
    this.metric = params.metric;
    const placed = rowsInKernelMemory(data, params.dim);
    this.mem = placed?.mem ?? null;
    this.data = placed?.data ?? materialize(data);
  }

  get size(): number {
    return this.data.length / this.dim;
  }

  floatRow(r: number): Float32Array {
    return this.data.subarray(r * this.dim, (r + 1) * this.dim);
  }

  floatRows(): Float32Array {
    return this.data;
  }

  close(): void {}

  search(query: Float32Array, k: number, opts: DenseSearchOptions = {}): DenseHits {
    const q = prepareQuery(query, this.dim, this.metric);
    const n = this.size;
    const allow = opts.allow ?? null;
    const mem = this.mem;
    if (mem !== null && Number.isInteger(k) && k >= 1 && k <= KERNEL_MAX_K) {
      mem.resetScratch();
      const qv = queryToScratch(mem, q);
      const allowPtr = allowToScratch(mem, allow, n);
      return scanRowsTopK(mem, this.metric === 'l2' ? 'l2' : 'dot', qv.byteOffset, this.data.byteOffset, this.dim, n, k, allowPtr);
    }
    const heap = new TopKHeap(k);
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
