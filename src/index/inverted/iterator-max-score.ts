/**
 * MaxScore (Turtle & Flood, 1995) over the optional clauses of a structured
 * query: clauses sorted by their score bound; once the k-th best score beats
 * the sum of the smallest bounds, those clauses only add to documents the
 * others found, and only while a document can still enter the top k; when
 * the other clauses together cannot beat it either, a document needs one of
 * each, and the two sets leapfrog to their common documents. Scores
 * are the same sums as the plain disjunction's: each document's clause scores
 * are added in clause order, in double, and rounded to float.
 */
import type { TopKHeap } from '../../kernels/top-k-heap.js';
import type { DocIterator } from './doc-iterators.js';
import { NO_MORE_DOCS } from './postings-cursor.js';

const f = Math.fround;

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
  const n = parts.length;
  const order = parts.map((_, i) => i).sort((a, b) => bounds[a]! - bounds[b]!);
  /** prefix[i]: the bounds of order[0..i] added up. */
  const prefix = new Float64Array(n);
  let run = 0;
  for (let i = 0; i < n; i++) prefix[i] = run += bounds[order[i]!]!;
  const scores = new Float64Array(n);
  const scoredAt = new Float64Array(n).fill(-1);
  let theta = heap.threshold();
  let essential = 0;
  /** Whether the essential parts together cannot beat the k-th best score: a document needs a non-essential part too. */
  let needBoth = false;
  const update = (): void => {
    while (essential < n && f(prefix[essential]!) <= theta) essential++;
    let rest = 0;
    for (let i = essential; i < n; i++) rest += bounds[order[i]!]!;
    needBoth = essential > 0 && essential < n && f(rest) <= theta;
  };
  update();

  while (essential < n) {
    let doc = NO_MORE_DOCS;
    for (let i = essential; i < n; i++) {
      const d = parts[order[i]!]!.doc;
      if (d < doc) doc = d;
    }
    if (doc === NO_MORE_DOCS) break;
    if (needBoth) {
      // the next document of any non-essential part at or after doc; the essential parts move up to it
      let other = NO_MORE_DOCS;
      for (let i = 0; i < essential; i++) {
        const p = parts[order[i]!]!;
        const d = p.doc < doc ? p.advance(doc) : p.doc;
        if (d < other) other = d;
      }
      if (other === NO_MORE_DOCS) break;
      if (other > doc) {
        for (let i = essential; i < n; i++) {
          const p = parts[order[i]!]!;
          if (p.doc < other) p.advance(other);
        }
        continue;
      }
    }
    let partial = 0;
    for (let i = essential; i < n; i++) {
      const p = parts[order[i]!]!;
      if (p.doc === doc) {
        const s = p.score();
        scores[order[i]!] = s;
        scoredAt[order[i]!] = doc;
        partial += s;
        p.next();
      }
    }
    const out = (skip !== null && skip[doc] !== 0) || (excluded !== null && excluded.advance(doc) === doc);
    if (out) continue;
    let alive = true;
    for (let i = essential - 1; i >= 0; i--) {
      if (f(partial + prefix[i]!) <= theta) {
        alive = false;
        break;
      }
      const p = parts[order[i]!]!;
      if (p.doc < doc) p.advance(doc);
      if (p.doc === doc) {
        const s = p.score();
        scores[order[i]!] = s;
        scoredAt[order[i]!] = doc;
        partial += s;
      }
    }
    if (!alive) continue;
    let sum = 0;
    for (let i = 0; i < n; i++) if (scoredAt[i] === doc) sum += scores[i]!;
    if (heap.offer(f(sum), base + doc) && heap.size === heap.k) {
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
  const n = parts.length;
  const order = parts.map((_, i) => i).sort((a, b) => bounds[a]! - bounds[b]!);
  const prefix = new Float64Array(n);
  let run = 0;
  for (let i = 0; i < n; i++) prefix[i] = run += bounds[order[i]!]!;
  const scores = new Float64Array(n);
  const scoredAt = new Float64Array(n).fill(-1);
  let theta = heap.threshold();
  /** Optional parts order[0..essential) cannot lift a required document into the top k alone. */
  let essential = 0;
  /** Whether a document needs an essential optional part to compete. */
  let needOptional = false;
  const update = (): void => {
    while (essential < n && f(requiredBound + prefix[essential]!) <= theta) essential++;
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
      doc = NO_MORE_DOCS;
      for (let i = essential; i < n; i++) {
        const d = parts[order[i]!]!.doc;
        if (d < doc) doc = d;
      }
      if (doc === NO_MORE_DOCS) return;
      const r = required.doc < doc ? required.advance(doc) : required.doc;
      if (r === NO_MORE_DOCS) return;
      if (r !== doc) {
        // no required document before r: the essential parts move up to it
        for (let i = essential; i < n; i++) {
          const p = parts[order[i]!]!;
          if (p.doc < r) p.advance(r);
        }
        continue;
      }
    }
    if (skip === null || skip[doc] === 0) {
      const req = required.score();
      let partial = req;
      for (let i = n - 1; i >= essential; i--) {
        const p = parts[order[i]!]!;
        if (p.doc < doc) p.advance(doc);
        if (p.doc === doc) {
          const s = p.score();
          scores[order[i]!] = s;
          scoredAt[order[i]!] = doc;
          partial += s;
        }
      }
      let alive = true;
      for (let i = essential - 1; i >= 0; i--) {
        if (f(partial + prefix[i]!) <= theta) {
          alive = false;
          break;
        }
        const p = parts[order[i]!]!;
        if (p.doc < doc) p.advance(doc);
        if (p.doc === doc) {
          const s = p.score();
          scores[order[i]!] = s;
          scoredAt[order[i]!] = doc;
          partial += s;
        }
      }
      if (alive) {
        let opt = 0;
        let matched = false;
        for (let i = 0; i < n; i++) {
          if (scoredAt[i] === doc) {
            opt += scores[i]!;
            matched = true;
          }
        }
        const score = matched ? f(req + f(opt)) : req;
        if (heap.offer(score, base + doc) && heap.size === heap.k) {
          theta = heap.threshold();
          update();
        }
      }
    }
    // past this document: the required part, and the essential parts on it
    if (!needOptional) required.next();
    else {
      for (let i = essential; i < n; i++) {
        const p = parts[order[i]!]!;
        if (p.doc === doc) p.next();
      }
    }
  }
}
