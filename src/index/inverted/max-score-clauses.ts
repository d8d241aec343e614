/**
 * MaxScore (Turtle & Flood, 1995) over the optional clauses of a structured
 * query: clauses sorted by their score bound; once the k-th best score beats
 * the sum of the smallest bounds, those clauses only add to documents the
 * others found, and only while a document can still enter the top k; when
 * the other clauses together cannot beat it either, a document needs one of
 * each, and the two sets leapfrog to their common documents. Scores
 * are the same sums as the plain disjunction's: each document's clause scores
 * are added in clause order, in double, and rounded to float.
 *
 * One of Quarry's three MaxScore variants, each for what it scores: BM25 term lists
 * (inverted/bm25-searcher.ts), the clauses of a structured query (inverted/max-score-clauses.ts)
 * and learned-sparse lists in windows of documents (sparse/exact/sparse-exact-index.ts).
 */
import type { TopKHeap } from '../../kernels/top-k-heap.js';
import type { DocIterator } from './doc-iterators.js';
import { NO_MORE_DOCS } from './postings-cursor.js';

const f = Math.fround;

/**
 * Clauses with score bounds, as MaxScore walks them: `order` sorts them by
 * bound (smallest first), `prefix[i]` adds up the bounds of order[0..i], and
 * each clause's score on the current document is kept so the final sum is
 * added in clause order.
 */
class BoundedParts {
  readonly n: number;
  readonly order: number[];
  readonly prefix: Float64Array;
  private readonly scores: Float64Array;
  private readonly scoredAt: Float64Array;

  constructor(
    readonly parts: readonly DocIterator[],
    readonly bounds: readonly number[],
  ) {
    this.n = parts.length;
    this.order = parts.map((_, i) => i).sort((a, b) => bounds[a]! - bounds[b]!);
    this.prefix = new Float64Array(this.n);
    let run = 0;
    for (let i = 0; i < this.n; i++) this.prefix[i] = run += bounds[this.order[i]!]!;
    this.scores = new Float64Array(this.n);
    this.scoredAt = new Float64Array(this.n).fill(-1);
  }

  /** The clause at sorted position i. */
  at(i: number): DocIterator {
    return this.parts[this.order[i]!]!;
  }

  /** The score of the clause at sorted position i on `doc` (advanced there), kept for the sum; 0 when it does not match. */
  take(i: number, doc: number): number {
    const j = this.order[i]!;
    const p = this.parts[j]!;
    if (p.doc < doc) p.advance(doc);
    if (p.doc !== doc) return 0;
    const s = p.score();
    this.scores[j] = s;
    this.scoredAt[j] = doc;
    return s;
  }

  /** The smallest current document of the clauses at sorted positions [from, n). */
  minDoc(from: number): number {
    let doc = NO_MORE_DOCS;
    for (let i = from; i < this.n; i++) {
      const d = this.at(i).doc;
      if (d < doc) doc = d;
    }
    return doc;
  }

  /** Moves the clauses at sorted positions [from, n) that are on `doc` past it. */
  passDoc(from: number, doc: number): void {
    for (let i = from; i < this.n; i++) {
      const p = this.at(i);
      if (p.doc === doc) p.next();
    }
  }

  /** Moves the clauses at sorted positions [from, n) up to `doc`. */
  advanceAll(from: number, doc: number): void {
    for (let i = from; i < this.n; i++) {
      const p = this.at(i);
      if (p.doc < doc) p.advance(doc);
    }
  }

  /** The scores taken on `doc` added in clause order, in double; NaN when none was. */
  sum(doc: number): number {
    let sum = 0;
    let matched = false;
    for (let j = 0; j < this.n; j++) {
      if (this.scoredAt[j] === doc) {
        sum += this.scores[j]!;
        matched = true;
      }
    }
    return matched ? sum : NaN;
  }

  /**
   * Takes the scores of the clauses at sorted positions below `essential` on
   * `doc`, largest bound first, while `partial` plus the bounds left can
   * still beat `theta`; the new partial sum, or -1 once it cannot.
   */
  takeNonEssential(essential: number, doc: number, partial: number, theta: number): number {
    for (let i = essential - 1; i >= 0; i--) {
      if (f(partial + this.prefix[i]!) <= theta) return -1;
      partial += this.take(i, doc);
    }
    return partial;
  }
}

/**
 * Offers to `heap` the documents of one segment matching any of `parts`
 * (with upper bounds `bounds` on their scores), except those `excluded`
 * matches or `skip` flags; documents are numbered from `base` in the heap.
 */
export function maxScoreDisjunction(
  parts: readonly DocIterator[],
  bounds: readonly number[],
  excluded: DocIterator | null,
  skip: Uint8Array | null,
  base: number,
  heap: TopKHeap,
): void {
  const c = new BoundedParts(parts, bounds);
  const n = c.n;
  let theta = heap.threshold();
  let essential = 0;
  /** Whether the essential parts together cannot beat the k-th best score: a document needs a non-essential part too. */
  let needBoth = false;
  const update = (): void => {
    while (essential < n && f(c.prefix[essential]!) <= theta) essential++;
    let rest = 0;
    for (let i = essential; i < n; i++) rest += bounds[c.order[i]!]!;
    needBoth = essential > 0 && essential < n && f(rest) <= theta;
  };
  update();

  while (essential < n) {
    const doc = c.minDoc(essential);
    if (doc === NO_MORE_DOCS) break;
    if (needBoth) {
      // the next document of any non-essential part at or after doc; the essential parts move up to it
      let other = NO_MORE_DOCS;
      for (let i = 0; i < essential; i++) {
        const p = c.at(i);
        const d = p.doc < doc ? p.advance(doc) : p.doc;
        if (d < other) other = d;
      }
      if (other === NO_MORE_DOCS) break;
      if (other > doc) {
        c.advanceAll(essential, other);
        continue;
      }
    }
    let partial = 0;
    for (let i = essential; i < n; i++) partial += c.take(i, doc);
    c.passDoc(essential, doc);
    const out = (skip !== null && skip[doc] !== 0) || (excluded !== null && excluded.advance(doc) === doc);
    if (out) continue;
    if (c.takeNonEssential(essential, doc, partial, theta) < 0) continue;
    if (heap.offer(f(c.sum(doc)), base + doc) && heap.size === heap.k) {
      theta = heap.threshold();
      update();
    }
  }
}

/**
 * MaxScore with a required part (Lucene's ReqOptSumScorer, pruned): offers
 * to `heap` the documents `required` matches (exclusions already applied),
 * each scoring f(required + f(sum of the optional parts it matches, in part
 * order, in double)). While the required part alone cannot beat the k-th
 * best score, only documents of the optional parts whose bounds can still
 * get there are looked at (the required part is advanced to them); the
 * smallest optional bounds are only added to documents the others found.
 */
export function maxScoreRequiredOptional(
  required: DocIterator,
  requiredBound: number,
  parts: readonly DocIterator[],
  bounds: readonly number[],
  skip: Uint8Array | null,
  base: number,
  heap: TopKHeap,
): void {
  const c = new BoundedParts(parts, bounds);
  const n = c.n;
  let theta = heap.threshold();
  /** Optional parts order[0..essential) cannot lift a required document into the top k alone. */
  let essential = 0;
  /** Whether a document needs an essential optional part to compete. */
  let needOptional = false;
  const update = (): void => {
    while (essential < n && f(requiredBound + c.prefix[essential]!) <= theta) essential++;
    needOptional = f(requiredBound) <= theta;
  };
  update();
  for (;;) {
    if (needOptional && essential === n) return;
    let doc: number;
    if (!needOptional) {
      doc = required.doc;
      if (doc === NO_MORE_DOCS) return;
    } else {
      doc = c.minDoc(essential);
      if (doc === NO_MORE_DOCS) return;
      const r = required.doc < doc ? required.advance(doc) : required.doc;
      if (r === NO_MORE_DOCS) return;
      if (r !== doc) {
        // no required document before r: the essential parts move up to it
        c.advanceAll(essential, r);
        continue;
      }
    }
    if (skip === null || skip[doc] === 0) {
      const req = required.score();
      let partial = req;
      for (let i = n - 1; i >= essential; i--) partial += c.take(i, doc);
      if (c.takeNonEssential(essential, doc, partial, theta) >= 0) {
        const opt = c.sum(doc);
        const score = Number.isNaN(opt) ? req : f(req + f(opt));
        if (heap.offer(score, base + doc) && heap.size === heap.k) {
          theta = heap.threshold();
          update();
        }
      }
    }
    // past this document: the required part, and the essential parts on it
    if (!needOptional) required.next();
    else c.passDoc(essential, doc);
  }
}
