/**
 * Document-at-a-time evaluation of structured text queries (text-query.ts),
 * scored as Lucene scores them: BM25 leaves in float, conjunctions and
 * disjunctions summed in double and rounded to float, a required part plus its
 * optional part added in float (ReqOptSumScorer), exclusions without score,
 * constant scores for prefixes. Every matching document is scored (no
 * pruning); ties go to the lower document.
 */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { QuarryError } from '../../io/quarry-error.js';
import { bm25Idf, bm25TermScore } from './bm25.js';
import type { InvertedField } from './inverted-field.js';
import { exactPhraseFreq, repeatGroups, SloppyPhraseMatcher, type PhrasePositions } from './phrase-matcher.js';
import { PositionsReader } from './positions-reader.js';
import { NO_MORE_DOCS, PostingsCursor } from './postings-cursor.js';
import type { InvertedSegmentView, QueryTerm, TopDocs } from './search.js';
import type { TermQueryNode, TextQuery } from './text-query.js';

const f = Math.fround;

/** What scoring needs from the searcher: collection-wide statistics of a field. */
export interface TextQueryStatistics {
  /** Documents with the field, and the BM25 length-normalization table (undefined: not a text field). */
  scoring(field: string): { docCount: number; normInverse: Float32Array } | undefined;
  /** Documents containing the term, over all segments. */
  docFreq(field: string, term: string): number;
}

/** A matching-document iterator with a score. */
interface DocIterator {
  doc: number;
  /** Documents it may match, for ordering conjunctions. */
  readonly cost: number;
  next(): number;
  advance(target: number): number;
  score(): number;
}

const EMPTY: DocIterator = { doc: NO_MORE_DOCS, cost: 0, next: () => NO_MORE_DOCS, advance: () => NO_MORE_DOCS, score: () => 0 };

class TermIterator implements DocIterator {
  doc: number;
  readonly cost: number;
  constructor(
    private readonly cursor: PostingsCursor,
    private readonly weight: number,
    private readonly norms: Uint8Array,
    private readonly normInverse: Float32Array,
  ) {
    this.doc = cursor.doc;
    this.cost = cursor.df;
  }
  next(): number {
    return (this.doc = this.cursor.next());
  }
  advance(target: number): number {
    return (this.doc = this.cursor.advance(target));
  }
  score(): number {
    return bm25TermScore(this.weight, this.cursor.freq(), this.normInverse[this.norms[this.doc]!]!);
  }
}

class PhraseIterator implements DocIterator {
  doc = -1;
  readonly cost: number;
  private freq = 0;
  private readonly pp: PhrasePositions;
  private readonly sloppy: SloppyPhraseMatcher | null;
  private readonly at: Uint32Array;

  constructor(
    private readonly cursors: PostingsCursor[],
    private readonly readers: PositionsReader[],
    private readonly offsets: readonly number[],
    slop: number,
    terms: readonly string[],
    private readonly weight: number,
    private readonly norms: Uint8Array,
    private readonly normInverse: Float32Array,
  ) {
    let cost = NO_MORE_DOCS;
    for (const c of cursors) if (c.df < cost) cost = c.df;
    this.cost = cost;
    const n = cursors.length;
    this.pp = { positions: cursors.map(() => new Uint32Array(16)), counts: new Uint32Array(n) };
    this.sloppy = slop === 0 ? null : new SloppyPhraseMatcher(offsets, slop, repeatGroups(terms, offsets));
    this.at = new Uint32Array(n);
    this.toMatch(0);
  }

  next(): number {
    return this.doc === NO_MORE_DOCS ? NO_MORE_DOCS : this.toMatch(this.doc + 1);
  }
  advance(target: number): number {
    return this.doc >= target ? this.doc : this.toMatch(target);
  }
  score(): number {
    return bm25TermScore(this.weight, this.freq, this.normInverse[this.norms[this.doc]!]!);
  }

  /** Moves to the first document >= target holding the phrase. */
  private toMatch(target: number): number {
    const cs = this.cursors;
    let t = target;
    for (;;) {
      let aligned = true;
      for (const c of cs) {
        const d = c.advance(t);
        if (d > t) {
          t = d;
          aligned = false;
          break;
        }
      }
      if (!aligned) continue;
      if (t === NO_MORE_DOCS) return (this.doc = NO_MORE_DOCS);
      const freq = this.phraseFreq();
      if (freq > 0) {
        this.freq = freq;
        return (this.doc = t);
      }
      t++;
    }
  }

  private phraseFreq(): number {
    const pp = this.pp;
    for (let i = 0; i < this.readers.length; i++) {
      const r = this.readers[i]!.read(pp.positions[i]! as Uint32Array<ArrayBuffer>);
      pp.positions[i] = r.positions;
      pp.counts[i] = r.count;
    }
    return this.sloppy === null ? exactPhraseFreq(pp, this.offsets, this.at) : this.sloppy.freq(pp);
  }
}

/** The sorted, distinct documents of a prefix's terms, each scoring a constant. */
class DocListIterator implements DocIterator {
  doc: number;
  readonly cost: number;
  private i = 0;
  constructor(
    private readonly docs: Uint32Array,
    private readonly constant: number,
  ) {
    this.cost = docs.length;
    this.doc = docs.length > 0 ? docs[0]! : NO_MORE_DOCS;
  }
  next(): number {
    return (this.doc = ++this.i < this.docs.length ? this.docs[this.i]! : NO_MORE_DOCS);
  }
  advance(target: number): number {
    while (this.doc < target) this.next();
    return this.doc;
  }
  score(): number {
    return this.constant;
  }
}

class ConjunctionIterator implements DocIterator {
  doc = -1;
  readonly cost: number;
  private readonly byCost: DocIterator[];
  constructor(private readonly parts: DocIterator[]) {
    this.byCost = [...parts].sort((a, b) => a.cost - b.cost);
    this.cost = this.byCost[0]!.cost;
    this.align(this.byCost[0]!.doc);
  }
  next(): number {
    return this.align(this.byCost[0]!.next());
  }
  advance(target: number): number {
    return this.doc >= target ? this.doc : this.align(this.byCost[0]!.advance(target));
  }
  score(): number {
    let s = 0;
    for (const p of this.parts) s += p.score();
    return f(s);
  }
  private align(start: number): number {
    let t = start;
    const ps = this.byCost;
    for (;;) {
      let aligned = true;
      for (const p of ps) {
        const d = p.advance(t);
        if (d > t) {
          t = d;
          aligned = false;
          break;
        }
      }
      if (aligned) return (this.doc = t);
    }
  }
}

class DisjunctionIterator implements DocIterator {
  doc: number;
  readonly cost: number;
  constructor(private readonly parts: DocIterator[]) {
    let cost = 0;
    for (const p of parts) cost += p.cost;
    this.cost = cost;
    this.doc = this.smallest();
  }
  next(): number {
    const d = this.doc;
    for (const p of this.parts) if (p.doc === d) p.next();
    return (this.doc = this.smallest());
  }
  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    for (const p of this.parts) if (p.doc < target) p.advance(target);
    return (this.doc = this.smallest());
  }
  score(): number {
    let s = 0;
    const d = this.doc;
    for (const p of this.parts) if (p.doc === d) s += p.score();
    return f(s);
  }
  private smallest(): number {
    let d = NO_MORE_DOCS;
    for (const p of this.parts) if (p.doc < d) d = p.doc;
    return d;
  }
}

/**
 * A disjunction of many parts (a fuzzy word's expansions, long queries): the
 * parts not on the current document sit in a min-heap by document; those on
 * it are held aside, in part order, so scores add up in the same order as
 * the linear disjunction's.
 */
class HeapDisjunctionIterator implements DocIterator {
  doc = NO_MORE_DOCS;
  readonly cost: number;
  private readonly heap: Int32Array;
  private size = 0;
  private readonly atDoc: Int32Array;
  private onDoc = 0;

  constructor(private readonly parts: DocIterator[]) {
    let cost = 0;
    for (const p of parts) cost += p.cost;
    this.cost = cost;
    this.heap = new Int32Array(parts.length);
    this.atDoc = new Int32Array(parts.length);
    for (let i = 0; i < parts.length; i++) this.push(i);
    this.refill();
  }
  next(): number {
    for (let j = 0; j < this.onDoc; j++) {
      const i = this.atDoc[j]!;
      this.parts[i]!.next();
      this.push(i);
    }
    return this.refill();
  }
  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    for (let j = 0; j < this.onDoc; j++) {
      const i = this.atDoc[j]!;
      this.parts[i]!.advance(target);
      this.push(i);
    }
    this.onDoc = 0;
    while (this.size > 0 && this.parts[this.heap[0]!]!.doc < target) {
      const i = this.pop();
      this.parts[i]!.advance(target);
      this.push(i);
    }
    return this.refill();
  }
  score(): number {
    let s = 0;
    for (let j = 0; j < this.onDoc; j++) s += this.parts[this.atDoc[j]!]!.score();
    return f(s);
  }
  /** Takes every part on the smallest document out of the heap, in part order. */
  private refill(): number {
    this.onDoc = 0;
    if (this.size === 0 || this.parts[this.heap[0]!]!.doc === NO_MORE_DOCS) return (this.doc = NO_MORE_DOCS);
    const d = this.parts[this.heap[0]!]!.doc;
    while (this.size > 0 && this.parts[this.heap[0]!]!.doc === d) {
      const i = this.pop();
      let j = this.onDoc++;
      while (j > 0 && this.atDoc[j - 1]! > i) {
        this.atDoc[j] = this.atDoc[j - 1]!;
        j--;
      }
      this.atDoc[j] = i;
    }
    return (this.doc = d);
  }
  private push(i: number): void {
    const h = this.heap;
    const docOf = (k: number): number => this.parts[h[k]!]!.doc;
    let k = this.size++;
    h[k] = i;
    const d = this.parts[i]!.doc;
    while (k > 0) {
      const up = (k - 1) >> 1;
      if (docOf(up) <= d) break;
      h[k] = h[up]!;
      k = up;
    }
    h[k] = i;
  }
  private pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h[--this.size]!;
    const d = this.parts[last]!.doc;
    let k = 0;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.parts[h[c + 1]!]!.doc < this.parts[h[c]!]!.doc) c++;
      if (this.parts[h[c]!]!.doc >= d) break;
      h[k] = h[c]!;
      k = c;
    }
    if (this.size > 0) h[k] = last;
    return top;
  }
}

/** Disjunctions of a few parts scan them; of many, keep them in a heap. */
function disjunction(parts: DocIterator[]): DocIterator {
  return parts.length === 1 ? parts[0]! : parts.length <= 8 ? new DisjunctionIterator(parts) : new HeapDisjunctionIterator(parts);
}

/** Required documents; the optional part adds its score where it matches too. */
class RequiredOptionalIterator implements DocIterator {
  doc: number;
  readonly cost: number;
  constructor(
    private readonly required: DocIterator,
    private readonly optional: DocIterator,
  ) {
    this.doc = required.doc;
    this.cost = required.cost;
  }
  next(): number {
    return (this.doc = this.required.next());
  }
  advance(target: number): number {
    return (this.doc = this.required.advance(target));
  }
  score(): number {
    let s = this.required.score();
    const o = this.optional;
    if (o.doc < this.doc) o.advance(this.doc);
    if (o.doc === this.doc) s = f(s + o.score());
    return s;
  }
}

/** Documents of `required` that `excluded` does not match. */
class ExclusionIterator implements DocIterator {
  doc: number;
  readonly cost: number;
  constructor(
    private readonly required: DocIterator,
    private readonly excluded: DocIterator,
  ) {
    this.cost = required.cost;
    this.doc = this.skipExcluded(required.doc);
  }
  next(): number {
    return (this.doc = this.skipExcluded(this.required.next()));
  }
  advance(target: number): number {
    return (this.doc = this.skipExcluded(this.required.advance(target)));
  }
  score(): number {
    return this.required.score();
  }
  private skipExcluded(start: number): number {
    let d = start;
    while (d !== NO_MORE_DOCS && this.excluded.advance(d) === d) d = this.required.next();
    return d;
  }
}

/** Query-wide weights (idf uses every segment's statistics), computed before any segment is searched. */
type Weighted =
  | { kind: 'term'; field: string; term: string; weight: number }
  | { kind: 'phrase'; field: string; terms: string[]; offsets: number[]; slop: number; weight: number }
  | { kind: 'prefix'; field: string; prefix: string; constant: number }
  | { kind: 'bool'; must: Weighted[]; should: Weighted[]; mustNot: Weighted[] }
  | { kind: 'none' };

function weigh(q: TextQuery, stats: TextQueryStatistics): Weighted {
  switch (q.kind) {
    case 'term': {
      const sc = stats.scoring(q.field);
      const df = sc === undefined ? 0 : (q.docFreq ?? stats.docFreq(q.field, q.term));
      return df === 0 ? { kind: 'none' } : { kind: 'term', field: q.field, term: q.term, weight: f(f(q.boost) * bm25Idf(df, sc!.docCount)) };
    }
    case 'phrase': {
      const sc = stats.scoring(q.field);
      if (sc === undefined) return { kind: 'none' };
      let idf = 0;
      for (const t of q.terms) {
        const df = stats.docFreq(q.field, t);
        if (df === 0) return { kind: 'none' };
        idf += bm25Idf(df, sc.docCount);
      }
      return { kind: 'phrase', field: q.field, terms: q.terms, offsets: q.offsets, slop: q.slop, weight: f(f(q.boost) * f(idf)) };
    }
    case 'prefix':
      return stats.scoring(q.field) === undefined ? { kind: 'none' } : { kind: 'prefix', field: q.field, prefix: q.prefix, constant: f(q.boost) };
    case 'bool':
      return {
        kind: 'bool',
        must: q.must.map((c) => weigh(c, stats)),
        should: q.should.map((c) => weigh(c, stats)),
        mustNot: q.mustNot.map((c) => weigh(c, stats)),
      };
  }
}

/** Builds the iterator of a weighted query over one segment. */
function iterate(w: Weighted, seg: InvertedSegmentView, stats: TextQueryStatistics): DocIterator {
  switch (w.kind) {
    case 'none':
      return EMPTY;
    case 'term': {
      const fd = seg.fields.get(w.field);
      const t = fd?.termId(w.term) ?? -1;
      if (fd === undefined || t < 0) return EMPTY;
      const c = new PostingsCursor();
      c.reset(fd.data, t);
      return new TermIterator(c, w.weight, fd.data.norms, stats.scoring(w.field)!.normInverse);
    }
    case 'phrase': {
      const fd = seg.fields.get(w.field);
      if (fd === undefined) return EMPTY;
      if (fd.data.positions === undefined) {
        throw new QuarryError(
          'BAD_ARGUMENT',
          `a phrase query needs token positions, and field "${w.field}" has segments written without them`,
          { field: 'text' },
          'set "positions": true on the field (the default) and index the documents again',
        );
      }
      const cursors: PostingsCursor[] = [];
      const readers: PositionsReader[] = [];
      for (const term of w.terms) {
        const t = fd.termId(term);
        if (t < 0) return EMPTY;
        const c = new PostingsCursor();
        c.reset(fd.data, t);
        const r = new PositionsReader(c);
        r.reset(fd.data);
        cursors.push(c);
        readers.push(r);
      }
      return new PhraseIterator(cursors, readers, w.offsets, w.slop, w.terms, w.weight, fd.data.norms, stats.scoring(w.field)!.normInverse);
    }
    case 'prefix': {
      const fd = seg.fields.get(w.field);
      return fd === undefined ? EMPTY : new DocListIterator(prefixDocs(fd, w.prefix), w.constant);
    }
    case 'bool': {
      const must = w.must.map((c) => iterate(c, seg, stats));
      const should = w.should.map((c) => iterate(c, seg, stats)).filter((it) => it !== EMPTY);
      const mustNot = w.mustNot.map((c) => iterate(c, seg, stats)).filter((it) => it !== EMPTY);
      if (must.includes(EMPTY)) return EMPTY;
      const opt = should.length === 0 ? null : disjunction(should);
      let req: DocIterator | null = must.length === 0 ? null : must.length === 1 ? must[0]! : new ConjunctionIterator(must);
      if (req === null && opt === null) return EMPTY;
      if (req !== null && mustNot.length > 0) req = new ExclusionIterator(req, disjunction(mustNot));
      let it: DocIterator = req === null ? opt! : opt === null ? req : new RequiredOptionalIterator(req, opt);
      if (req === null && mustNot.length > 0) it = new ExclusionIterator(it, disjunction(mustNot));
      return it;
    }
  }
}

/** Distinct documents of the terms that start with `prefix`, ascending. */
function prefixDocs(fd: InvertedField, prefix: string): Uint32Array {
  const [from, to] = fd.prefixRange(prefix);
  let total = 0;
  for (let t = from; t < to; t++) total += fd.docFreq(t);
  const all = new Uint32Array(total);
  const c = new PostingsCursor();
  let n = 0;
  for (let t = from; t < to; t++) {
    c.reset(fd.data, t);
    for (; c.doc !== NO_MORE_DOCS; c.next()) all[n++] = c.doc;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || all[m - 1] !== all[i]) all[m++] = all[i]!;
  return all.subarray(0, m);
}

/** Searches a bag of weighted terms with pruning (Bm25Searcher.search), skipping excluded documents. */
export type TermsSearch = (terms: QueryTerm[], k: number, excluded: readonly (Uint8Array | null)[] | undefined) => TopDocs;

/**
 * A query that is optional terms only, with or without exclusions, is the
 * bag-of-words query MaxScore answers: its terms, the terms boosted 0 (far
 * fuzzy expansions: they match but score 0, so MaxScore would drop them),
 * and the exclusions. Null for any other query.
 */
function asTermDisjunction(q: TextQuery): { terms: QueryTerm[]; zero: TermQueryNode[]; mustNot: TextQuery[] } | null {
  const asTerm = (t: TermQueryNode): QueryTerm => ({ field: t.field, term: t.term, boost: t.boost, ...(t.docFreq === undefined ? {} : { docFreq: t.docFreq }) });
  if (q.kind === 'term') return q.boost === 0 ? { terms: [], zero: [q], mustNot: [] } : { terms: [asTerm(q)], zero: [], mustNot: [] };
  if (q.kind !== 'bool' || q.must.length > 0 || q.should.length === 0) return null;
  const terms: QueryTerm[] = [];
  const zero: TermQueryNode[] = [];
  for (const c of q.should) {
    if (c.kind !== 'term') return null;
    if (c.boost === 0) zero.push(c);
    else terms.push(asTerm(c));
  }
  return { terms, zero, mustNot: q.mustNot };
}

/**
 * Fills a top list that came up short with the documents only score-0 terms
 * match: they rank below every document with a positive score, lower
 * documents first, as Lucene's ties do.
 */
function withZeroScores(
  top: TopDocs,
  zero: TermQueryNode[],
  k: number,
  segments: readonly InvertedSegmentView[],
  stats: TextQueryStatistics,
  skip: readonly (Uint8Array | null)[] | undefined,
): TopDocs {
  const seen = new Set(top.docs);
  const docs = Array.from(top.docs);
  const scores = Array.from(top.scores);
  const weighted = weigh({ kind: 'bool', must: [], should: zero, mustNot: [] }, stats);
  for (let si = 0; si < segments.length && docs.length < k; si++) {
    const seg = segments[si]!;
    const flags = skip === undefined ? (seg.deleted ?? null) : (skip[si] ?? null);
    const it = iterate(weighted, seg, stats);
    for (let d = it.doc; d !== NO_MORE_DOCS && docs.length < k; d = it.next()) {
      if ((flags === null || flags[d] === 0) && !seen.has(seg.base + d)) {
        docs.push(seg.base + d);
        scores.push(0);
      }
    }
  }
  return { docs: Float64Array.from(docs), scores: Float64Array.from(scores) };
}

/**
 * The k best documents of a structured query over the segments, skipping
 * each segment's excluded (deleted or filtered-out) documents. Optional terms
 * with exclusions go to `searchTerms` (pruned); everything else is scored
 * document at a time.
 */
export function searchTextQuery(
  segments: readonly InvertedSegmentView[],
  stats: TextQueryStatistics,
  query: TextQuery,
  k: number,
  excluded: readonly (Uint8Array | null)[] | undefined,
  searchTerms: TermsSearch,
): TopDocs {
  const bag = asTermDisjunction(query);
  if (bag !== null) {
    let skip = excluded;
    if (bag.mustNot.length > 0) {
      // Documents an excluded clause matches join the deleted or filtered-out ones.
      const weightedNot = weigh({ kind: 'bool', must: [], should: bag.mustNot, mustNot: [] }, stats);
      skip = segments.map((seg, si) => {
        const base = excluded === undefined ? (seg.deleted ?? null) : (excluded[si] ?? null);
        const out = base === null ? new Uint8Array(seg.numDocs) : base.slice();
        const it = iterate(weightedNot, seg, stats);
        for (let d = it.doc; d !== NO_MORE_DOCS; d = it.next()) out[d] = 1;
        return out;
      });
    }
    const top = bag.terms.length > 0 ? searchTerms(bag.terms, k, skip) : { docs: new Float64Array(0), scores: new Float64Array(0) };
    return top.docs.length >= k || bag.zero.length === 0 ? top : withZeroScores(top, bag.zero, k, segments, stats, skip);
  }
  const heap = new TopKHeap(k);
  const weighted = weigh(query, stats);
  segments.forEach((seg, si) => {
    const it = iterate(weighted, seg, stats);
    const skip = excluded === undefined ? (seg.deleted ?? null) : (excluded[si] ?? null);
    const base = seg.base;
    for (let d = it.doc; d !== NO_MORE_DOCS; d = it.next()) {
      if (skip === null || skip[d] === 0) heap.offer(it.score(), base + d);
    }
  });
  return heap.drain();
}
