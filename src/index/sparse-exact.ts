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
import { invertSparseMatrix, listRow, SPARSE_BLOCK, type SparseInvertedLists } from './sparse-inverted-lists.js';

const BLOCK = SPARSE_BLOCK;
const f = Math.fround;

/** Exact-search modes (same results). */
export type SparseExactMode = 'pruned' | 'exhaustive' | 'scan';

/** Top-k result: row numbers and float32 scores, best first. */
export interface SparseHits {
  ids: Int32Array;
  scores: Float32Array;
}

/** Inverted lists, built from a sparse matrix or opened as stored. */
export class SparseExactIndex {
  /** The forward rows when the index was built from them (needed by `scan` only), else null. */
  readonly matrix: SparseMatrix | null;
  readonly rows: number;
  readonly dim: number;
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

  /** Builds the lists from forward rows (kept for `scan`), or takes stored lists as they are. */
  constructor(source: SparseMatrix | SparseInvertedLists) {
    const fromRows = 'indptr' in source;
    const lists = fromRows ? invertSparseMatrix(source) : source;
    this.matrix = fromRows ? source : null;
    this.rows = lists.rows;
    this.dim = lists.dim;
    this.start = lists.start;
    this.docs = lists.docs;
    this.weights = lists.weights;
    this.blockStart = lists.blockStart;
    this.blockMax = lists.blockMax;
    this.blockLast = lists.blockLast;
  }

  /** The lists, as stored in a segment file. */
  get lists(): SparseInvertedLists {
    const { rows, dim, start, docs, weights, blockStart, blockMax, blockLast } = this;
    return { rows, dim, start, docs, weights, blockStart, blockMax, blockLast };
  }

  /** Row `doc` (its terms ascending with their weights). */
  row(doc: number): SparseVector {
    if (this.matrix === null) return listRow(this, doc);
    const m = this.matrix;
    return { ids: m.indices.slice(m.indptr[doc]!, m.indptr[doc + 1]!), values: m.values.slice(m.indptr[doc]!, m.indptr[doc + 1]!) };
  }

  /**
   * The k rows with the largest inner product with `query` (ties: lower row
   * first), leaving out rows whose `deleted` flag is 1: they are skipped inside
   * the traversal, so deletes neither cost extra candidates nor loosen the
   * pruning threshold.
   */
  search(query: SparseVector, k: number, mode: SparseExactMode = 'pruned', deleted: Uint8Array | null = null): SparseHits {
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    if (deleted !== null && deleted.length < this.rows) throw new QuarryError('BAD_ARGUMENT', `deleted flags cover ${deleted.length} of ${this.rows} rows`, { field: 'deleted' });
    const heap = new TopKHeap(k);
    if (mode === 'scan') {
      const m = this.matrix;
      if (m === null) throw new QuarryError('BAD_ARGUMENT', 'scan needs the forward rows; this index was opened from stored lists', { field: 'mode' }, 'use "pruned" or "exhaustive" (same results)');
      const dense = new Float32Array(m.dim);
      for (let i = 0; i < query.ids.length; i++) if (query.ids[i]! < dense.length) dense[query.ids[i]!] = query.values[i]!;
      for (let r = 0; r < m.rows; r++) {
        if (deleted !== null && deleted[r] !== 0) continue;
        const s = f(rowDot(m, r, dense));
        if (s > 0) heap.offer(s, r);
      }
    } else if (mode === 'exhaustive') this.exhaustive(query, heap, deleted);
    else this.maxScore(query, heap, deleted);
    const { scores, docs } = heap.drain();
    return { ids: Int32Array.from(docs), scores: Float32Array.from(scores) };
  }

  private terms(query: SparseVector): { t: number; w: number; ub: number }[] {
    const out: { t: number; w: number; ub: number }[] = [];
    for (let i = 0; i < query.ids.length; i++) {
      const t = query.ids[i]!;
      const w = query.values[i]!;
      if (t >= this.dim || w <= 0 || this.start[t + 1] === this.start[t]) continue;
      let mx = 0;
      for (let b = this.blockStart[t]!; b < this.blockStart[t + 1]!; b++) if (this.blockMax[b]! > mx) mx = this.blockMax[b]!;
      out.push({ t, w, ub: w * mx * (1 + 1e-6) });
    }
    return out;
  }

  private exhaustive(query: SparseVector, heap: TopKHeap, deleted: Uint8Array | null): void {
    const n = this.rows;
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
      if (deleted !== null && deleted[d] !== 0) continue;
      const s = f(this.acc[d]!);
      if (s > 0) heap.offer(s, d);
    }
  }

  private maxScore(query: SparseVector, heap: TopKHeap, deleted: Uint8Array | null): void {
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
      // The essential lists have moved past a deleted row: nothing more to do for it.
      if (deleted !== null && deleted[doc] !== 0) continue;
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
