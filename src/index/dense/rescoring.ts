/** Exact rescoring of an approximate family's candidates from stored float rows (in kernel memory or not). */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import type { KernelMemory } from '../../kernels/wasm/kernel-memory.js';
import { KERNEL_MAX_K, queryToScratch, scoreRowIdsTopK } from '../../kernels/wasm/kernel-top-k.js';
import { heapToHits } from './dense-hits.js';
import { similarity } from './dense-similarity.js';
import type { DenseHits, DenseMetric } from './dense-types.js';
import { checkPositiveInteger } from '../../core/checks.js';

/** How many candidates an approximate family collects before rescoring `rescore` x k of them exactly. */
export function candidateDepth(k: number, rescore: number, hasFloats: boolean): number {
  checkPositiveInteger(k, 'k');
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
