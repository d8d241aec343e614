/**
 * Exact sparse inner-product search over an impact-ordered inverted index
 * (docs ascending per term, float weights, blocks of 128 with their maximum
 * weight): `pruned` is MaxScore (Turtle and Flood, 1995) over windows of
 * documents, essential lists accumulated term at a time and the others probed
 * with block-max bounds, or read too when probing would cost more;
 * `exhaustive` accumulates every posting; `scan` computes every document's
 * dot product from the forward rows (the reference). All three return the
 * same top k.
 *
 * One of Quarry's three MaxScore variants, each for what it scores: BM25 term lists
 * (inverted/bm25-searcher.ts), the clauses of a structured query (inverted/max-score-clauses.ts)
 * and learned-sparse lists in windows of documents (sparse/exact/sparse-exact-index.ts).
 */
import { firstAtLeast } from '../../../kernels/sorted-search.js';
import { TopKHeap } from '../../../kernels/top-k-heap.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { rowDot, type SparseMatrix, type SparseVector } from '../../../kernels/sparse-matrix.js';
import { forwardRows, invertSparseMatrix, listRow, SPARSE_BLOCK, type SparseInvertedLists } from './sparse-inverted-lists.js';
import type { SparseHits, SparseIndex, SparseRowFilter } from '../sparse-family.js';
import { checkPositiveInteger } from '../../../core/checks.js';

export type { SparseHits } from '../sparse-family.js';

const BLOCK = SPARSE_BLOCK;
const f = Math.fround;
/** Documents per MaxScore window: the window's scores (64 KB) stay in cache. */
const WINDOW = 8192;
const SEEN_WORDS = WINDOW / 32;
/** Cost of one probe of a non-essential list (block walk and binary search over 128 postings), in postings read in sequence. */
const PROBE_COST = 8;
/** Probes a candidate is expected to need before its bound drops below the threshold. */
const PROBES_PER_CANDIDATE = 3;

/**
 * Adds one list's postings from position p (not before the window) up to the
 * end of the window starting at `lo` into the window's scores, marking their
 * documents in `seen`; returns the position after them.
 */
function accumulateWindow(
  docs: Uint32Array,
  weights: Float32Array,
  p: number,
  e: number,
  weight: number,
  lo: number,
  acc: Float64Array,
  seen: Uint32Array,
): number {
  while (p < e) {
    const j = docs[p]! - lo;
    if (j >= WINDOW) break;
    acc[j]! += weight * weights[p]!;
    seen[j >>> 5]! |= 1 << (j & 31);
    p++;
  }
  return p;
}

/** The first position in docs[l, h) whose document is >= doc (docs ascending), or h. */
function firstAtOrAfter(docs: Uint32Array, l: number, h: number, doc: number): number {
  while (l < h) {
    const mid = Math.floor((l + h) / 2);
    if (docs[mid]! < doc) l = mid + 1;
    else h = mid;
  }
  return l;
}

/** Exact-search modes (same results). */
export type SparseExactMode = 'pruned' | 'exhaustive' | 'scan';

/** Inverted lists, built from a sparse matrix or opened as stored. */
export class SparseExactIndex implements SparseIndex {
  readonly family = 'exact';
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
  private windowScores = new Float64Array(0);
  private windowSeen = new Uint32Array(0);
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

  /** Every row in CSR layout: the rows it was built from, or the lists turned back into rows. */
  forwardRows(): SparseMatrix {
    return this.matrix ?? forwardRows(this.lists);
  }

  /** search() by MaxScore, leaving out the rows `filter.excluded` flags. */
  searchRows(query: SparseVector, k: number, _params: Readonly<Record<string, unknown>>, filter: SparseRowFilter): SparseHits {
    return this.search(query, k, 'pruned', filter.excluded);
  }

  /**
   * The k rows with the largest inner product with `query` (ties: lower row
   * first), leaving out rows whose `deleted` flag is 1: they are skipped inside
   * the traversal, so deletes neither cost extra candidates nor loosen the
   * pruning threshold.
   */
  search(query: SparseVector, k: number, mode: SparseExactMode = 'pruned', deleted: Uint8Array | null = null): SparseHits {
    checkPositiveInteger(k, 'k');
    if (deleted !== null && deleted.length < this.rows)
      throw new QuarryError('BAD_ARGUMENT', `deleted flags cover ${deleted.length} of ${this.rows} rows`, { field: 'deleted' });
    const heap = new TopKHeap(k);
    if (mode === 'scan') {
      const m = this.matrix;
      if (m === null)
        throw new QuarryError(
          'BAD_ARGUMENT',
          'scan needs the forward rows; this index was opened from stored lists',
          { field: 'mode' },
          'use "pruned" or "exhaustive" (same results)',
        );
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

  /** Moves list i's block to the first one reaching `doc` and returns the position of its first posting >= doc. */
  private seek(
    i: number,
    doc: number,
    pos: Float64Array,
    end: Float64Array,
    first: Float64Array,
    blk: Uint32Array,
    lastBlk: Uint32Array,
    blkFirst: Uint32Array,
  ): number {
    const b = firstAtLeast(this.blockLast, blk[i]!, lastBlk[i]!, doc);
    blk[i] = b;
    if (b >= lastBlk[i]!) return end[i]!;
    const blockPos = first[i]! + (b - blkFirst[i]!) * BLOCK;
    return firstAtOrAfter(this.docs, Math.max(pos[i]!, blockPos), Math.min(end[i]!, blockPos + BLOCK), doc);
  }

  /**
   * MaxScore over windows of WINDOW documents. Lists are sorted by upper bound;
   * the essential ones (all but the smallest-bound lists whose bounds together
   * cannot beat the k-th score) are accumulated term at a time into the
   * window's score array, as sequential reads. Each document found is then
   * completed from the non-essential lists, highest bound first, while it can
   * still reach the heap (block maxima tighten the bound) — unless those probes
   * would cost more than reading the non-essential lists' postings in the
   * window, which are then accumulated too. Documents are offered in
   * increasing order, so ties resolve as in a forward scan. Choosing the next
   * document among many essential lists one document at a time (classic
   * MaxScore) made long queries slower than exhaustive accumulation.
   */
  private maxScore(query: SparseVector, heap: TopKHeap, deleted: Uint8Array | null): void {
    const lists = this.terms(query).sort((a, b) => a.ub - b.ub);
    const n = lists.length;
    if (n === 0) return;
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
    if (this.windowScores.length === 0) {
      this.windowScores = new Float64Array(WINDOW);
      this.windowSeen = new Uint32Array(SEEN_WORDS);
    }
    const acc = this.windowScores;
    const seen = this.windowSeen;
    const docs = this.docs;
    const weights = this.weights;
    const blockLast = this.blockLast;
    const blockMax = this.blockMax;
    const rows = this.rows;
    let theta = heap.threshold();
    let essential = 0;
    for (;;) {
      while (essential < n && f(prefix[essential]!) <= theta) essential++;
      if (essential === n) return; // no document can enter the heap any more
      // A document in no essential list cannot beat the threshold: go to the
      // window of the smallest document the essential lists have left.
      let next = rows;
      for (let i = essential; i < n; i++) if (pos[i]! < end[i]! && docs[pos[i]!]! < next) next = docs[pos[i]!]!;
      if (next === rows) return;
      const lo = next - (next % WINDOW);
      const hi = lo + WINDOW; // (past the last row for the last window: no list has documents there)
      for (let i = essential; i < n; i++) pos[i] = accumulateWindow(docs, weights, pos[i]!, end[i]!, w[i]!, lo, acc, seen);
      // Completing the candidates from the other lists costs a few probes each;
      // when that exceeds reading those lists' postings in the window, read them
      // (the window is then scored exhaustively, and nothing is left to probe).
      let ess = essential;
      if (ess > 0) {
        // Their postings in the window, counted in blocks (probing leaves these
        // lists' positions behind the window, so their blocks move up to it first).
        let rest = 0;
        for (let i = 0; i < ess; i++) {
          const b = firstAtLeast(blockLast, blk[i]!, lastBlk[i]!, lo);
          blk[i] = b;
          rest += (firstAtLeast(blockLast, b, lastBlk[i]!, hi) - b) * BLOCK;
        }
        // only candidates whose bound beats the threshold probe at all
        const bound = prefix[ess - 1]!;
        let probing = 0;
        for (let x = 0; x < SEEN_WORDS; x++) {
          let bits = seen[x]!;
          while (bits !== 0) {
            const low = bits & -bits;
            bits ^= low;
            if (f(acc[(x << 5) | (31 - Math.clz32(low))]! + bound) > theta) probing++;
          }
        }
        if (rest <= probing * Math.min(ess, PROBES_PER_CANDIDATE) * PROBE_COST) {
          for (let i = 0; i < ess; i++)
            pos[i] = accumulateWindow(
              docs,
              weights,
              this.seek(i, lo, pos, end, first, blk, lastBlk, blkFirst),
              end[i]!,
              w[i]!,
              lo,
              acc,
              seen,
            );
          ess = 0;
        }
      }
      // lists below `ess` were not accumulated in this window: they are probed.
      // Candidates in increasing order: set bits of `seen`, lowest first.
      for (let x = 0; x < SEEN_WORDS; x++) {
        let bits = seen[x]!;
        seen[x] = 0;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const j = (x << 5) | (31 - Math.clz32(low));
          let score = acc[j]!;
          acc[j] = 0;
          const doc = lo + j;
          if (deleted !== null && deleted[doc] !== 0) continue;
          let alive = true;
          for (let i = ess - 1; i >= 0; i--) {
            if (f(score + prefix[i]!) <= theta) {
              alive = false;
              break;
            }
            const b = firstAtLeast(blockLast, blk[i]!, lastBlk[i]!, doc);
            blk[i] = b;
            if (b >= lastBlk[i]!) continue;
            if (f(score + w[i]! * blockMax[b]! * (1 + 1e-6) + (i > 0 ? prefix[i - 1]! : 0)) <= theta) {
              alive = false;
              break;
            }
            const l = Math.max(pos[i]!, first[i]! + (b - blkFirst[i]!) * BLOCK);
            const p = firstAtOrAfter(docs, l, Math.min(end[i]!, first[i]! + (b - blkFirst[i]!) * BLOCK + BLOCK), doc);
            pos[i] = p;
            if (p < end[i]! && docs[p] === doc) score += w[i]! * weights[p]!;
          }
          if (!alive) continue;
          const s = f(score);
          if (s > 0 && heap.offer(s, doc) && heap.size === heap.k) theta = heap.threshold();
        }
      }
    }
  }
}
