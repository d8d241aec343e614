/**
 * Exact BM25 top-k over the segments of a snapshot. Three modes return the
 * same documents and scores:
 * - `pruned`: document-at-a-time MaxScore (Turtle & Flood, 1995) with
 *   block-max bounds (Ding & Suel, SIGIR 2011): windows of blocks whose
 *   bounds cannot beat the current k-th score are skipped on the essential
 *   lists, and non-essential lists are probed only while a document can still
 *   enter the top k;
 * - `exhaustive`: term-at-a-time accumulation of every posting (the reference);
 * - `auto` (default): exhaustive when the query's lists are short, pruned otherwise.
 * Ties are broken by document order (lower first), as Lucene does.
 *
 * One of Quarry's three MaxScore variants, each for what it scores: BM25 term lists
 * (inverted/bm25-searcher.ts), the clauses of a structured query (inverted/max-score-clauses.ts)
 * and learned-sparse lists in windows of documents (sparse/exact/sparse-exact-index.ts).
 */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { BOUND_SLACK, bm25AvgLength, bm25Idf, bm25NormInverseTable, bm25TermScore, bm25UnitBound } from './bm25.js';
import { LENGTH_TABLE } from './lucene-norms.js';
import type { InvertedField, InvertedFieldData } from './inverted-field.js';
import { type Bm25Params, POSTINGS_BLOCK_SIZE } from './params.js';
import { NO_MORE_DOCS, PostingsCursor } from './postings-cursor.js';
import type { TextQuery } from './text-query.js';
import { fuzzyExpansions, type FuzzyExpansion } from './fuzzy-terms.js';
import { searchTextQuery } from './text-query-search.js';
import type { InvertedSegmentView, QueryTerm, SearchMode, TopDocs } from './search-types.js';
import { checkDeadline } from '../../core/deadline.js';

export type { InvertedSegmentView, QueryTerm, SearchMode, TopDocs } from './search-types.js';

const f = Math.fround;

/**
 * `auto` scores exhaustively when the lists are short in total and no single
 * list dominates: then MaxScore has little to skip and its per-candidate
 * bookkeeping costs more than it saves (measured with bench/bm25 on SciFact
 * and the synthetic corpus: see docs/benchmarks.md).
 */
const AUTO_EXHAUSTIVE_POSTINGS = 50_000;
const AUTO_EXHAUSTIVE_MAX_SHARE = 0.5;

interface FieldScoring {
  docCount: number;
  normInverse: Float32Array;
}

/** A query term's list in one segment, with its weight and bounds. */
interface TermList {
  cursor: PostingsCursor;
  data: InvertedFieldData;
  weight: number;
  normInverse: Float32Array;
  /** Upper bound of this term's score anywhere in the segment. */
  ub: number;
}

/** Searches BM25 fields of a fixed set of segments; reuses its buffers and cursors across queries. */
export class Bm25Searcher {
  private readonly scoring = new Map<string, FieldScoring>();
  private readonly unitBounds: Map<string, number>[];
  private readonly cursors: PostingsCursor[] = [];
  private acc = new Float64Array(0);
  private stamp = new Uint32Array(0);
  private touched = new Uint32Array(0);
  private epoch = 0;
  private heap: TopKHeap | null = null;
  private prefix = new Float64Array(8);
  private readonly blockDocs = new Uint32Array(POSTINGS_BLOCK_SIZE);
  private readonly blockFreqs = new Uint32Array(POSTINGS_BLOCK_SIZE);

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
    this.unitBounds = segments.map(() => new Map());
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
    const df = q.docFreq ?? this.docFreq(q.field, q.term);
    return df === 0 ? 0 : f(f(q.boost) * bm25Idf(df, sc.docCount));
  }

  /**
   * Each query term's contribution to a document's score: the term's weight
   * (boost x idf), the document's frequency and length, and the term score.
   */
  explain(
    query: readonly QueryTerm[],
    segment: number,
    doc: number,
  ): { field: string; term: string; weight: number; freq: number; length: number; score: number }[] {
    const seg = this.segments[segment]!;
    const out: { field: string; term: string; weight: number; freq: number; length: number; score: number }[] = [];
    const cursor = new PostingsCursor();
    for (const q of query) {
      const fd = seg.fields.get(q.field);
      const sc = this.scoring.get(q.field);
      const t = fd?.termId(q.term) ?? -1;
      const w = this.weight(q);
      if (fd === undefined || sc === undefined || t < 0) continue;
      cursor.reset(fd.data, t);
      if (cursor.advance(doc) !== doc) continue;
      const freq = cursor.freq();
      const norm = fd.data.norms[doc]!;
      out.push({
        field: q.field,
        term: q.term,
        weight: w,
        freq,
        length: LENGTH_TABLE[norm]!,
        score: bm25TermScore(w, freq, sc.normInverse[norm]!),
      });
    }
    return out;
  }

  /**
   * The k best documents of a structured query (boolean clauses, phrases,
   * multi-term parts; see text-query.ts), scored as Lucene scores it, pruned
   * by MaxScore (see text-query-search.ts); mode "exhaustive" scores every
   * matching document (same results; the reference).
   */
  searchQuery(query: TextQuery, k: number, excluded?: readonly (Uint8Array | null)[], mode: SearchMode = 'auto'): TopDocs {
    return searchTextQuery(
      this.segments,
      { scoring: (field) => this.scoring.get(field), docFreq: (field, term) => this.docFreq(field, term) },
      query,
      k,
      excluded,
      (terms, kk, ex) => this.search(terms, kk, 'auto', ex),
      mode === 'exhaustive',
    );
  }

  /** The terms of `field` a fuzzy query on `text` expands to (see fuzzy-terms.ts). */
  fuzzyTerms(field: string, text: string, maxEdits: number, maxExpansions = 50): FuzzyExpansion[] {
    const fields: InvertedField[] = [];
    for (const s of this.segments) {
      const fd = s.fields.get(field);
      if (fd !== undefined) fields.push(fd);
    }
    return fuzzyExpansions(fields, text, maxEdits, maxExpansions);
  }

  /** Returns the k best documents for the query terms. */
  search(query: readonly QueryTerm[], k: number, mode: SearchMode = 'auto', excluded?: readonly (Uint8Array | null)[]): TopDocs {
    if (this.heap === null || this.heap.k !== k) this.heap = new TopKHeap(k);
    const heap = this.heap;
    heap.clear();
    const weights = query.map((q) => this.weight(q));
    this.segments.forEach((base, si) => {
      // A filter replaces the segment's deleted flags with its exclusion flags (deleted or filtered out).
      const seg = excluded === undefined ? base : { ...base, deleted: excluded[si] ?? null };
      const lists = this.listsFor(si, seg, query, weights);
      if (lists.length === 0) return;
      let m = mode;
      if (m === 'auto') {
        let postings = 0;
        let longest = 0;
        for (const l of lists) {
          postings += l.cursor.df;
          if (l.cursor.df > longest) longest = l.cursor.df;
        }
        m = postings < AUTO_EXHAUSTIVE_POSTINGS && longest < AUTO_EXHAUSTIVE_MAX_SHARE * postings ? 'exhaustive' : 'pruned';
      }
      if (m === 'exhaustive') this.scoreExhaustive(seg, lists, heap);
      else this.scoreMaxScore(seg, lists, heap);
    });
    return heap.drain();
  }

  private listsFor(si: number, seg: InvertedSegmentView, query: readonly QueryTerm[], weights: number[]): TermList[] {
    const lists: TermList[] = [];
    query.forEach((q, i) => {
      checkDeadline();
      const fd = seg.fields.get(q.field);
      const sc = this.scoring.get(q.field);
      const w = weights[i]!;
      if (fd === undefined || sc === undefined || w === 0) return;
      const t = fd.termId(q.term);
      if (t < 0) return;
      const cursor = this.cursor(lists.length);
      cursor.reset(fd.data, t);
      lists.push({
        cursor,
        data: fd.data,
        weight: w,
        normInverse: sc.normInverse,
        ub: w * this.unitBound(si, q.field, fd.data, t, sc.normInverse),
      });
    });
    return lists;
  }

  private cursor(i: number): PostingsCursor {
    while (this.cursors.length <= i) this.cursors.push(new PostingsCursor());
    return this.cursors[i]!;
  }

  /** max over the term's blocks of (1 - 1/(1 + maxFreq * normInverse(minNorm))), cached per snapshot. */
  private unitBound(si: number, field: string, d: InvertedFieldData, t: number, ni: Float32Array): number {
    const key = `${field}\u0000${t}`;
    const cache = this.unitBounds[si]!;
    let ub = cache.get(key);
    if (ub === undefined) {
      ub = bm25UnitBound(d, t, ni);
      cache.set(key, ub);
    }
    return ub;
  }

  private scoreExhaustive(seg: InvertedSegmentView, lists: TermList[], heap: TopKHeap): void {
    if (this.acc.length < seg.numDocs) {
      this.acc = new Float64Array(seg.numDocs);
      this.stamp = new Uint32Array(seg.numDocs);
      this.touched = new Uint32Array(seg.numDocs);
      this.epoch = 0;
    }
    const acc = this.acc;
    const stamp = this.stamp;
    const touched = this.touched;
    const epoch = ++this.epoch;
    let nTouched = 0;
    const docs = this.blockDocs;
    const freqs = this.blockFreqs;
    for (const l of lists) {
      checkDeadline();
      const c = l.cursor;
      const norms = l.data.norms;
      const ni = l.normInverse;
      const w = l.weight;
      for (let n = c.drainBlock(docs, freqs); n > 0; n = c.drainBlock(docs, freqs)) {
        for (let j = 0; j < n; j++) {
          const d = docs[j]!;
          const s = bm25TermScore(w, freqs[j]!, ni[norms[d]!]!);
          if (stamp[d] !== epoch) {
            stamp[d] = epoch;
            acc[d] = s;
            touched[nTouched++] = d;
          } else acc[d]! += s;
        }
      }
    }
    const deleted = seg.deleted ?? null;
    const base = seg.base;
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      if (deleted === null || deleted[d] === 0) heap.offer(f(acc[d]!), base + d);
    }
  }

  private scoreMaxScore(seg: InvertedSegmentView, lists: TermList[], heap: TopKHeap): void {
    lists.sort((a, b) => a.ub - b.ub);
    const n = lists.length;
    if (this.prefix.length < n) this.prefix = new Float64Array(n * 2);
    const prefix = this.prefix;
    let run = 0;
    for (let i = 0; i < n; i++) prefix[i] = run += lists[i]!.ub;
    let theta = heap.threshold();
    let essential = 0;
    while (essential < n && f(prefix[essential]!) <= theta) essential++;
    const deleted = seg.deleted ?? null;
    const base = seg.base;

    while (essential < n) {
      // Window: from the smallest current document of the essential lists up to
      // the first block end among them. Within it, each essential list stays in
      // its current block, so the block bounds hold for every document.
      let doc = NO_MORE_DOCS;
      let upTo = NO_MORE_DOCS;
      for (let i = essential; i < n; i++) {
        const c = lists[i]!.cursor;
        if (c.doc < doc) doc = c.doc;
        const e = c.blockEnd();
        if (e < upTo) upTo = e;
      }
      if (doc === NO_MORE_DOCS) break;
      let windowBound = essential > 0 ? prefix[essential - 1]! : 0;
      for (let i = essential; i < n; i++) {
        const l = lists[i]!;
        if (l.cursor.doc <= upTo) windowBound += blockBound(l, l.cursor.block);
      }
      const firstEssential = essential;
      if (f(windowBound) <= theta) {
        // No document up to `upTo` can beat theta: skip the window without scoring.
        for (let i = essential; i < n; i++) lists[i]!.cursor.advance(upTo + 1);
        continue;
      }
      // Score the candidates of the window.
      while (doc <= upTo) {
        let score = 0;
        let next = NO_MORE_DOCS;
        for (let i = firstEssential; i < n; i++) {
          const l = lists[i]!;
          const c = l.cursor;
          if (c.doc === doc) {
            score += bm25TermScore(l.weight, c.freq(), l.normInverse[l.data.norms[doc]!]!);
            c.next();
          }
          if (c.doc < next) next = c.doc;
        }
        let alive = true;
        // Lists below `firstEssential`, largest bound first: stop as soon as the doc cannot enter the top k.
        for (let i = firstEssential - 1; i >= 0; i--) {
          if (f(score + prefix[i]!) <= theta) {
            alive = false;
            break;
          }
          const l = lists[i]!;
          const c = l.cursor;
          const bl = c.shallowBlock(doc);
          if (bl >= c.lastBlock) continue;
          if (f(score + blockBound(l, bl) + (i > 0 ? prefix[i - 1]! : 0)) <= theta) {
            alive = false;
            break;
          }
          if (c.advance(doc) === doc) score += bm25TermScore(l.weight, c.freq(), l.normInverse[l.data.norms[doc]!]!);
        }
        if (alive && (deleted === null || deleted[doc] === 0) && heap.offer(f(score), base + doc) && heap.size === heap.k) {
          theta = heap.threshold();
          while (essential < n && f(prefix[essential]!) <= theta) essential++;
          if (f(windowBound) <= theta) break; // the rest of the window cannot compete
        }
        doc = next;
      }
      if (doc <= upTo) for (let i = firstEssential; i < n; i++) lists[i]!.cursor.advance(upTo + 1);
    }
  }
}

/** Upper bound of a term's score within block `b`. */
function blockBound(l: TermList, b: number): number {
  const d = l.data;
  return l.weight * (1 - 1 / (1 + d.blockMaxFreq[b]! * l.normInverse[d.blockMinNorm[b]!]!)) * BOUND_SLACK;
}
