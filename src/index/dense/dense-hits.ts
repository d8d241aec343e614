/** Dense hits from a drained top-k heap. */
import type { TopKHeap } from '../../kernels/top-k-heap.js';
import type { DenseHits } from './dense-types.js';

/** Turns a drained heap into hits. */
export function heapToHits(heap: TopKHeap): DenseHits {
  const { scores, docs } = heap.drain();
  return { ids: Int32Array.from(docs), scores: Float32Array.from(scores) };
}
