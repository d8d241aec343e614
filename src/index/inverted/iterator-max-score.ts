/**
 * MaxScore (Turtle & Flood, 1995) over the optional clauses of a structured
 * query: clauses sorted by their score bound; once the k-th best score beats
 * the sum of the smallest bounds, those clauses only add to documents the
 * others found, and only while a document can still enter the top k. Scores
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
  while (essential < n && f(prefix[essential]!) <= theta) essential++;

  while (essential < n) {
    let doc = NO_MORE_DOCS;
    for (let i = essential; i < n; i++) {
      const d = parts[order[i]!]!.doc;
      if (d < doc) doc = d;
    }
    if (doc === NO_MORE_DOCS) break;
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
      while (essential < n && f(prefix[essential]!) <= theta) essential++;
    }
  }
}
