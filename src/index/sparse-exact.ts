/**
 * Exact sparse inner-product search over an impact-ordered inverted index
 * (docs ascending per term, float weights, blocks of 128 with their maximum
 * weight): `pruned` is document-at-a-time MaxScore with block-max bounds on
 * the non-essential lists; `exhaustive` accumulates every posting; `scan`
 * computes every document's dot product from the forward rows (the
 * reference). All three return the same top k.
 */
import { TopKHeap } from '../kernels/top-k-heap.js';
import { QuarryError } from '../io/quarry-error.js';
import { rowDot, type SparseMatrix, type SparseVector } from '../io/sparse-matrix.js';

const BLOCK = 128;
const f = Math.fround;

/** Exact-search modes (same results). */
export type SparseExactMode = 'pruned' | 'exhaustive' | 'scan';

/** Top-k result: row numbers and float32 scores, best first. */
export interface SparseHits {
  ids: Int32Array;
  scores: Float32Array;
}

/** Inverted lists built from a sparse matrix. */
export class SparseExactIndex {
  /** Postings of term t: docs/weights[start[t] .. start[t + 1]). */
  readonly start: Float64Array;
  readonly docs: Uint32Array;
  readonly weights: Float32Array;
  /** Blocks of term t: blockStart[t] .. blockStart[t + 1]; max weight and last doc per block. */
  readonly blockStart: Uint32Array;
  readonly blockMax: Float32Array;
  readonly blockLast: Uint32Array;
  private acc = new Float64Array(0);
  private stamp = new Uint32Array(0);
  private epoch = 0;

  constructor(readonly matrix: SparseMatrix) {
    const { dim, rows, indptr, indices, values } = matrix;
    // A counting sort of the postings by term. It runs every time a segment is
    // opened, so the scatter loop keeps its cursors as 32-bit integers (typed-array
    // lengths fit) and its arrays in locals.
    const nnz = indices.length;
    const cursor = new Uint32Array(dim + 1);
    for (let i = 0; i < nnz; i++) cursor[indices[i]! + 1]!++;
    for (let t = 0; t < dim; t++) cursor[t + 1]! += cursor[t]!;
    this.start = Float64Array.from(cursor);
    const counts = this.start;
    const docs = new Uint32Array(nnz);
    const weights = new Float32Array(nnz);
    let i = 0;
    for (let r = 0; r < rows; r++) {
      const end = indptr[r + 1]!;
      for (; i < end; i++) {
        const slot = cursor[indices[i]!]!++;
        docs[slot] = r;
        weights[slot] = values[i]!;
      }
    }
    this.docs = docs;
    this.weights = weights;
    this.blockStart = new Uint32Array(dim + 1);
    for (let t = 0; t < dim; t++) this.blockStart[t + 1] = this.blockStart[t]! + Math.ceil((counts[t + 1]! - counts[t]!) / BLOCK);
    const nb = this.blockStart[dim]!;
    this.blockMax = new Float32Array(nb);
    this.blockLast = new Uint32Array(nb);
    const blockMax = this.blockMax;
    const blockLast = this.blockLast;
    for (let t = 0; t < dim; t++) {
      let b = this.blockStart[t]!;
      const last = cursor[t]!; // the cursor of term t ended where term t + 1 starts
      for (let s = t === 0 ? 0 : cursor[t - 1]!; s < last; s += BLOCK, b++) {
        const e = Math.min(last, s + BLOCK);
        let mx = 0;
        for (let p = s; p < e; p++) if (weights[p]! > mx) mx = weights[p]!;
        blockMax[b] = mx;
        blockLast[b] = docs[e - 1]!;
      }
    }
  }

  /** The k rows with the largest inner product with `query` (ties: lower row first). */
  search(query: SparseVector, k: number, mode: SparseExactMode = 'pruned'): SparseHits {
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    const heap = new TopKHeap(k);
    if (mode === 'scan') {
      const dense = new Float32Array(this.matrix.dim);
      for (let i = 0; i < query.ids.length; i++) if (query.ids[i]! < dense.length) dense[query.ids[i]!] = query.values[i]!;
      for (let r = 0; r < this.matrix.rows; r++) {
        const s = f(rowDot(this.matrix, r, dense));
        if (s > 0) heap.offer(s, r);
      }
    } else if (mode === 'exhaustive') this.exhaustive(query, heap);
    else this.maxScore(query, heap);
    const { scores, docs } = heap.drain();
    return { ids: Int32Array.from(docs), scores: Float32Array.from(scores) };
  }

  private terms(query: SparseVector): { t: number; w: number; ub: number }[] {
    const out: { t: number; w: number; ub: number }[] = [];
    for (let i = 0; i < query.ids.length; i++) {
      const t = query.ids[i]!;
      const w = query.values[i]!;
      if (t >= this.matrix.dim || w <= 0 || this.start[t + 1] === this.start[t]) continue;
      let mx = 0;
      for (let b = this.blockStart[t]!; b < this.blockStart[t + 1]!; b++) if (this.blockMax[b]! > mx) mx = this.blockMax[b]!;
      out.push({ t, w, ub: w * mx * (1 + 1e-6) });
    }
    return out;
  }

  private exhaustive(query: SparseVector, heap: TopKHeap): void {
    const n = this.matrix.rows;
    if (this.acc.length < n) {
      this.acc = new Float64Array(n);
      this.stamp = new Uint32Array(n);
    }
    const epoch = ++this.epoch;
    const touched: number[] = [];
    for (const { t, w } of this.terms(query)) {
      for (let i = this.start[t]!; i < this.start[t + 1]!; i++) {
        const d = this.docs[i]!;
        if (this.stamp[d] !== epoch) {
          this.stamp[d] = epoch;
          this.acc[d] = w * this.weights[i]!;
          touched.push(d);
        } else this.acc[d]! += w * this.weights[i]!;
      }
    }
    for (const d of touched) {
      const s = f(this.acc[d]!);
      if (s > 0) heap.offer(s, d);
    }
  }

  private maxScore(query: SparseVector, heap: TopKHeap): void {
    const lists = this.terms(query).sort((a, b) => a.ub - b.ub);
    const n = lists.length;
    // Per-list state in typed arrays: monomorphic and allocation-free in the loop.
    const w = new Float64Array(n);
    const pos = new Float64Array(n);
    const end = new Float64Array(n);
    const first = new Float64Array(n);
    const blk = new Uint32Array(n);
    const lastBlk = new Uint32Array(n);
    const blkFirst = new Uint32Array(n);
    const prefix = new Float64Array(n);
    let run = 0;
    lists.forEach((l, i) => {
      w[i] = l.w;
      pos[i] = first[i] = this.start[l.t]!;
      end[i] = this.start[l.t + 1]!;
      blk[i] = blkFirst[i] = this.blockStart[l.t]!;
      lastBlk[i] = this.blockStart[l.t + 1]!;
      prefix[i] = run += l.ub;
    });
    const docs = this.docs;
    const weights = this.weights;
    const blockLast = this.blockLast;
    const blockMax = this.blockMax;
    let theta = heap.threshold();
    let essential = 0;
    while (essential < n && f(prefix[essential]!) <= theta) essential++;
    while (essential < n) {
      let doc = 0xffffffff;
      for (let i = essential; i < n; i++) if (pos[i]! < end[i]! && docs[pos[i]!]! < doc) doc = docs[pos[i]!]!;
      if (doc === 0xffffffff) break;
      let score = 0;
      for (let i = essential; i < n; i++) {
        const p = pos[i]!;
        if (p < end[i]! && docs[p] === doc) {
          score += w[i]! * weights[p]!;
          pos[i] = p + 1;
        }
      }
      let alive = true;
      for (let i = essential - 1; i >= 0; i--) {
        if (f(score + prefix[i]!) <= theta) {
          alive = false;
          break;
        }
        let b = blk[i]!;
        while (b < lastBlk[i]! && blockLast[b]! < doc) b++;
        blk[i] = b;
        if (b >= lastBlk[i]!) continue;
        if (f(score + w[i]! * blockMax[b]! * (1 + 1e-6) + (i > 0 ? prefix[i - 1]! : 0)) <= theta) {
          alive = false;
          break;
        }
        let lo = Math.max(pos[i]!, first[i]! + (b - blkFirst[i]!) * BLOCK);
        let hi = Math.min(end[i]!, lo + BLOCK);
        while (lo < hi) {
          const mid = Math.floor((lo + hi) / 2);
          if (docs[mid]! < doc) lo = mid + 1;
          else hi = mid;
        }
        pos[i] = lo;
        if (lo < end[i]! && docs[lo] === doc) score += w[i]! * weights[lo]!;
      }
      const s = f(score);
      if (!alive || s <= 0) continue;
      if (heap.offer(s, doc) && heap.size === heap.k) {
        theta = heap.threshold();
        while (essential < n && f(prefix[essential]!) <= theta) essential++;
      }
    }
  }
}
