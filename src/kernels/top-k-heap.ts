/**
 * A bounded heap that keeps the k best (score, doc) pairs in typed arrays.
 * Higher scores win; equal scores are won by the lower document number,
 * which is the order Lucene and Anserini return ties in.
 */
export class TopKHeap {
  readonly scores: Float64Array;
  readonly docs: Float64Array;
  size = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.docs = new Float64Array(Math.max(1, k));
  }

  /** Empties the heap for reuse. */
  clear(): void {
    this.size = 0;
  }

  /** The score a new document must beat once the heap is full (-Infinity before). */
  threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0]!;
  }

  /** Offers a document; documents must be offered in increasing `doc` order for ties to resolve by doc. */
  offer(score: number, doc: number): boolean {
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(score, doc, this.scores[p]!, this.docs[p]!)) break;
        this.scores[i] = this.scores[p]!;
        this.docs[i] = this.docs[p]!;
        i = p;
      }
      this.scores[i] = score;
      this.docs[i] = doc;
      return true;
    }
    if (!this.worse(this.scores[0]!, this.docs[0]!, score, doc)) return false;
    this.siftDown(score, doc);
    return true;
  }

  /** Sorted results, best first; empties the heap. */
  drain(): { scores: Float64Array; docs: Float64Array } {
    const n = this.size;
    const scores = new Float64Array(n);
    const docs = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      scores[i] = this.scores[0]!;
      docs[i] = this.docs[0]!;
      const last = --this.size;
      if (last > 0) this.siftDown(this.scores[last]!, this.docs[last]!);
    }
    return { scores, docs };
  }

  /** True when (s1, d1) ranks below (s2, d2). */
  private worse(s1: number, d1: number, s2: number, d2: number): boolean {
    return s1 < s2 || (s1 === s2 && d1 > d2);
  }

  private siftDown(score: number, doc: number): void {
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.worse(this.scores[r]!, this.docs[r]!, this.scores[l]!, this.docs[l]!)) c = r;
      if (!this.worse(this.scores[c]!, this.docs[c]!, score, doc)) break;
      this.scores[i] = this.scores[c]!;
      this.docs[i] = this.docs[c]!;
      i = c;
    }
    this.scores[i] = score;
    this.docs[i] = doc;
  }
}
