/**
 * Exact dense search: every row is scored. The ground truth that every
 * approximate family is tested against.
 */
import { dot, l2Squared } from '../../../kernels/dense-distance.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { DeferredArray, materialize } from '../../../io/deferred-array.js';
import type { SectionArray } from '../../../io/section-file.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import {
  KERNEL_MAX_K,
  allowToScratch,
  queryToScratch,
  scanRowsTopK,
  scanScratchBytes,
  scoreRowIdsTopK,
} from '../../../kernels/wasm/kernel-top-k.js';
import type { FlatParams } from './params.js';

/** Scores a query row against stored rows; the same for every exact rescoring step. */
export function similarity(metric: DenseMetric, q: Float32Array, qOff: number, data: Float32Array, row: number, dim: number): number {
  return metric === 'l2' ? -l2Squared(q, qOff, data, row * dim, dim) : dot(q, qOff, data, row * dim, dim);
}

/** Prepares a query for a metric: checks its size and normalizes it for cosine. */
export function prepareQuery(query: Float32Array, dim: number, metric: DenseMetric): Float32Array {
  if (query.length !== dim)
    throw new QuarryError('BAD_ARGUMENT', `query has dimension ${query.length}, the field has ${dim}`, { field: 'vector' });
  for (let i = 0; i < dim; i++)
    if (!Number.isFinite(query[i]!))
      throw new QuarryError('BAD_ARGUMENT', `query component ${i} is not a finite number`, { field: 'vector' });
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
export function rescoreExact(
  candidates: DenseHits,
  q: Float32Array,
  floats: Float32Array,
  metric: DenseMetric,
  dim: number,
  k: number,
): DenseHits {
  const heap = new TopKHeap(k);
  for (const id of candidates.ids) heap.offer(similarity(metric, q, 0, floats, id, dim), id);
  return heapToHits(heap);
}

/** Turns a drained heap into hits. */
export function heapToHits(heap: TopKHeap): DenseHits {
  const { scores, docs } = heap.drain();
  return { ids: Int32Array.from(docs), scores: Float32Array.from(scores) };
}

/** Rows still to be read from their file (see DeferredArray), so they are read straight to where they will live. */
export type DeferredRows = DeferredArray<Float32Array>;

/** An array placed in `mem` (adopted, or read there directly when deferred), or as a plain array without kernel memory. */
export function placeArray<T extends SectionArray>(mem: KernelMemory | null, data: T | DeferredArray<T>): T {
  if (mem === null) return materialize(data);
  if (!(data instanceof DeferredArray)) return mem.adopt(data);
  const view = mem.array(data.type, data.length);
  data.fill(view);
  return view;
}

/**
 * Dense rows placed in WebAssembly memory for the SIMD kernels, with scratch for
 * one query at a time (deferred rows are read there directly, without a copy);
 * null when the kernels are unavailable (TypeScript path).
 */
export function rowsInKernelMemory(
  data: Float32Array | DeferredRows,
  dim: number,
  extraScratch = 0,
): { mem: KernelMemory; data: Float32Array } | null {
  const rows = dim > 0 ? data.length / dim : 0;
  const scratch = scanScratchBytes(dim, rows) + extraScratch;
  const mem = KernelMemory.create(KernelMemory.bytesFor([data], scratch));
  if (mem === null) return null;
  const view = placeArray(mem, data);
  mem.reserveScratch(scratch);
  return { mem, data: view };
}

/**
 * A compressed family's codes and (optional) rescoring floats placed in one kernel
 * memory with `scratch` bytes of query scratch; the inputs come back unchanged (and
 * mem null) when the kernels are unavailable.
 */
export function codesInKernelMemory<C extends Uint8Array | Uint32Array>(
  codes: C | DeferredArray<C>,
  floats: Float32Array | DeferredRows | null,
  scratch: number,
): { mem: KernelMemory | null; codes: C; floats: Float32Array | null } {
  const mem = KernelMemory.create(KernelMemory.bytesFor(floats === null ? [codes] : [codes, floats], scratch));
  if (mem === null) return { mem, codes: materialize(codes), floats: floats === null ? null : materialize(floats) };
  const placed = { mem, codes: placeArray(mem, codes), floats: floats === null ? null : placeArray(mem, floats) };
  mem.reserveScratch(scratch);
  return placed;
}

/**
 * Rescoring from floats held in a KernelMemory (the kernels path of rescoreExact):
 * the same hits up to float32 rounding of the scores.
 */
export function rescoreExactInKernels(
  candidates: DenseHits,
  q: Float32Array,
  mem: KernelMemory,
  floats: Float32Array,
  metric: DenseMetric,
  dim: number,
  k: number,
): DenseHits {
  if (k > KERNEL_MAX_K) return rescoreExact(candidates, q, floats, metric, dim, k);
  mem.resetScratch();
  const qv = queryToScratch(mem, q);
  return scoreRowIdsTopK(mem, metric === 'l2' ? 'l2' : 'dot', qv.byteOffset, floats.byteOffset, dim, candidates.ids, k);
}

/** An exact-scan index. */
export class FlatIndex implements DenseIndex {
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
