/**
 * Late-interaction scoring over a multi-vector store: exact MaxSim (for each
 * query token, its best similarity over the document's tokens, summed — the
 * ColBERT score), exhaustive top-k, MUVERA candidate generation with exact
 * rescoring, and reranking of a first stage's candidates with the two
 * early-exit rules of "Multivector Reranking in the Era of Strong
 * First-Stage Retrievers" (2026).
 */
import type { Bitset } from '../../kernels/bitset.js';
import { dot, normalizeRows } from '../../kernels/dense-distance.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { KernelMemory } from '../../kernels/wasm/kernel-memory.js';
import { QuarryError } from '../../core/quarry-error.js';
import type { DenseIndex, DenseSearchOptions } from '../dense/dense-types.js';
import { FdeEncoder } from './fde.js';
import type { MultiVectorSearchParams, MuveraParams, RerankParams, TokenStorage } from './params.js';

/** A segment's token vectors. */
export interface MultiVectorData {
  dim: number;
  metric: 'dot' | 'cosine';
  storage: TokenStorage;
  /** documents + 1 row offsets. */
  offsets: Uint32Array;
  floats: Float32Array | null;
  codes: Int8Array | null;
  /** Sign bits for binary storage: ceil(dim / 32) words per token. */
  bits: Uint32Array | null;
  /** Per-token scales (int8 and binary storage). */
  scales: Float32Array | null;
  /** MUVERA encodings stored coordinate-major (encoding dim × documents), for the `columnar` search; or null. */
  fdeColumns: Float32Array | null;
}

/** Documents and scores, best first. */
export interface MultiVectorHits {
  ids: Int32Array;
  scores: Float32Array;
  /** Documents whose MaxSim was computed. */
  scored: number;
}

/** Query tokens the MaxSim kernels take in one call (longer queries use the TypeScript loop). */
const MAX_KERNEL_QUERY_TOKENS = 1024;

/** A segment's multi-vector field, searchable. */
export class MultiVectorIndex {
  private readonly encoder: FdeEncoder | null;
  private best = new Float32Array(64);
  private acc = new Float32Array(0);
  private qsum = new Float32Array(0);

  /** Kernel memory holding the float32 or int8 token rows, or null (binary storage, or the TypeScript path). */
  private readonly mem: KernelMemory | null = null;
  /** The prepared query last copied into kernel scratch, and that copy. */
  private kernelQuery: Float32Array | null = null;
  private kernelQueryCopy = new Float32Array(0);
  private kernelBest = new Float32Array(0);

  constructor(
    readonly data: MultiVectorData,
    readonly fde: DenseIndex<DenseSearchOptions & Record<string, unknown>> | null,
    readonly muvera: MuveraParams | null,
  ) {
    this.encoder = muvera !== null && (fde !== null || data.fdeColumns !== null) ? new FdeEncoder(data.dim, muvera) : null;
    const tokens = data.floats !== null ? [data.floats] : data.codes !== null && data.scales !== null ? [data.codes, data.scales] : null;
    if (tokens === null) return;
    const scratch = 4 * (MAX_KERNEL_QUERY_TOKENS + 1) * (data.dim + 1) + 64;
    const mem = KernelMemory.create(KernelMemory.bytesFor(tokens, scratch));
    if (mem === null) return;
    // token rows move into kernel memory once; queries are copied there once each
    if (data.floats !== null) data.floats = mem.adopt(data.floats);
    else {
      data.codes = mem.adopt(data.codes!);
      data.scales = mem.adopt(data.scales!);
    }
    mem.reserveScratch(scratch);
    this.kernelQueryCopy = mem.scratch(Float32Array, MAX_KERNEL_QUERY_TOKENS * data.dim);
    this.kernelBest = mem.scratch(Float32Array, MAX_KERNEL_QUERY_TOKENS);
    this.mem = mem;
  }

  /** MaxSim by the SIMD kernels, or null when the query does not fit the kernel scratch. */
  private maxSimInKernels(mem: KernelMemory, q: Float32Array, doc: number): number | null {
    const { dim, offsets } = this.data;
    const nq = q.length / dim;
    if (nq > MAX_KERNEL_QUERY_TOKENS) return null;
    if (this.kernelQuery !== q) {
      this.kernelQueryCopy.set(q);
      this.kernelQuery = q;
    }
    const start = offsets[doc]!;
    const nt = offsets[doc + 1]! - start;
    const qPtr = this.kernelQueryCopy.byteOffset;
    if (this.data.floats !== null)
      return mem.k.maxsim_f32(qPtr, nq, this.data.floats.byteOffset + start * dim * 4, nt, dim, this.kernelBest.byteOffset);
    return mem.k.maxsim_f32_i8(
      qPtr,
      nq,
      this.data.codes!.byteOffset + start * dim,
      this.data.scales!.byteOffset + start * 4,
      nt,
      dim,
      this.kernelBest.byteOffset,
    );
  }

  /** Number of documents. */
  get size(): number {
    return this.data.offsets.length - 1;
  }

  /** True when MUVERA encodings propose the candidates (searches are then approximate). */
  get approximate(): boolean {
    return this.encoder !== null;
  }

  /** Document `doc`'s token rows as stored (dequantized for int8 and binary). */
  documentRows(doc: number): Float32Array {
    const { dim, offsets, floats, codes, bits, scales } = this.data;
    const a = offsets[doc]!;
    const b = offsets[doc + 1]!;
    if (floats !== null) return floats.slice(a * dim, b * dim);
    const out = new Float32Array((b - a) * dim);
    if (bits !== null) {
      const words = (dim + 31) >>> 5;
      for (let t = a; t < b; t++)
        for (let j = 0; j < dim; j++) out[(t - a) * dim + j] = (bits[t * words + (j >>> 5)]! >>> (j & 31)) & 1 ? scales![t]! : -scales![t]!;
      return out;
    }
    for (let t = a; t < b; t++) for (let j = 0; j < dim; j++) out[(t - a) * dim + j] = codes![t * dim + j]! * scales![t]!;
    return out;
  }

  /** Checks and (for cosine) normalizes a query's token rows; returns a new array. */
  prepareQuery(tokens: Float32Array): Float32Array {
    const dim = this.data.dim;
    if (tokens.length === 0 || tokens.length % dim !== 0)
      throw new QuarryError('BAD_ARGUMENT', `a query needs one or more token vectors of ${dim} numbers`, { field: 'multivector' });
    const q = tokens.slice();
    for (let i = 0; i < q.length; i++)
      if (!Number.isFinite(q[i]!))
        throw new QuarryError('BAD_ARGUMENT', `query token ${Math.floor(i / dim)}, component ${i % dim} is not a finite number`, {
          field: 'multivector',
        });
    if (this.data.metric === 'cosine') normalizeRows(q, dim);
    return q;
  }

  /**
   * Exact MaxSim of a prepared query (nq rows) against document `doc`. The kernels
   * keep a copy of the last query, so a query array must not be changed in place
   * between calls (prepareQuery returns a fresh one).
   */
  maxSim(q: Float32Array, doc: number): number {
    if (this.mem !== null) {
      const s = this.maxSimInKernels(this.mem, q, doc);
      if (s !== null) return s;
    }
    const { dim, offsets } = this.data;
    const nq = q.length / dim;
    if (this.best.length < nq) this.best = new Float32Array(nq);
    const best = this.best;
    best.fill(-Infinity, 0, nq);
    const start = offsets[doc]!;
    const end = offsets[doc + 1]!;
    if (start === end) return 0;
    const floats = this.data.floats;
    if (floats !== null) {
      for (let t = start; t < end; t++) {
        const off = t * dim;
        for (let i = 0; i < nq; i++) {
          const s = dot(q, i * dim, floats, off, dim);
          if (s > best[i]!) best[i] = s;
        }
      }
    } else if (this.data.bits !== null) {
      // α · Σ_j ±q_j = α · (2 · Σ_{bit j set} q_j − Σ_j q_j): only set bits are visited.
      const bits = this.data.bits;
      const scales = this.data.scales!;
      const words = (dim + 31) >>> 5;
      if (this.qsum.length < nq) this.qsum = new Float32Array(nq);
      for (let i = 0; i < nq; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += q[i * dim + j]!;
        this.qsum[i] = s;
      }
      for (let t = start; t < end; t++) {
        const scale = scales[t]!;
        for (let i = 0; i < nq; i++) {
          const qo = i * dim;
          let pos = 0;
          for (let w = 0; w < words; w++) {
            let word = bits[t * words + w]!;
            while (word !== 0) {
              const low = word & -word;
              pos += q[qo + (w << 5) + 31 - Math.clz32(low)]!;
              word ^= low;
            }
          }
          const s = scale * (2 * pos - this.qsum[i]!);
          if (s > best[i]!) best[i] = s;
        }
      }
    } else {
      // Float query × int8 codes has no shared kernel; four partial sums as in kernels/dense-distance.ts.
      const tail = dim & ~3;
      const codes = this.data.codes!;
      const scales = this.data.scales!;
      for (let t = start; t < end; t++) {
        const off = t * dim;
        const scale = scales[t]!;
        for (let i = 0; i < nq; i++) {
          const qo = i * dim;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let j = 0;
          for (; j < tail; j += 4) {
            s0 += q[qo + j]! * codes[off + j]!;
            s1 += q[qo + j + 1]! * codes[off + j + 1]!;
            s2 += q[qo + j + 2]! * codes[off + j + 2]!;
            s3 += q[qo + j + 3]! * codes[off + j + 3]!;
          }
          for (; j < dim; j++) s0 += q[qo + j]! * codes[off + j]!;
          const s = (s0 + s1 + s2 + s3) * scale;
          if (s > best[i]!) best[i] = s;
        }
      }
    }
    let sum = 0;
    for (let i = 0; i < nq; i++) sum += best[i]!;
    return sum;
  }

  /** Exact top k by MaxSim over every allowed document (the reference). */
  exhaustive(q: Float32Array, k: number, allow: Bitset | null = null): MultiVectorHits {
    const heap = new TopKHeap(k);
    let scored = 0;
    for (let d = 0; d < this.size; d++) {
      if (allow !== null && !allow.has(d)) continue;
      heap.offer(this.maxSim(q, d), d);
      scored++;
    }
    return { ...drain(heap), scored };
  }

  /**
   * Top k: with MUVERA, the encoding's dense index proposes `candidates`
   * documents and exact MaxSim ranks them; without it, an exhaustive scan.
   */
  search(q: Float32Array, k: number, params: Partial<MultiVectorSearchParams> = {}, allow: Bitset | null = null): MultiVectorHits {
    if (this.encoder === null) return this.exhaustive(q, k, allow);
    const depth = Math.max(k, params.candidates ?? 100);
    const enc = this.encoder.encodeQuery(q, q.length / this.data.dim);
    const candidateIds =
      this.fde !== null ? this.fde.search(enc, depth, { ...(params.dense ?? {}), allow }).ids : this.columnarCandidates(enc, depth, allow);
    const heap = new TopKHeap(k);
    // Offer in document order so ties resolve by document number as in the exhaustive reference.
    const ids = Int32Array.from(candidateIds).sort();
    for (const d of ids) heap.offer(this.maxSim(q, d), d);
    return { ...drain(heap), scored: ids.length };
  }

  /** Exact inner products of a query encoding with every document's, over its non-zero coordinates only. */
  private columnarCandidates(enc: Float32Array, depth: number, allow: Bitset | null): Int32Array {
    const cols = this.data.fdeColumns!;
    const n = this.size;
    if (this.acc.length < n) this.acc = new Float32Array(n);
    const acc = this.acc;
    acc.fill(0, 0, n);
    for (let j = 0; j < enc.length; j++) {
      const w = enc[j]!;
      if (w === 0) continue;
      const base = j * n;
      for (let d = 0; d < n; d++) acc[d]! += w * cols[base + d]!;
    }
    const heap = new TopKHeap(depth);
    for (let d = 0; d < n; d++) if (allow === null || allow.has(d)) heap.offer(acc[d]!, d);
    return Int32Array.from(heap.drain().docs);
  }

  /**
   * Reranks first-stage candidates (best first, with their first-stage
   * scores) by MaxSim, keeping the top k. Candidates beyond `depth` are
   * ignored; `alpha` drops those scoring below (1 − alpha) × the k-th
   * first-stage score; `beta` stops after that many consecutive candidates
   * fail to enter the top k.
   */
  rerank(q: Float32Array, candidates: ArrayLike<number>, firstScores: ArrayLike<number>, k: number, rules: RerankParams): MultiVectorHits {
    return rerankWithEarlyExit(candidates, firstScores, k, rules, (d) => this.maxSim(q, d));
  }
}

/**
 * The reranking loop shared by a single store and a multi-segment
 * collection: `score(doc)` computes a candidate's MaxSim. Candidates come
 * best first by first-stage score.
 */
export function rerankWithEarlyExit(
  candidates: ArrayLike<number>,
  firstScores: ArrayLike<number>,
  k: number,
  rules: RerankParams,
  score: (doc: number) => number,
): MultiVectorHits {
  const n = Math.min(candidates.length, rules.depth);
  const heap = new TopKHeap(k);
  const kth = n >= k ? firstScores[k - 1]! : -Infinity;
  // (1 − α) × s_k as a floor assumes non-negative first-stage scores (BM25, learned sparse, RRF).
  const floor = rules.alpha === undefined || kth === -Infinity ? -Infinity : (1 - rules.alpha) * kth;
  let misses = 0;
  let scored = 0;
  for (let i = 0; i < n; i++) {
    if (firstScores[i]! < floor) break; // candidates come best first: every later one is lower too
    const d = candidates[i]!;
    const entered = heap.offer(score(d), d);
    scored++;
    if (entered) misses = 0;
    else if (rules.beta !== undefined && ++misses >= rules.beta) break;
  }
  return { ...drain(heap), scored };
}

function drain(heap: TopKHeap): { ids: Int32Array; scores: Float32Array } {
  const r = heap.drain();
  return { ids: Int32Array.from(r.docs), scores: Float32Array.from(r.scores) };
}
