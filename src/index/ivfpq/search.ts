/**
 * IVF-PQ search with asymmetric distance tables: the query is compared with
 * every coarse centroid, the nprobe best cells are scanned, and each code is
 * scored by m table lookups. For dot and cosine, q . x = q . c + q . r, so one
 * table (q_s . sub-centroid) serves every cell; for l2 a table is built per
 * cell from q - c.
 */
import { dot, l2Squared } from '../../kernels/dense-distance.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import type { KMeansResult } from '../../learn/kmeans.js';
import type { ProductQuantizer } from '../../learn/product-quantizer.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import { candidateDepth, heapToHits, prepareQuery, rescoreExact } from '../flat/search.js';
import type { IvfPqParams } from './params.js';

/** Search options of IVF-PQ. */
export interface IvfPqSearchOptions extends DenseSearchOptions {
  nprobe?: number;
  rescore?: number;
}

/** An IVF-PQ index. */
export class IvfPqIndex implements DenseIndex<IvfPqSearchOptions> {
  readonly dim: number;
  readonly metric: DenseMetric;

  constructor(
    readonly coarse: KMeansResult,
    readonly pq: ProductQuantizer,
    /** Rows of cell c are listIds/listCodes[listOffsets[c] .. listOffsets[c + 1]). */
    readonly listOffsets: Uint32Array,
    readonly listIds: Int32Array,
    readonly listCodes: Uint8Array,
    readonly floats: Float32Array | null,
    readonly params: IvfPqParams,
  ) {
    this.dim = params.dim;
    this.metric = params.metric;
  }

  get size(): number {
    return this.listIds.length;
  }

  search(query: Float32Array, k: number, opts: IvfPqSearchOptions = {}): DenseHits {
    const depth = candidateDepth(k, opts.rescore ?? this.params.rescore, this.floats !== null);
    const q = prepareQuery(query, this.dim, this.metric);
    const { dim } = this;
    const { m, dsub, ksub, centroids: pc } = this.pq;
    const nlist = this.coarse.k;
    const nprobe = Math.min(nlist, opts.nprobe ?? this.params.nprobe);
    const l2 = this.metric === 'l2';
    const allow = opts.allow ?? null;

    const cells = new TopKHeap(nprobe);
    for (let c = 0; c < nlist; c++) {
      const s = l2 ? -l2Squared(q, 0, this.coarse.centroids, c * dim, dim) : dot(q, 0, this.coarse.centroids, c * dim, dim);
      cells.offer(s, c);
    }
    const probe = cells.drain();
    const lut = new Float32Array(m * 256);
    const resid = new Float32Array(dim);
    if (!l2) {
      for (let s = 0; s < m; s++) for (let c = 0; c < ksub; c++) lut[s * 256 + c] = dot(q, s * dsub, pc, (s * 256 + c) * dsub, dsub);
    }
    const heap = new TopKHeap(depth);
    const codes = this.listCodes;
    for (let p = 0; p < probe.docs.length; p++) {
      const cell = probe.docs[p]!;
      let base: number;
      if (l2) {
        for (let j = 0; j < dim; j++) resid[j] = q[j]! - this.coarse.centroids[cell * dim + j]!;
        for (let s = 0; s < m; s++) for (let c = 0; c < ksub; c++) lut[s * 256 + c] = -l2Squared(resid, s * dsub, pc, (s * 256 + c) * dsub, dsub);
        base = 0;
      } else base = probe.scores[p]!;
      for (let i = this.listOffsets[cell]!; i < this.listOffsets[cell + 1]!; i++) {
        const id = this.listIds[i]!;
        if (allow !== null && !allow.has(id)) continue;
        let score = base;
        const off = i * m;
        for (let s = 0; s < m; s++) score += lut[s * 256 + codes[off + s]!]!;
        if (heap.size < depth || score > heap.threshold()) heap.offer(score, id);
      }
    }
    if (depth === k || this.floats === null) return heapToHits(heap);
    return rescoreExact(heapToHits(heap), q, this.floats, this.metric, dim, k);
  }

  searchBatch(queries: Float32Array, k: number, opts: IvfPqSearchOptions = {}): DenseHits[] {
    const out: DenseHits[] = [];
    for (let off = 0; off < queries.length; off += this.dim) out.push(this.search(queries.subarray(off, off + this.dim), k, opts));
    return out;
  }
}
