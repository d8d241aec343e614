/**
 * Exact BM25 top-k over the segments of a snapshot, two ways that return the
 * same documents and scores:
 * - `pruned`: document-at-a-time MaxScore (Turtle & Flood, 1995) with
 *   block-max upper bounds (Ding & Suel, SIGIR 2011) for the non-essential
 *   lists, skipping whole blocks of postings that cannot matter;
 * - `exhaustive`: term-at-a-time accumulation of every posting (the reference).
 * Ties are broken by document order (lower first), as Lucene does.
 */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { bm25AvgLength, bm25Idf, bm25NormInverseTable, bm25TermScore } from './bm25.js';
import type { InvertedField } from './inverted-field.js';
import { type Bm25Params, POSTINGS_BLOCK_SIZE } from './params.js';

const f = Math.fround;

/** One segment as the searcher sees it. */
export interface InvertedSegmentView {
  /** Global number of the segment's first document. */
  base: number;
  numDocs: number;
  /** Inverted fields by name (a field may be absent in a segment). */
  fields: ReadonlyMap<string, InvertedField>;
  /** Deleted documents, or null. */
  deleted?: Uint8Array | null;
}

/** A query term: a field, the analyzed term, and its boost (repeats of a term add up, as in Anserini). */
export interface QueryTerm {
  field: string;
  term: string;
  boost: number;
}

/** How to search: MaxScore with block-max pruning, or exhaustive scoring of every posting. */
export type SearchMode = 'pruned' | 'exhaustive';

/** Top-k result in global document numbers, best first. */
export interface TopDocs {
  scores: Float64Array;
  docs: Float64Array;
  /** Postings scored (a measure of work done). */
  postingsScored: number;
}

/** Per-field collection statistics of the snapshot, computed once. */
interface FieldScoring {
  docCount: number;
  normInverse: Float32Array;
}

/** One posting list being traversed. */
interface Cursor {
  docs: Uint32Array;
  freqs: Uint32Array;
  /** First posting of the term. */
  start: number;
  pos: number;
  end: number;
  weight: number;
  normInverse: Float32Array;
  norms: Uint8Array;
  /** Upper bound of the term's score in this segment. */
  ub: number;
  firstBlock: number;
  block: number;
  lastBlock: number;
  blockLastDoc: Uint32Array;
  blockUb: Float64Array;
}

/** Searches BM25 fields of a fixed set of segments; reuses its buffers across queries. */
export class Bm25Searcher {
  private readonly scoring = new Map<string, FieldScoring>();
  private acc = new Float64Array(0);
  private stamp = new Uint32Array(0);
  private epoch = 0;

  constructor(
    private readonly segments: readonly InvertedSegmentView[],
    params: ReadonlyMap<string, Bm25Params>,
  ) {
    for (const [field, p] of params) {
      let docCount = 0;
      let sum = 0;
      for (const s of segments) {
        const fd = s.fields.get(field);
        if (fd === undefined) continue;
        docCount += fd.data.docCount;
        sum += fd.data.sumTotalTermFreq;
      }
      const avgdl = docCount > 0 ? bm25AvgLength(sum, docCount) : 1;
      this.scoring.set(field, { docCount, normInverse: bm25NormInverseTable(p, avgdl) });
    }
  }

  /** Number of documents containing `term` in `field`, over all segments. */
  docFreq(field: string, term: string): number {
    let df = 0;
    for (const s of this.segments) {
      const fd = s.fields.get(field);
      if (fd === undefined) continue;
      const t = fd.termId(term);
      if (t >= 0) df += fd.docFreq(t);
    }
    return df;
  }

  /** BM25 weight (boost x idf, as float) of a query term. */
  weight(q: QueryTerm): number {
    const sc = this.scoring.get(q.field);
    if (sc === undefined) return 0;
    const df = this.docFreq(q.field, q.term);
    return df === 0 ? 0 : f(f(q.boost) * bm25Idf(df, sc.docCount));
  }

  /** Returns the k best documents for the query terms. */
  search(query: readonly QueryTerm[], k: number, mode: SearchMode = 'pruned'): TopDocs {
    const heap = new TopKHeap(k);
    const weights = query.map((q) => this.weight(q));
    let postingsScored = 0;
    for (const seg of this.segments) {
      const cursors = this.cursorsFor(seg, query, weights);
      if (cursors.length === 0) continue;
      postingsScored += mode === 'exhaustive' ? this.scoreExhaustive(seg, cursors, heap) : this.scoreMaxScore(seg, cursors, heap);
    }
    const { scores, docs } = heap.drain();
    return { scores, docs, postingsScored };
  }

  private cursorsFor(seg: InvertedSegmentView, query: readonly QueryTerm[], weights: number[]): Cursor[] {
    const cursors: Cursor[] = [];
    query.forEach((q, i) => {
      const fd = seg.fields.get(q.field);
      const sc = this.scoring.get(q.field);
      const w = weights[i]!;
      if (fd === undefined || sc === undefined || w === 0) return;
      const t = fd.termId(q.term);
      if (t < 0) return;
      const d = fd.data;
      const firstBlock = d.blockStart[t]!;
      const lastBlock = d.blockStart[t + 1]!;
      const blockUb = new Float64Array(lastBlock - firstBlock);
      let ub = 0;
      for (let b = firstBlock; b < lastBlock; b++) {
        const s = bm25TermScore(w, d.blockMaxFreq[b]!, sc.normInverse[d.blockMinNorm[b]!]!);
        blockUb[b - firstBlock] = s;
        if (s > ub) ub = s;
      }
      cursors.push({
        docs: d.docs,
        freqs: d.freqs,
        start: d.postingsStart[t]!,
        pos: d.postingsStart[t]!,
        end: d.postingsStart[t + 1]!,
        weight: w,
        normInverse: sc.normInverse,
        norms: d.norms,
        ub,
        firstBlock,
        block: firstBlock,
        lastBlock,
        blockLastDoc: d.blockLastDoc,
        blockUb,
      });
    });
    return cursors;
  }

  private scoreExhaustive(seg: InvertedSegmentView, cursors: Cursor[], heap: TopKHeap): number {
    if (this.acc.length < seg.numDocs) {
      this.acc = new Float64Array(seg.numDocs);
      this.stamp = new Uint32Array(seg.numDocs);
    }
    const acc = this.acc;
    const stamp = this.stamp;
    const epoch = ++this.epoch;
    const touched: number[] = [];
    let scored = 0;
    for (const c of cursors) {
      for (let i = c.pos; i < c.end; i++) {
        const d = c.docs[i]!;
        const s = bm25TermScore(c.weight, c.freqs[i]!, c.normInverse[c.norms[d]!]!);
        if (stamp[d] !== epoch) {
          stamp[d] = epoch;
          acc[d] = s;
          touched.push(d);
        } else acc[d]! += s;
      }
      scored += c.end - c.pos;
    }
    const deleted = seg.deleted ?? null;
    for (const d of touched) if (deleted === null || deleted[d] === 0) heap.offer(f(acc[d]!), seg.base + d);
    return scored;
  }

  private scoreMaxScore(seg: InvertedSegmentView, cursors: Cursor[], heap: TopKHeap): number {
    cursors.sort((a, b) => a.ub - b.ub);
    const n = cursors.length;
    const prefix = new Float64Array(n);
    let run = 0;
    for (let i = 0; i < n; i++) prefix[i] = run += cursors[i]!.ub;
    let theta = heap.threshold();
    let essential = 0;
    while (essential < n && f(prefix[essential]!) <= theta) essential++;
    const deleted = seg.deleted ?? null;
    const base = seg.base;
    let scored = 0;

    while (essential < n) {
      let doc = 0xffffffff;
      for (let i = essential; i < n; i++) {
        const c = cursors[i]!;
        if (c.pos < c.end) {
          const d = c.docs[c.pos]!;
          if (d < doc) doc = d;
        }
      }
      if (doc === 0xffffffff) break;
      let score = 0;
      for (let i = essential; i < n; i++) {
        const c = cursors[i]!;
        if (c.pos < c.end && c.docs[c.pos] === doc) {
          score += bm25TermScore(c.weight, c.freqs[c.pos]!, c.normInverse[c.norms[doc]!]!);
          c.pos++;
          scored++;
        }
      }
      let alive = true;
      // Non-essential lists, largest bound first: stop as soon as the doc cannot enter the top k.
      for (let i = essential - 1; i >= 0; i--) {
        if (f(score + prefix[i]!) <= theta) {
          alive = false;
          break;
        }
        const c = cursors[i]!;
        if (!advanceBlock(c, doc)) continue;
        // Block-max bound: replace this list's global bound by its current block's bound.
        const blockBound = c.blockUb[c.block - c.firstBlock]!;
        const rest = i > 0 ? prefix[i - 1]! : 0;
        if (f(score + blockBound + rest) <= theta) {
          alive = false;
          break;
        }
        if (advanceTo(c, doc)) {
          score += bm25TermScore(c.weight, c.freqs[c.pos]!, c.normInverse[c.norms[doc]!]!);
          c.pos++;
          scored++;
        }
      }
      if (!alive || (deleted !== null && deleted[doc] !== 0)) continue;
      if (heap.offer(f(score), base + doc) && heap.size === heap.k) {
        theta = heap.threshold();
        while (essential < n && f(prefix[essential]!) <= theta) essential++;
      }
    }
    return scored;
  }
}

/** Moves the cursor's block pointer to the block that may contain `doc`; false when the list is exhausted. */
function advanceBlock(c: Cursor, doc: number): boolean {
  if (c.pos >= c.end) return false;
  while (c.block < c.lastBlock && c.blockLastDoc[c.block]! < doc) c.block++;
  if (c.block >= c.lastBlock) {
    c.pos = c.end;
    return false;
  }
  return true;
}

/** Moves the cursor to the first posting >= doc within its current block; true when it lands on `doc`. */
function advanceTo(c: Cursor, doc: number): boolean {
  const blockFirst = c.start + (c.block - c.firstBlock) * POSTINGS_BLOCK_SIZE;
  let lo = c.pos > blockFirst ? c.pos : blockFirst;
  let hi = Math.min(c.end, blockFirst + POSTINGS_BLOCK_SIZE);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.docs[mid]! < doc) lo = mid + 1;
    else hi = mid;
  }
  c.pos = lo;
  return lo < c.end && c.docs[lo] === doc;
}
