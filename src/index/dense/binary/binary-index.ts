/**
 * Binary-code search. The float query is turned into bit planes of
 * quantized per-dimension weights, so that each code is scored with AND and
 * popcount only: for plane t with weights w_d = q_d * scale_td,
 * sum over set bits of w_d ~= min_t * popcount(B) + step_t * sum_j 2^j popcount(Q_tj & B).
 * With per-vector corrections (RaBitQ's ratio estimator) the code part of the
 * estimate is scaled by each row's factor and shifted by its offset (which
 * makes it exact along the row's centre); the centre adds <q, centre>. The
 * best rescore x k rows are then rescored exactly from the stored floats.
 */
import { dot } from '../../../kernels/dense-distance.js';
import { popcount32 } from '../../../kernels/popcount.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import {
  centreCount,
  codeResidualPlanes,
  nearestCentreOf,
  planeScratch,
  planeWeights,
  planeWords,
  reconstructResidual,
  type ResidualBinarizer,
  type RowVariants,
} from '../../../quantize/residual-binarizer.js';
import { QuarryError } from '../../../core/quarry-error.js';
import type { HadamardVariants } from '../../../quantize/hadamard-variants.js';
import type { DenseHits, DenseIndex, DenseMetric, DenseSearchOptions } from '../dense-types.js';
import { KernelMemory } from '../../../kernels/wasm/kernel-memory.js';
import { KERNEL_MAX_K, allowToScratch, scanInChunks, scanScratchBytes } from '../../../kernels/wasm/kernel-top-k.js';
import { candidateDepth } from '../rescoring.js';
import { heapToHits } from '../dense-hits.js';
import { placeArray } from '../kernel-placement.js';
import { prepareQuery } from '../dense-similarity.js';
import type { DeferredArray } from '../../../io/deferred-array.js';
import type { DiskRows } from '../../../io/disk-rows.js';
import { floatsInMemory, floatsOnDisk, rescoreCandidates, type RescoreFloats, allFloats, heldFloatRow } from '../rescore-floats.js';
import type { BinaryParams } from './params.js';
import { RowEmbedding } from '../../../quantize/random-rotation.js';

/** Search options of binary indexes. */
export interface BinarySearchOptions extends DenseSearchOptions {
  /** Candidates rescored exactly, as a multiple of k (default: the index's). */
  rescore?: number;
  /**
   * Symmetric distance calculation (SDC, as BEBR serves binary queries): candidates are scored
   * against the query's own binary code (see encodeQuery) instead of the float query; rescoring,
   * when asked for, still uses the float query.
   */
  sdc?: boolean;
}

/** The trained binarizer an index was coded with (`quarry train-codes --method bebr`). */
export interface BinaryCodebookRef {
  method: string;
  version: number;
}

/** A query as binary codes: its nearest centre and its bit planes (planes x words of the coded dimensions). */
export interface BinaryQueryCode {
  centre: number;
  planes: Uint32Array;
}

/** A binary-code index with optional exact rescoring. */
export class BinaryIndex implements DenseIndex<BinarySearchOptions> {
  readonly family = 'binary';
  readonly dim: number;
  readonly metric: DenseMetric;
  /** Packed codes: row-major, planes x planeWords(dim) words per row (in kernel memory when the kernels are on). */
  readonly codes: Uint32Array;
  /** Squared norms of the original rows (used for l2). */
  readonly normsSq: Float32Array;
  /** Per-row factors of the code estimate (see residualRowTerms), or null for the plain reconstruction. */
  readonly corrections: Float32Array | null;
  /** Each row's centre (binarizer.centres row), or null when there is one centre. */
  readonly assign: Uint16Array | null;
  /** Per-row exact corrections along the row's centre (see residualRowTerms), or null. */
  readonly offsets: Float32Array | null;
  /** Original rows for rescoring (normalized for cosine) held in memory, or null. */
  readonly floats: Float32Array | null;
  /** The same rows left in the index file and read per query, or null. */
  readonly diskFloats: DiskRows | null;
  /** Each row's basis (see BinaryParams.variants), or null when every row is coded in one. */
  readonly variantOf: Uint8Array | null;
  /** The bases rows may be coded in, or null. */
  readonly transforms: HadamardVariants | null;
  /** Embeds queries as the rows were before coding, or null (see BinaryParams.rotate). */
  private readonly embedding: RowEmbedding | null;
  private readonly words: number;
  private readonly mem: KernelMemory | null;
  /** The binarizer's scales and the bases' multipliers in kernel memory, for the query planes kernel (null without kernels or bases). */
  private readonly scalesK: Float32Array | null;
  private readonly multipliersK: Float32Array | null;

  constructor(
    readonly binarizer: ResidualBinarizer,
    codes: Uint32Array | DeferredArray<Uint32Array>,
    normsSq: Float32Array,
    floats: RescoreFloats,
    readonly params: BinaryParams,
    corrections: Float32Array | null = null,
    assign: Uint16Array | null = null,
    offsets: Float32Array | null = null,
    /** Orthonormal columns (coded dimensions x dim, row-major) the rows were embedded with before coding, or null (see BinaryParams.rotate). */
    rotation: Float32Array | null = null,
    /** Each row's basis, when rows were coded in several (see BinaryParams.variants). */
    variants: RowVariants | null = null,
    /** The trained binarizer the rows were coded with, or null for a fitted one. */
    readonly codebook: BinaryCodebookRef | null = null,
  ) {
    this.dim = params.dim;
    this.metric = params.metric;
    this.words = planeWords(binarizer.dim);
    const planes = binarizer.planes;
    const bases = variants?.transforms.count ?? 1;
    // query planes, per-plane weights and base of every basis, <q, centre> of every centre, and the query and its transform
    const scratch =
      scanScratchBytes(params.dim, normsSq.length) +
      bases * (4 * planes * params.queryBits * this.words + 16 * planes + 8) +
      4 * centreCount(binarizer) +
      8 * binarizer.dim +
      // a trained decoder's per-plane query weights
      (binarizer.decoder == null ? 0 : 4 * planes * binarizer.dim + 16) +
      160;
    const inMemory = floatsInMemory(floats);
    this.diskFloats = floatsOnDisk(floats);
    const rowData = [
      codes,
      inMemory,
      normsSq,
      corrections,
      assign,
      offsets,
      variants?.of ?? null,
      binarizer.scales,
      variants?.transforms.multipliers ?? null,
      ...(rotation === null ? [] : RowEmbedding.arrays(binarizer.dim, params.dim)),
    ];
    const mem = KernelMemory.create(
      KernelMemory.bytesFor(
        rowData.filter((a) => a !== null),
        scratch,
      ),
    );
    this.embedding = rotation === null ? null : new RowEmbedding(rotation, binarizer.dim, params.dim, mem);
    // In kernel memory the scan and its per-row terms run without leaving WebAssembly.
    const placeOrNull = <T extends Float32Array | Uint16Array>(a: T | null): T | null => (a === null ? null : placeArray(mem, a));
    this.codes = placeArray(mem, codes);
    this.floats = inMemory === null ? null : placeArray(mem, inMemory);
    this.normsSq = placeArray(mem, normsSq);
    this.corrections = placeOrNull(corrections);
    this.assign = placeOrNull(assign);
    this.offsets = placeOrNull(offsets);
    this.variantOf = variants === null ? null : placeArray(mem, variants.of);
    this.transforms = variants?.transforms ?? null;
    this.scalesK = mem === null ? null : mem.adopt(binarizer.scales);
    this.multipliersK = mem === null || variants === null ? null : mem.adopt(variants.transforms.multipliers);
    mem?.reserveScratch(scratch);
    this.mem = mem;
  }

  /** The matrix rows were embedded with before coding (coded dimensions x dim), or null. */
  get rotation(): Float32Array | null {
    return this.embedding?.matrix ?? null;
  }

  get size(): number {
    return this.normsSq.length;
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

  /** Bytes of the codes alone (what candidate generation reads besides the per-row terms). */
  get codeBytes(): number {
    return this.codes.byteLength;
  }

  /** Bytes candidate generation reads: codes plus per-row corrections, offsets, centre numbers and bases. */
  get scanBytes(): number {
    return (
      this.codes.byteLength +
      (this.corrections?.byteLength ?? 0) +
      (this.offsets?.byteLength ?? 0) +
      (this.assign?.byteLength ?? 0) +
      (this.variantOf?.byteLength ?? 0)
    );
  }

  search(query: Float32Array, k: number, opts: BinarySearchOptions = {}): DenseHits {
    const hasFloats = this.floats !== null || this.diskFloats !== null;
    const depth = candidateDepth(k, opts.rescore ?? this.params.rescore, hasFloats);
    const q = prepareQuery(query, this.dim, this.metric);
    const approx =
      opts.sdc === true ? this.approximateTop(this.decodeQuery(this.codeOf(q)), depth, opts, true) : this.approximateTop(q, depth, opts);
    if (depth === k || !hasFloats) return approx;
    return rescoreCandidates(approx, q, this.floats, this.diskFloats, this.mem, this.metric, this.dim, k);
  }

  /**
   * The query's binary code, as the rows are coded (nearest centre, the binarizer's planes): what a
   * client sends for a symmetric search (searchQueryCode) instead of the float query.
   */
  encodeQuery(query: Float32Array): BinaryQueryCode {
    return this.codeOf(prepareQuery(query, this.dim, this.metric));
  }

  /** encodeQuery for a query already prepared for the metric. */
  private codeOf(q: Float32Array): BinaryQueryCode {
    if (this.transforms !== null)
      throw new QuarryError(
        'BAD_ARGUMENT',
        'symmetric (binary-query) search needs rows coded in one basis',
        { field: 'sdc' },
        'build the field with variants: 1',
      );
    const b = this.binarizer;
    const coded = new Float32Array(b.dim);
    if (this.embedding === null) coded.set(q.subarray(0, b.dim));
    else coded.set(this.embedding.embed(q, 0));
    const centre = nearestCentreOf(b, coded);
    for (let d = 0; d < b.dim; d++) coded[d]! -= b.centres[centre * b.dim + d]!;
    const planes = new Uint32Array(b.planes * this.words);
    codeResidualPlanes(b, coded, planes, 0, planeScratch(b));
    return { centre, planes };
  }

  /**
   * The k rows with the best estimates against a query given only as its binary code (symmetric
   * distance calculation: centre plus the planes' reconstruction); no rescoring, as there is no
   * float query to rescore with.
   */
  searchQueryCode(code: BinaryQueryCode, k: number, opts: DenseSearchOptions = {}): DenseHits {
    return this.approximateTop(this.decodeQuery(code), Math.min(k, KERNEL_MAX_K), opts, true);
  }

  /** A query code's reconstruction in coded space. */
  private decodeQuery(code: BinaryQueryCode): Float32Array {
    const b = this.binarizer;
    if (!Number.isInteger(code.centre) || code.centre < 0 || code.centre >= centreCount(b) || code.planes.length !== b.planes * this.words)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `a query code for this index names one of ${centreCount(b)} centres and holds ${b.planes * this.words} words`,
        { field: 'code' },
        'encode the query with this index (encodeQuery)',
      );
    const x = new Float64Array(b.dim);
    reconstructResidual(b, code.planes, 0, x);
    const out = new Float32Array(b.dim);
    for (let d = 0; d < b.dim; d++) out[d] = b.centres[code.centre * b.dim + d]! + x[d]!;
    return out;
  }

  searchBatch(queries: Float32Array, k: number, opts: BinarySearchOptions = {}): DenseHits[] {
    const out: DenseHits[] = [];
    for (let off = 0; off < queries.length; off += this.dim) out.push(this.search(queries.subarray(off, off + this.dim), k, opts));
    return out;
  }

  /** The `depth` best rows by the popcount estimate; `coded`: the query is already in coded space. */
  private approximateTop(query: Float32Array, depth: number, opts: DenseSearchOptions, coded = false): DenseHits {
    const { dim, planes, centres } = this.binarizer;
    const q = this.embedding === null || coded ? query : this.embedding.embed(query, 0);
    const words = this.words;
    const B = this.params.queryBits;
    const transforms = this.transforms;
    const bases = transforms?.count ?? 1;
    // <q, centre> of every centre; the codes estimate <q, row - centre>
    const k = centreCount(this.binarizer);
    const qc = new Float32Array(k);
    for (let c = 0; c < k; c++) qc[c] = dot(q, 0, centres, c * dim, dim);
    const assign = this.assign;
    const codes = this.codes;
    const l2 = this.metric === 'l2';
    const corr = this.corrections;
    const offsets = this.offsets;
    const allow = opts.allow ?? null;
    const stride = planes * words;
    const n = this.size;
    const mem = this.mem;
    if (mem !== null && this.scalesK !== null && depth <= KERNEL_MAX_K) {
      mem.resetScratch();
      // Per basis v: query bit planes qp[((v * planes + t) * B + j) * words + w], each plane's weights, and the constant part
      const qK = mem.scratch(Float32Array, dim);
      let scalesAt = this.scalesK.byteOffset;
      if (this.binarizer.decoder == null) qK.set(q.subarray(0, dim));
      else {
        // a trained decoder's weights D_tᵀ q are computed here and passed as the scales of a query of ones
        const weights = mem.scratch(Float32Array, planes * dim);
        planeWeights(this.binarizer, q, weights);
        qK.fill(1);
        scalesAt = weights.byteOffset;
      }
      const work = mem.scratch(Float32Array, dim);
      const qp = mem.scratch(Uint32Array, bases * planes * B * words);
      const minK = mem.scratch(Float64Array, bases * planes);
      const stepK = mem.scratch(Float64Array, bases * planes);
      const baseK = mem.scratch(Float64Array, bases);
      mem.k.variant_query_planes(
        qK.byteOffset,
        this.multipliersK?.byteOffset ?? 0,
        bases,
        dim,
        transforms?.block ?? 0,
        scalesAt,
        planes,
        B,
        work.byteOffset,
        qp.byteOffset,
        minK.byteOffset,
        stepK.byteOffset,
        baseK.byteOffset,
      );
      const base = baseK[0]!;
      const variantOf = this.variantOf;
      const qcK = mem.scratch(Float32Array, k);
      qcK.set(qc);
      const allowPtr = allowToScratch(mem, allow, n);
      // as the TypeScript loop below: correction, then <q, centre> and the offset, then the l2 form
      const at = (a: Float32Array | Uint16Array | null, from: number): number =>
        a === null ? 0 : a.byteOffset + from * a.BYTES_PER_ELEMENT;
      return scanInChunks(mem, n, depth, allowPtr, false, (from, len, out) => {
        if (variantOf === null)
          mem.k.bitplane_rows(
            qp.byteOffset,
            codes.byteOffset + from * stride * 4,
            words,
            planes,
            B,
            len,
            minK.byteOffset,
            stepK.byteOffset,
            base,
            out.byteOffset,
          );
        else
          mem.k.bitplane_rows_variants(
            qp.byteOffset,
            codes.byteOffset + from * stride * 4,
            words,
            planes,
            B,
            len,
            minK.byteOffset,
            stepK.byteOffset,
            baseK.byteOffset,
            variantOf.byteOffset + from,
            out.byteOffset,
          );
        mem.k.binary_row_terms(
          out.byteOffset,
          len,
          at(corr, from),
          at(offsets, from),
          at(assign, from),
          qcK.byteOffset,
          l2 ? at(this.normsSq, from) : 0,
        );
      });
    }
    const qPlanes = new Uint32Array(bases * planes * B * words);
    const minW = new Float64Array(bases * planes);
    const step = new Float64Array(bases * planes);
    const baseOf = new Float64Array(bases);
    const qv = new Float32Array(dim);
    for (let v = 0; v < bases; v++) {
      qv.set(q.subarray(0, dim));
      transforms?.apply(v, qv);
      baseOf[v] = this.queryPlanes(qv, v, qPlanes, minW, step);
    }
    const heap = new TopKHeap(depth);
    const variantOf = this.variantOf;
    for (let r = 0; r < n; r++) {
      if (allow !== null && !allow.has(r)) continue;
      const v = variantOf === null ? 0 : variantOf[r]!;
      let est = baseOf[v]!;
      for (let t = 0; t < planes; t++) {
        const cOff = r * stride + t * words;
        const vt = v * planes + t;
        let ones = 0;
        let weighted = 0;
        for (let w = 0; w < words; w++) {
          const c = codes[cOff + w]!;
          ones += popcount32(c);
          for (let j = 0; j < B; j++) weighted += popcount32(c & qPlanes[(vt * B + j) * words + w]!) << j;
        }
        est += 2 * (minW[vt]! * ones + step[vt]! * weighted);
      }
      // rounded to float32 here as the kernel stores it, so that both paths give the same scores
      est = Math.fround(est);
      if (corr !== null) est *= corr[r]!;
      est += qc[assign === null ? 0 : assign[r]!]!;
      if (offsets !== null) est += offsets[r]!;
      const score = l2 ? 2 * est - this.normsSq[r]! : est;
      if (heap.size < depth || score > heap.threshold()) heap.offer(score, r);
    }
    return heapToHits(heap);
  }

  /**
   * Quantizes the query's per-dimension weights in basis v (q_d * scale_td) to
   * queryBits-bit levels and writes their bit planes and each plane's offset and
   * step at v's place; returns the estimate's constant part (codes are 2 bit - 1).
   */
  private queryPlanes(q: Float32Array, v: number, qPlanes: Uint32Array, minW: Float64Array, step: Float64Array): number {
    const { dim, planes } = this.binarizer;
    const words = this.words;
    const B = this.params.queryBits;
    const levels = (1 << B) - 1;
    const weights = new Float32Array(planes * dim);
    planeWeights(this.binarizer, q, weights);
    let base = 0;
    for (let t = 0; t < planes; t++) {
      const vt = v * planes + t;
      let lo = Infinity;
      let hi = -Infinity;
      for (let d = 0; d < dim; d++) {
        const w = weights[t * dim + d]!;
        base -= w;
        if (w < lo) lo = w;
        if (w > hi) hi = w;
      }
      const st = hi > lo ? (hi - lo) / levels : 0;
      minW[vt] = lo;
      step[vt] = st;
      if (st === 0) continue;
      const inv = 1 / st;
      const planeAt = vt * B * words;
      for (let d = 0; d < dim; d++) {
        // floor(x + 0.5) rather than Math.round, so that the kernel (variant_query_planes) can round alike
        const u = Math.floor((weights[t * dim + d]! - lo) * inv + 0.5);
        const bit = 1 << (d & 31);
        const w = planeAt + (d >>> 5);
        for (let j = 0; j < B; j++) if ((u >>> j) & 1) qPlanes[w + j * words]! |= bit;
      }
    }
    return base;
  }
}
