/**
 * The exact nearest rows of each query (the float index's answer), with the WebAssembly
 * scan when the kernels are on: the teacher lists of Distill-VQ and the labels codes are
 * validated against.
 */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { KernelMemory } from '../../kernels/wasm/kernel-memory.js';
import { queryToScratch, scanRowsTopK, scanScratchBytes } from '../../kernels/wasm/kernel-top-k.js';
import { dot, l2Squared } from '../../kernels/dense-distance.js';

/** How rows are compared: inner product (cosine rows are unit length) or negated squared distance. */
export type CodeMetric = 'dot' | 'l2';

/** Each query's k best rows, best first, with their exact scores (negated squared distances for l2). */
export interface NeighbourLists {
  docs: Int32Array[];
  scores: Float32Array[];
}

/** The exact top `k` of `rows` for every query (rows of `dim`). */
export function exactNeighbours(rows: Float32Array, queries: Float32Array, dim: number, metric: CodeMetric, k: number): NeighbourLists {
  const n = rows.length / dim;
  const nq = queries.length / dim;
  const depth = Math.min(k, n);
  const out: NeighbourLists = { docs: [], scores: [] };
  const mem = KernelMemory.create(KernelMemory.bytesFor([rows], scanScratchBytes(dim, n)));
  if (mem !== null && depth <= 16384) {
    const data = mem.adopt(rows);
    mem.reserveScratch(scanScratchBytes(dim, n));
    for (let q = 0; q < nq; q++) {
      mem.resetScratch();
      const qv = queryToScratch(mem, queries.subarray(q * dim, (q + 1) * dim));
      const hits = scanRowsTopK(mem, metric, qv.byteOffset, data.byteOffset, dim, n, depth, 0);
      out.docs.push(hits.ids);
      out.scores.push(hits.scores);
    }
    return out;
  }
  const heap = new TopKHeap(depth);
  for (let q = 0; q < nq; q++) {
    heap.clear();
    for (let d = 0; d < n; d++) {
      const s = metric === 'l2' ? -l2Squared(queries, q * dim, rows, d * dim, dim) : dot(queries, q * dim, rows, d * dim, dim);
      if (heap.size < depth || s > heap.threshold()) heap.offer(s, d);
    }
    const r = heap.drain();
    out.docs.push(Int32Array.from(r.docs));
    out.scores.push(Float32Array.from(r.scores));
  }
  return out;
}
