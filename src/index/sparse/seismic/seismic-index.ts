/**
 * Seismic query processing: the query's queryCut largest terms select the
 * lists to visit; each block of a list is first scored by its quantized
 * summary, skipped when that score is below heapFactor x the current k-th
 * score, and otherwise every unvisited document of the block is scored
 * exactly from the forward index with the whole query. Optionally the kNN
 * graph neighbours of the results are scored too (CIKM 2024 refinement).
 */
import { type Bitset } from '../../../kernels/bitset.js';
import { FLOAT16_TABLE } from '../../../kernels/float16.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import type { SparseMatrix, SparseVector } from '../../../kernels/sparse-matrix.js';
import type { SparseIndex, SparseRowFilter } from '../sparse-family.js';
import { resolveSeismicSearchParams, type SeismicBuildParams, type SeismicSearchParams } from './params.js';
import type { SeismicData } from './seismic-data.js';
import { checkPositiveInteger } from '../../../core/checks.js';

/** Seismic search options. */
export interface SeismicSearchOptions extends Partial<SeismicSearchParams> {
  /** Only these rows may be returned (deleted rows are excluded this way too). */
  allow?: Bitset | null;
}

/** Top-k result, best first. */
export interface SeismicHits {
  ids: Int32Array;
  scores: Float32Array;
  /** Documents scored exactly (a measure of work). */
  scored: number;
}

const f = Math.fround;

/** A Seismic index. */
export class SeismicIndex implements SparseIndex {
  readonly family = 'seismic';
  private readonly query: Float32Array;
  private stamp: Uint32Array;
  private epoch = 0;
  private readonly f16: boolean;
  /** Kernel memory holding the forward index and the dense query, or null (TypeScript path). */
  private readonly mem: KernelMemory | null;
  /** Scratch in `mem`: rows of a block to score, their scores, and the summary scores of one list's blocks. */
  private readonly idBuf: Int32Array;
  private readonly outBuf: Float32Array;
  private readonly sumBuf: Float32Array;
  private readonly f16TablePtr: number = 0;
  /** Block order of the sorted first list. */
  private readonly blockOrder: Uint32Array;

  /**
   * @param useKernels false keeps the pure-TypeScript scoring even where the
   *   WebAssembly kernels are available (benchmarks compare the two this way).
   */
  constructor(
    readonly data: SeismicData,
    readonly params: SeismicBuildParams,
    useKernels = true,
  ) {
    this.stamp = new Uint32Array(data.rows);
    this.f16 = data.fwdValues instanceof Uint16Array;
    let widest = 1;
    for (let b = 0; b + 1 < data.blockStart.length; b++) widest = Math.max(widest, data.blockStart[b + 1]! - data.blockStart[b]!);
    widest = Math.max(widest, data.knnK);
    let longestList = 1;
    for (let t = 0; t + 1 < data.listStart.length; t++) longestList = Math.max(longestList, data.listStart[t + 1]! - data.listStart[t]!);
    const queryBytes = 4 * data.dim;
    const scratch = 8 * widest + 4 * longestList + 64;
    const arrays = [
      data.fwdStart,
      data.fwdTerms,
      data.fwdValues,
      data.sumStart,
      data.sumTerms,
      data.sumCodes,
      data.sumMin,
      data.sumStep,
      ...(this.f16 ? [FLOAT16_TABLE] : []),
      { byteLength: queryBytes },
    ];
    const mem = useKernels ? KernelMemory.create(KernelMemory.bytesFor(arrays, scratch)) : null;
    this.mem = mem;
    if (mem === null) {
      this.query = new Float32Array(data.dim);
      this.idBuf = new Int32Array(widest);
      this.outBuf = new Float32Array(widest);
      this.sumBuf = new Float32Array(longestList);
      this.blockOrder = new Uint32Array(longestList);
      return;
    }
    // the forward index and the block summaries move into kernel memory (one copy, when the index is built or opened)
    data.fwdStart = mem.adopt(data.fwdStart);
    data.fwdTerms = mem.adopt(data.fwdTerms);
    data.fwdValues = mem.adopt(data.fwdValues);
    data.sumStart = mem.adopt(data.sumStart);
    data.sumTerms = mem.adopt(data.sumTerms);
    data.sumCodes = mem.adopt(data.sumCodes);
    data.sumMin = mem.adopt(data.sumMin);
    data.sumStep = mem.adopt(data.sumStep);
    if (this.f16) this.f16TablePtr = mem.adopt(FLOAT16_TABLE).byteOffset;
    this.query = mem.array(Float32Array, data.dim);
    mem.reserveScratch(scratch);
    this.idBuf = mem.scratch(Int32Array, widest);
    this.outBuf = mem.scratch(Float32Array, widest);
    this.sumBuf = mem.scratch(Float32Array, longestList);
    this.blockOrder = new Uint32Array(longestList);
  }

  /** Scores the first m rows of idBuf exactly into outBuf with the sparse-dot kernel. */
  private scoreRows(mem: KernelMemory, m: number): void {
    const d = this.data;
    mem.k.sparse_dot_rows(
      this.query.byteOffset,
      d.fwdStart.byteOffset,
      d.fwdTerms.byteOffset,
      d.fwdTerms.BYTES_PER_ELEMENT,
      d.fwdValues.byteOffset,
      this.f16TablePtr,
      this.idBuf.byteOffset,
      m,
      this.outBuf.byteOffset,
    );
  }

  /** Summary scores of blocks first..last - 1 (one list), in sumBuf. */
  private summaryScores(mem: KernelMemory, first: number, last: number): Float32Array {
    const d = this.data;
    mem.k.summary_scores(
      this.query.byteOffset,
      d.sumStart.byteOffset,
      d.sumTerms.byteOffset,
      d.sumTerms.BYTES_PER_ELEMENT,
      d.sumCodes.byteOffset,
      d.sumMin.byteOffset,
      d.sumStep.byteOffset,
      first,
      last,
      this.sumBuf.byteOffset,
    );
    return this.sumBuf;
  }

  get size(): number {
    return this.data.rows;
  }

  /** Exact inner product of the loaded query with row r (from the forward index). */
  private dotRow(r: number): number {
    const d = this.data;
    const q = this.query;
    let s = 0;
    const end = d.fwdStart[r + 1]!;
    if (this.f16) {
      const vals = d.fwdValues as Uint16Array;
      for (let i = d.fwdStart[r]!; i < end; i++) s += q[d.fwdTerms[i]!]! * FLOAT16_TABLE[vals[i]!]!;
    } else {
      const vals = d.fwdValues as Float32Array;
      for (let i = d.fwdStart[r]!; i < end; i++) s += q[d.fwdTerms[i]!]! * vals[i]!;
    }
    return s;
  }

  private load(query: SparseVector): void {
    for (let i = 0; i < query.ids.length; i++) {
      const t = query.ids[i]!;
      if (t < this.data.dim) this.query[t] = query.values[i]!;
    }
  }

  private unload(query: SparseVector): void {
    for (let i = 0; i < query.ids.length; i++) if (query.ids[i]! < this.data.dim) this.query[query.ids[i]!] = 0;
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Summary score of block b, as the kernel computes it: min * sum q + step * sum q * code. */
  private summaryScoreTs(b: number): number {
    const d = this.data;
    const q = this.query;
    let sq = 0;
    let sqc = 0;
    for (let i = d.sumStart[b]!; i < d.sumStart[b + 1]!; i++) {
      const w = q[d.sumTerms[i]!]!;
      sq += w;
      sqc += w * d.sumCodes[i]!;
    }
    return d.sumMin[b]! * sq + d.sumStep[b]! * sqc;
  }

  /** Summary scores of blocks first..last - 1 with the TypeScript path, in sumBuf. */
  private summaryScoresTs(first: number, last: number): Float32Array {
    for (let b = first; b < last; b++) this.sumBuf[b - first] = this.summaryScoreTs(b);
    return this.sumBuf;
  }

  /**
   * Scores block b's unvisited allowed documents exactly and offers them to
   * the heap; returns how many were scored. The rows are gathered first, then
   * scored in one kernel call (or one by one on the TypeScript path).
   */
  private scoreBlock(b: number, heap: TopKHeap, k: number, epoch: number, allow: Bitset | null): number {
    const d = this.data;
    const ids = this.idBuf;
    let m = 0;
    for (let i = d.blockStart[b]!; i < d.blockStart[b + 1]!; i++) {
      const doc = d.blockDocs[i]!;
      if (this.stamp[doc] === epoch) continue;
      this.stamp[doc] = epoch;
      if (allow !== null && !allow.has(doc)) continue;
      ids[m++] = doc;
    }
    if (m === 0) return 0;
    const out = this.outBuf;
    if (this.mem !== null) this.scoreRows(this.mem, m);
    else for (let j = 0; j < m; j++) out[j] = this.dotRow(ids[j]!);
    for (let j = 0; j < m; j++) {
      const s = out[j]!;
      if (heap.size < k || s > heap.threshold()) heap.offer(s, ids[j]!);
    }
    return m;
  }

  /** Number of rows. */
  get rows(): number {
    return this.data.rows;
  }

  /** Row `d` from the forward index (values as stored: 16-bit ones widened). */
  row(d: number): SparseVector {
    const sd = this.data;
    const from = sd.fwdStart[d]!;
    const to = sd.fwdStart[d + 1]!;
    const ids = new Uint32Array(to - from);
    const values = new Float32Array(to - from);
    const f16 = sd.fwdValues instanceof Uint16Array;
    for (let k = from; k < to; k++) {
      ids[k - from] = sd.fwdTerms[k]!;
      values[k - from] = f16 ? FLOAT16_TABLE[sd.fwdValues[k]!]! : sd.fwdValues[k]!;
    }
    return { ids, values };
  }

  /** Every row in CSR layout, from the forward index. */
  forwardRows(): SparseMatrix {
    const sd = this.data;
    const indptr = Float64Array.from(sd.fwdStart);
    const n = indptr[sd.rows]!;
    const indices = Uint32Array.from(sd.fwdTerms.subarray(0, n));
    const values = new Float32Array(n);
    const f16 = sd.fwdValues instanceof Uint16Array;
    for (let k = 0; k < n; k++) values[k] = f16 ? FLOAT16_TABLE[sd.fwdValues[k]!]! : sd.fwdValues[k]!;
    return { rows: sd.rows, dim: sd.dim, indptr, indices, values };
  }

  /** search() with the rows `filter.allowed` allows. */
  searchRows(query: SparseVector, k: number, params: Readonly<Record<string, unknown>>, filter: SparseRowFilter): SeismicHits {
    return this.search(query, k, { ...(params as Partial<SeismicSearchParams>), allow: filter.allowed });
  }

  /** The k rows with (approximately) the largest inner product with `query`. */
  search(query: SparseVector, k: number, opts: SeismicSearchOptions = {}): SeismicHits {
    checkPositiveInteger(k, 'k');
    const sp = resolveSeismicSearchParams(opts);
    const allow = opts.allow ?? null;
    const d = this.data;
    this.load(query);
    const heap = new TopKHeap(k);
    const epoch = this.nextEpoch();
    let scored = 0;
    try {
      if (allow !== null && allow.count() <= Math.max(4 * k, d.rows * 0.01)) {
        // Very selective filter: score the allowed rows exactly.
        allow.forEach((r) => {
          if (r >= d.rows) return;
          // a row sharing no term with the query is not a hit (as in every other index)
          const s = f(this.dotRow(r));
          if (s > 0) heap.offer(s, r);
        });
        scored = allow.count();
      } else {
        const order = Array.from(query.ids.keys()).filter((i) => query.ids[i]! < d.dim && query.values[i]! > 0);
        order.sort((a, b) => query.values[b]! - query.values[a]!);
        const cut = order.slice(0, sp.queryCut);
        for (let c = 0; c < cut.length; c++) {
          const t = query.ids[cut[c]!]!;
          const first = d.listStart[t]!;
          const last = d.listStart[t + 1]!;
          if (last === first) continue;
          // With the kernels, the summaries of the whole list are scored in one call; the
          // sorted first list needs them all up front on either path.
          const sorted = sp.sorted && c === 0;
          const sums = this.mem !== null ? this.summaryScores(this.mem, first, last) : sorted ? this.summaryScoresTs(first, last) : null;
          if (sorted) {
            // Most promising blocks first (the reference's `sorted`): the heap fills with good
            // documents early, so later blocks are skipped; once one is, all after it are.
            const blocks = this.blockOrder.subarray(0, last - first);
            for (let i = 0; i < blocks.length; i++) blocks[i] = i;
            blocks.sort((a, b) => sums![b]! - sums![a]!);
            for (let i = 0; i < blocks.length; i++) {
              const b = blocks[i]!;
              if (heap.size === k && sums![b]! < sp.heapFactor * heap.threshold()) break;
              scored += this.scoreBlock(first + b, heap, k, epoch, allow);
            }
            continue;
          }
          for (let b = first; b < last; b++) {
            if (heap.size === k) {
              const s = sums !== null ? sums[b - first]! : this.summaryScoreTs(b);
              if (s < sp.heapFactor * heap.threshold()) continue;
            }
            scored += this.scoreBlock(b, heap, k, epoch, allow);
          }
        }
        if (sp.nKnn > 0 && d.knnK > 0) {
          const seeds = Array.from(heap.docs.subarray(0, heap.size));
          for (const r of seeds) {
            for (let j = 0; j < Math.min(sp.nKnn, d.knnK); j++) {
              const nb = d.knn[r * d.knnK + j]!;
              if (nb === 0xffffffff || this.stamp[nb] === epoch) continue;
              this.stamp[nb] = epoch;
              if (allow !== null && !allow.has(nb)) continue;
              scored++;
              const s = f(this.dotRow(nb));
              if (s > 0 && (heap.size < k || s > heap.threshold())) heap.offer(s, nb);
            }
          }
        }
      }
    } finally {
      this.unload(query);
    }
    const { scores, docs } = heap.drain();
    return { ids: Int32Array.from(docs), scores: Float32Array.from(scores), scored };
  }

  /** Computes each row's knn nearest rows (by inner product) with the index itself. */
  buildKnnGraph(knn: number, sp: SeismicSearchParams): void {
    const d = this.data;
    const graph = new Uint32Array(d.rows * knn).fill(0xffffffff);
    for (let r = 0; r < d.rows; r++) {
      const s = d.fwdStart[r]!;
      const e = d.fwdStart[r + 1]!;
      const ids = Uint32Array.from(d.fwdTerms.subarray(s, e));
      const vals = this.f16
        ? Float32Array.from(d.fwdValues.subarray(s, e) as Uint16Array, (h) => FLOAT16_TABLE[h]!)
        : Float32Array.from(d.fwdValues.subarray(s, e) as Float32Array);
      const hits = this.search({ ids, values: vals }, knn + 1, { ...sp, nKnn: 0 });
      let j = 0;
      for (const id of hits.ids) if (id !== r && j < knn) graph[r * knn + j++] = id;
    }
    d.knnK = knn;
    d.knn = graph;
  }
}
