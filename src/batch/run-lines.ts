/**
 * TREC run files as `quarry run` writes them: every query's hits as
 * `qid Q0 docno rank score tag` lines, kept until the run is written at once (in the
 * order added, or in qid order), and Lucene's mapping of dense scores for runs meant
 * to match Lucene's.
 */
import type { Hit } from '../collection/index.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { sortQids } from './qid-order.js';

/** TREC run lines (`qid Q0 docno rank score tag`) of the hits of each query, written at once. */
export class RunLines {
  private readonly queries: { qid: string; lines: string }[] = [];
  private count = 0;

  constructor(
    private readonly precision: number,
    private readonly tag: string,
    private readonly qidOrder: boolean,
  ) {}

  /** Appends one query's hits, ranked as given; `score` maps each hit's score first. */
  add(qid: string, hits: readonly Hit[], score: (s: number) => number = (s) => s): void {
    let lines = '';
    hits.forEach((h, i) => {
      lines += `${qid} Q0 ${h.id} ${i + 1} ${score(h.score).toFixed(this.precision)} ${this.tag}\n`;
    });
    this.queries.push({ qid, lines });
    this.count += hits.length;
  }

  /** Queries added so far. */
  get queryCount(): number {
    return this.queries.length;
  }

  /** Writes the run atomically, queries in the order added or in qid order; returns its line count. */
  write(path: string): number {
    const queries = this.qidOrder ? sortQids(this.queries, (q) => q.qid) : this.queries;
    writeFileAtomic(path, queries.map((q) => q.lines).join(''));
    return this.count;
  }
}

/**
 * Lucene's VectorSimilarityFunction score for a Quarry dense score: DOT_PRODUCT
 * and COSINE map the inner product s to (1 + s) / 2; EUCLIDEAN maps the squared
 * distance d^2 (Quarry scores l2 as -d^2) to 1 / (1 + d^2).
 */
export function luceneSimilarity(metric: 'cosine' | 'dot' | 'l2'): (score: number) => number {
  return metric === 'l2' ? (s) => 1 / (1 - s) : (s) => (1 + s) / 2;
}
