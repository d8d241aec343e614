/**
 * int8 search: score(q, x) ~= q . lo + sum_d (q_d * step_d) * code_d, one
 * multiply-add per byte, then exact rescoring of the best rescore x k rows.
 * The weights q_d * step_d are rounded to integers of at most 11 bits and one
 * scale, so the scan multiplies integers only (16-bit by 8-bit lanes in the
 * kernels); that rounding, at most 1/4094 of the largest weight up to about
 * 4,100 dimensions, is far below the codes' own.
 */
import { dot } from '../../../kernels/dense-distance.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import type { ScalarQuantizer } from '../../../quantize/scalar-quantizer.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import type { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import { KERNEL_MAX_K, allowToScratch, scanInChunks, scanScratchBytes } from '../../../kernels/wasm/kernel-top-k.js';
import { candidateDepth } from '../rescoring.js';
import { codesInKernelMemory } from '../kernel-placement.js';
import { heapToHits } from '../dense-hits.js';
import { prepareQuery } from '../dense-similarity.js';
import type { DeferredArray } from '../../../io/deferred-array.js';
import type { DiskRows } from '../../../io/disk-rows.js';
import { floatsInMemory, floatsOnDisk, rescoreCandidates, type RescoreFloats, allFloats, heldFloatRow } from '../rescore-floats.js';
import type { Int8Params } from './params.js';
import { LowRankScorer, type LowRankRows } from '../../../learn/low-rank/low-rank-rows.js';

/** Search options of int8 indexes. */
export interface Int8SearchOptions extends DenseSearchOptions {
  rescore?: number;
}

/**
 * Largest magnitude of an integer query weight for `dim` dimensions: 2047 (11
 * bits and sign), fewer above about 4,100 dimensions so that a score's integer
 * sum, at most dim x 255 x levels, stays within 32 bits (see dot_i16_u8_rows).
 */
export function queryWeightLevels(dim: number): number {
  return Math.max(1, Math.min(2047, Math.floor(0x7fffffff / (255 * dim))));
}

/** The query's weights q_d * step_d as integers times one scale (returned). */
export function integerQueryWeights(q: Float32Array, step: Float32Array, weights: Int16Array): number {
  let max = 0;
  for (let d = 0; d < weights.length; d++) max = Math.max(max, Math.abs(q[d]! * step[d]!));
  const scale = max / queryWeightLevels(weights.length);
  for (let d = 0; d < weights.length; d++) weights[d] = scale > 0 ? Math.round((q[d]! * step[d]!) / scale) : 0;
  return scale;
}

/** An 8-bit scalar-quantized index. */
export class Int8Index implements DenseIndex<Int8SearchOptions> {
  readonly family = 'int8';
  readonly dim: number;
  readonly metric: DenseMetric;
  /** Codes, row-major (in kernel memory when the kernels are on). */
  readonly codes: Uint8Array;
  /** Squared norms of the dequantized rows (l2 only). */
  readonly normsSq: Float32Array;
  /** Original rows for rescoring held in memory, or null. */
  readonly floats: Float32Array | null;
  /** The same rows left in the index file and read per query, or null. */
  readonly diskFloats: DiskRows | null;
  private readonly mem: KernelMemory | null;

  constructor(
    readonly quantizer: ScalarQuantizer,
    codes: Uint8Array | DeferredArray<Uint8Array>,
    normsSq: Float32Array,
    floats: RescoreFloats,
    readonly params: Int8Params,
    /** Low-rank + sparse rows candidates are rescored from instead of the floats (see Int8Params.lowRank), or null. */
    readonly lowRank: LowRankRows | null = null,
  ) {
    this.dim = params.dim;
    this.metric = params.metric;
    const scratch = scanScratchBytes(params.dim, normsSq.length) + 4 * params.dim;
    const placed = codesInKernelMemory(codes, floatsInMemory(floats), scratch);
    this.diskFloats = floatsOnDisk(floats);
    this.mem = placed.mem;
    this.codes = placed.codes;
    this.floats = placed.floats;
    this.normsSq = normsSq;
  }

  get size(): number {
    return this.codes.length / this.dim;
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

  search(query: Float32Array, k: number, opts: Int8SearchOptions = {}): DenseHits {
    const q = prepareQuery(query, this.dim, this.metric);
    if (this.lowRank !== null) {
      const depth = candidateDepth(k, opts.rescore ?? this.params.rescore, true);
      const approx = this.scan(q, depth, opts);
      return depth === k ? approx : this.rescoreLowRank(approx, q, k);
    }
    const hasFloats = this.floats !== null || this.diskFloats !== null;
    const depth = candidateDepth(k, opts.rescore ?? this.params.rescore, hasFloats);
    const approx = this.scan(q, depth, opts);
    if (depth === k || !hasFloats) return approx;
    const inKernels = this.mem !== null && depth <= KERNEL_MAX_K;
    return rescoreCandidates(approx, q, this.floats, this.diskFloats, inKernels ? this.mem : null, this.metric, this.dim, k);
  }

  /** The `depth` best rows by the codes (q prepared). */
  private scan(q: Float32Array, depth: number, opts: Int8SearchOptions): DenseHits {
    const dim = this.dim;
    const weights = new Int16Array(dim);
    const scale = integerQueryWeights(q, this.quantizer.step, weights);
    const base = dot(q, 0, this.quantizer.lo, 0, dim);
    const codes = this.codes;
    const l2 = this.metric === 'l2';
    const allow = opts.allow ?? null;
    const n = this.size;
    const mem = this.mem;
    if (mem !== null && depth <= KERNEL_MAX_K) {
      mem.resetScratch();
      const weightsK = mem.scratch(Int16Array, dim);
      weightsK.set(weights);
      const allowPtr = allowToScratch(mem, allow, n);
      return scanInChunks(mem, n, depth, allowPtr, false, (from, len, out) => {
        mem.k.dot_i16_u8_rows(weightsK.byteOffset, codes.byteOffset + from * dim, dim, len, scale, base, out.byteOffset);
        if (l2) for (let j = 0; j < len; j++) out[j] = 2 * out[j]! - this.normsSq[from + j]!;
      });
    }
    const heap = new TopKHeap(depth);
    for (let r = 0; r < n; r++) {
      if (allow !== null && !allow.has(r)) continue;
      const off = r * dim;
      let sum = 0; // integers: exact, as in the kernel
      for (let d = 0; d < dim; d++) sum += weights[d]! * codes[off + d]!;
      const s = Math.fround(base + scale * sum);
      const score = l2 ? 2 * s - this.normsSq[r]! : s;
      if (heap.size < depth || score > heap.threshold()) heap.offer(score, r);
    }
    return heapToHits(heap);
  }

  /** The k best candidates by their low-rank rows' scores (negated squared distances for l2, as exact rescoring gives). */
  private rescoreLowRank(candidates: DenseHits, q: Float32Array, k: number): DenseHits {
    const lowRank = this.lowRank!;
    const scorer = new LowRankScorer(lowRank);
    scorer.prepare(q);
    const l2 = this.metric === 'l2';
    let qq = 0;
    if (l2) for (let d = 0; d < this.dim; d++) qq += q[d]! * q[d]!;
    const heap = new TopKHeap(k);
    for (let i = 0; i < candidates.ids.length; i++) {
      const r = candidates.ids[i]!;
      const s = scorer.dot(r);
      const score = l2 ? -(qq - 2 * s + lowRank.normsSq[r]!) : s;
      if (heap.size < k || score > heap.threshold()) heap.offer(score, r);
    }
    return heapToHits(heap);
  }

  searchBatch(queries: Float32Array, k: number, opts: Int8SearchOptions = {}): DenseHits[] {
    const out: DenseHits[] = [];
    for (let off = 0; off < queries.length; off += this.dim) out.push(this.search(queries.subarray(off, off + this.dim), k, opts));
    return out;
  }
}
