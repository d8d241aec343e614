/**
 * Document iterators of structured text queries, scored as Lucene's scorers
 * score: terms (BM25), phrases (exact or sloppy frequency), prefix document
 * lists (constant), conjunctions and disjunctions (summed in double, rounded
 * to float), a required part with an optional one (added in float), and
 * exclusions.
 */
import { firstAtLeast } from '../../kernels/sorted-search.js';
import { bm25TermScore } from './bm25.js';
import { exactPhraseFreq, repeatGroups, SloppyPhraseMatcher, type PhrasePositions } from './phrase-matcher.js';
import type { PositionsReader } from './positions-reader.js';
import { NO_MORE_DOCS, type PostingsCursor } from './postings-cursor.js';

const f = Math.fround;

/** A matching-document iterator with a score. */
export interface DocIterator {
  doc: number;
  /** Documents it may match, for ordering conjunctions. */
  readonly cost: number;
  next(): number;
  advance(target: number): number;
  score(): number;
}

export const EMPTY: DocIterator = { doc: NO_MORE_DOCS, cost: 0, next: () => NO_MORE_DOCS, advance: () => NO_MORE_DOCS, score: () => 0 };

/** One term's postings, each document scored by BM25. */
export class TermIterator implements DocIterator {
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

/** Documents holding every phrase term, kept when the phrase occurs (exactly or within the slop), scored by BM25 of the phrase frequency. */
export class PhraseIterator implements DocIterator {
  doc = -1;
  readonly cost: number;
  private freq = 0;
  private readonly pp: PhrasePositions;
  private readonly sloppy: SloppyPhraseMatcher | null;
  private readonly at: Uint32Array;
  /** The cursors rarest first: the rarest term leads the search for documents holding them all. */
  private readonly lead: PostingsCursor[];

  constructor(
    cursors: PostingsCursor[],
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
    this.lead = [...cursors].sort((a, b) => a.df - b.df);
    const n = cursors.length;
    this.pp = { positions: readers.map((r) => r.positions), counts: new Uint32Array(n) };
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
    const cs = this.lead;
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
      const reader = this.readers[i]!;
      pp.counts[i] = reader.read();
      pp.positions[i] = reader.positions;
    }
    return this.sloppy === null ? exactPhraseFreq(pp, this.offsets, this.at) : this.sloppy.freq(pp);
  }
}

/** The sorted, distinct documents of a prefix's terms, each scoring a constant. */
export class DocListIterator implements DocIterator {
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
    if (this.doc >= target) return this.doc;
    // galloping: a required or excluded list is advanced in long jumps
    const n = this.docs.length;
    this.i = firstAtLeast(this.docs, this.i + 1, n, target);
    return (this.doc = this.i < n ? this.docs[this.i]! : NO_MORE_DOCS);
  }
  score(): number {
    return this.constant;
  }
}

/** Documents every part matches (parts advanced cheapest first), scored by the sum of the parts in double, rounded to float. */
/** Every document of a segment, each scoring a constant. */
export class AllDocsIterator implements DocIterator {
  doc = 0;
  constructor(
    readonly cost: number,
    private readonly constant: number,
  ) {}
  next(): number {
    return (this.doc = this.doc + 1 < this.cost ? this.doc + 1 : NO_MORE_DOCS);
  }
  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    return (this.doc = target < this.cost ? target : NO_MORE_DOCS);
  }
  score(): number {
    return this.constant;
  }
}

export class ConjunctionIterator implements DocIterator {
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

/** Documents any part matches, scored by the sum of the matching parts in double, rounded to float; scans its parts (few). */
export class DisjunctionIterator implements DocIterator {
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
export class HeapDisjunctionIterator implements DocIterator {
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
export function disjunction(parts: DocIterator[]): DocIterator {
  return parts.length === 1 ? parts[0]! : parts.length <= 8 ? new DisjunctionIterator(parts) : new HeapDisjunctionIterator(parts);
}

/** Required documents; the optional part adds its score where it matches too. */
export class RequiredOptionalIterator implements DocIterator {
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
export class ExclusionIterator implements DocIterator {
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
