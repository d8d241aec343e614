/**
 * IVF-PQ search with asymmetric distance tables: the query is compared with
 * every coarse centroid, the nprobe best cells are scanned, and each code is
 * scored by m table lookups. For dot and cosine, q . x = q . c + q . r, so one
 * table (q_s . sub-centroid) serves every cell; for l2 a table is built per
 * cell from q - c.
 */
import { dot, l2Squared } from '../../../kernels/dense-distance.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import type { KMeansResult } from '../../../quantize/kmeans.js';
import type { ProductQuantizer } from '../../../quantize/product-quantizer.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import {
  KERNEL_MAX_K,
  KernelTopK,
  SCAN_CHUNK,
  allowToScratch,
  queryToScratch,
  scanScratchBytes,
} from '../../../kernels/wasm/kernel-top-k.js';
import { candidateDepth } from '../rescoring.js';
import { heapToHits } from '../dense-hits.js';
import { placeArray } from '../kernel-placement.js';
import { prepareQuery } from '../dense-similarity.js';
import type { DeferredArray } from '../../../io/deferred-array.js';
import type { DiskRows } from '../../../io/disk-rows.js';
import { floatsInMemory, floatsOnDisk, rescoreCandidates, type RescoreFloats, allFloats, heldFloatRow } from '../rescore-floats.js';
import type { IvfPqParams } from './params.js';

/**
 * The trained codebook an index's codes come from (`quarry train-codes`): its method and version,
 * and, for JPQ, the affine map y = W·x + b its queries pass through before the distance tables
 * (exact rescoring compares the unmapped query with the float rows).
 */
export interface IvfPqCodebookRef {
  method: string;
  version: number;
  queryMap: { matrix: Float32Array; bias: Float32Array } | null;
}

/** Search options of IVF-PQ. */
export interface IvfPqSearchOptions extends DenseSearchOptions {
  nprobe?: number;
  rescore?: number;
}

/** An IVF-PQ index. */
export class IvfPqIndex implements DenseIndex<IvfPqSearchOptions> {
  readonly family = 'ivfpq';
  readonly dim: number;
  readonly metric: DenseMetric;
  /** Rows of cell c are listIds/listCodes[listOffsets[c] .. listOffsets[c + 1]) (in kernel memory when the kernels are on). */
  readonly listIds: Int32Array;
  readonly listCodes: Uint8Array;
  /** Original rows for rescoring held in memory, or null. */
  readonly floats: Float32Array | null;
  /** The same rows left in the index file and read per query, or null. */
  readonly diskFloats: DiskRows | null;
  private readonly mem: KernelMemory | null;
  /** Coarse and sub-quantizer centroids in kernel memory (for the query's tables). */
  private readonly coarseK: Float32Array | null = null;
  private readonly pqK: Float32Array | null = null;

  constructor(
    readonly coarse: KMeansResult,
    readonly pq: ProductQuantizer,
    readonly listOffsets: Uint32Array,
    listIds: Int32Array | DeferredArray<Int32Array>,
    listCodes: Uint8Array | DeferredArray<Uint8Array>,
    rescoreFloats: RescoreFloats,
    readonly params: IvfPqParams,
    readonly codebook: IvfPqCodebookRef | null = null,
  ) {
    const floats = floatsInMemory(rescoreFloats);
    this.diskFloats = floatsOnDisk(rescoreFloats);
    this.dim = params.dim;
    this.metric = params.metric;
    const rows = listIds.length;
    const scratch = scanScratchBytes(params.dim, rows) + 4 * (coarse.k + pq.m * 256 + 2 * params.dim) + 64;
    const arrays = [listIds, listCodes, coarse.centroids, pq.centroids, ...(floats === null ? [] : [floats])];
    const mem = KernelMemory.create(KernelMemory.bytesFor(arrays, scratch));
    this.mem = mem;
    this.listIds = placeArray(mem, listIds);
    this.listCodes = placeArray(mem, listCodes);
    this.floats = floats === null ? null : placeArray(mem, floats);
    if (mem !== null) {
      this.coarseK = mem.adopt(coarse.centroids);
      this.pqK = mem.adopt(pq.centroids);
      mem.reserveScratch(scratch);
    }
  }

  get size(): number {
    return this.listIds.length;
  }

  floatRow(r: number): Float32Array | null {
    return heldFloatRow(this, r);
  }

  floatRows(): Float32Array | null {
    return allFloats(this.floats, this.diskFloats);
  }

  close(): void {
    this.diskFloats?.close();
  }

  private get hasFloats(): boolean {
    return this.floats !== null || this.diskFloats !== null;
  }

  search(query: Float32Array, k: number, opts: IvfPqSearchOptions = {}): DenseHits {
    const depth = candidateDepth(k, opts.rescore ?? this.params.rescore, this.hasFloats);
    const exact = prepareQuery(query, this.dim, this.metric);
    const q = this.mappedQuery(exact);
    const { dim } = this;
    const { m, ksub, starts, centroids: pc } = this.pq;
    const nlist = this.coarse.k;
    const nprobe = Math.min(nlist, opts.nprobe ?? this.params.nprobe);
    const l2 = this.metric === 'l2';
    const allow = opts.allow ?? null;

    if (this.mem !== null && depth <= KERNEL_MAX_K) return this.searchInKernels(this.mem, q, exact, k, depth, nprobe, opts.allow ?? null);
    const cells = new TopKHeap(nprobe);
    for (let c = 0; c < nlist; c++) {
      const s = l2 ? -l2Squared(q, 0, this.coarse.centroids, c * dim, dim) : dot(q, 0, this.coarse.centroids, c * dim, dim);
      cells.offer(s, c);
    }
    const probe = cells.drain();
    const lut = new Float32Array(m * 256);
    const resid = new Float32Array(dim);
    if (!l2) {
      for (let s = 0; s < m; s++) {
        const from = starts[s]!;
        const len = starts[s + 1]! - from;
        for (let c = 0; c < ksub; c++) lut[s * 256 + c] = dot(q, from, pc, 256 * from + c * len, len);
      }
    }
    const heap = new TopKHeap(depth);
    const codes = this.listCodes;
    for (let p = 0; p < probe.docs.length; p++) {
      const cell = probe.docs[p]!;
      let base: number;
      if (l2) {
        for (let j = 0; j < dim; j++) resid[j] = q[j]! - this.coarse.centroids[cell * dim + j]!;
        for (let s = 0; s < m; s++) {
          const from = starts[s]!;
          const len = starts[s + 1]! - from;
          for (let c = 0; c < ksub; c++) lut[s * 256 + c] = -l2Squared(resid, from, pc, 256 * from + c * len, len);
        }
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
    if (depth === k || !this.hasFloats) return heapToHits(heap);
    return rescoreCandidates(heapToHits(heap), exact, this.floats, this.diskFloats, null, this.metric, dim, k);
  }

  /** The query the distance tables are built from: `q` itself, or mapped by the trained codebook's query map. */
  private mappedQuery(q: Float32Array): Float32Array {
    const map = this.codebook?.queryMap ?? null;
    if (map === null) return q;
    const { dim } = this;
    const y = new Float32Array(dim);
    for (let i = 0; i < dim; i++) y[i] = map.bias[i]! + dot(map.matrix, i * dim, q, 0, dim);
    return y;
  }

  /**
   * The same search with the SIMD kernels: coarse scores and the distance tables by
   * one-to-many kernels, each probed cell by one table scan, selection in the kernel heap.
   */
  private searchInKernels(
    mem: KernelMemory,
    q: Float32Array,
    exact: Float32Array,
    k: number,
    depth: number,
    nprobe: number,
    allow: DenseSearchOptions['allow'],
  ): DenseHits {
    const { dim } = this;
    const { m, ksub, starts } = this.pq;
    const nlist = this.coarse.k;
    const l2 = this.metric === 'l2';
    const kern = mem.k;
    const coarse = this.coarseK!;
    const pc = this.pqK!.byteOffset;
    mem.resetScratch();
    const qv = queryToScratch(mem, q);
    const cellScores = mem.scratch(Float32Array, nlist);
    if (l2) kern.l2sq_f32_rows(qv.byteOffset, coarse.byteOffset, dim, nlist, cellScores.byteOffset);
    else kern.dot_f32_rows(qv.byteOffset, coarse.byteOffset, dim, nlist, cellScores.byteOffset);
    const cells = new TopKHeap(nprobe);
    for (let c = 0; c < nlist; c++) cells.offer(l2 ? -cellScores[c]! : cellScores[c]!, c);
    const probe = cells.drain();
    const lut = mem.scratch(Float32Array, m * 256);
    const resid = mem.scratch(Float32Array, dim);
    // tables: dot tables once (q . x = q . c + q . r); l2 tables per cell from q - c, summed as distances
    const table = (src: Float32Array): void => {
      for (let s = 0; s < m; s++) {
        const from = starts[s]!;
        const len = starts[s + 1]! - from;
        const qs = src.byteOffset + from * 4;
        const cs = pc + 256 * from * 4;
        if (l2) kern.l2sq_f32_rows(qs, cs, len, ksub, lut.byteOffset + s * 1024);
        else kern.dot_f32_rows(qs, cs, len, ksub, lut.byteOffset + s * 1024);
      }
    };
    if (!l2) table(qv);
    const allowPtr = allowToScratch(
      mem,
      allow,
      this.floats !== null ? this.floats.length / dim : this.diskFloats !== null ? this.diskFloats.rows : this.maxId() + 1,
    );
    const out = mem.scratch(Float32Array, SCAN_CHUNK);
    const top = new KernelTopK(mem, depth);
    for (let p = 0; p < probe.docs.length; p++) {
      const cell = probe.docs[p]!;
      if (l2) {
        for (let j = 0; j < dim; j++) resid[j] = qv[j]! - coarse[cell * dim + j]!;
        table(resid);
      }
      const end = this.listOffsets[cell + 1]!;
      for (let from = this.listOffsets[cell]!; from < end; from += SCAN_CHUNK) {
        const len = Math.min(SCAN_CHUNK, end - from);
        kern.pq_scan(lut.byteOffset, this.listCodes.byteOffset + from * m, m, len, l2 ? 0 : probe.scores[p]!, out.byteOffset);
        top.push(out.byteOffset, len, 0, this.listIds.byteOffset + from * 4, allowPtr, l2);
      }
    }
    const approx = top.drain();
    if (depth === k || !this.hasFloats) return approx;
    return rescoreCandidates(approx, exact, this.floats, this.diskFloats, mem, this.metric, dim, k);
  }

  private largestId = -1;

  private maxId(): number {
    if (this.largestId < 0) {
      let best = 0;
      for (let i = 0; i < this.listIds.length; i++) if (this.listIds[i]! > best) best = this.listIds[i]!;
      this.largestId = best;
    }
    return this.largestId;
  }

  searchBatch(queries: Float32Array, k: number, opts: IvfPqSearchOptions = {}): DenseHits[] {
    const out: DenseHits[] = [];
    for (let off = 0; off < queries.length; off += this.dim) out.push(this.search(queries.subarray(off, off + this.dim), k, opts));
    return out;
  }
}
