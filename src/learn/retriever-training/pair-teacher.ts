/**
 * Teachers: rankers whose scores of (training query, document) pairs guide
 * the student, for listwise distillation and for filtering false negatives.
 * `tokenBm25Teacher` is BM25 over the student's own tokens (Robertson et
 * al., TREC-3, with Lucene's idf); a cross-encoder teacher is built above
 * this layer and given through the same interface.
 */
import type { TokenizedTexts } from '../static-encoder/tokenized-texts.js';
import { tokenIdf } from '../static-encoder/tokenized-texts.js';

/** Scores documents for the training queries. */
export interface PairTeacher {
  /** What it is, for logs ("bm25", "cross-encoder ..."). */
  readonly name: string;
  /** Writes the score of each of `docs[0, count)` for training query `query` into `out`. */
  score(query: number, docs: Int32Array, count: number, out: Float64Array): void | Promise<void>;
}

/** BM25 (k1, b) of the training queries' tokens against the documents' tokens. */
export function tokenBm25Teacher(corpus: TokenizedTexts, queries: TokenizedTexts, vocabSize: number, k1 = 0.9, b = 0.4): PairTeacher {
  const idf = tokenIdf(corpus, vocabSize);
  let sumLength = 0;
  for (let d = 0; d < corpus.count; d++) sumLength += corpus.starts[d + 1]! - corpus.starts[d]!;
  const avgLength = Math.max(1, sumLength / Math.max(1, corpus.count));
  // query term marks by stamp, and each marked term's count in the document at hand
  const stamp = new Int32Array(vocabSize).fill(-1);
  const tf = new Int32Array(vocabSize);
  const qCount = new Int32Array(vocabSize);
  let epoch = 0;
  const terms: number[] = [];
  return {
    name: 'bm25',
    score(query, docs, count, out) {
      epoch++;
      terms.length = 0;
      for (let t = queries.starts[query]!; t < queries.starts[query + 1]!; t++) {
        const id = queries.tokens[t]!;
        if (stamp[id] !== epoch) {
          stamp[id] = epoch;
          qCount[id] = 0;
          terms.push(id);
        }
        qCount[id]!++;
      }
      for (let i = 0; i < count; i++) {
        const d = docs[i]!;
        const from = corpus.starts[d]!;
        const to = corpus.starts[d + 1]!;
        for (const id of terms) tf[id] = 0;
        for (let t = from; t < to; t++) {
          const id = corpus.tokens[t]!;
          if (stamp[id] === epoch) tf[id]!++;
        }
        const norm = k1 * (1 - b + (b * (to - from)) / avgLength);
        let s = 0;
        for (const id of terms) {
          const f = tf[id]!;
          if (f > 0) s += qCount[id]! * idf[id]! * ((f * (k1 + 1)) / (f + norm));
        }
        out[i] = s;
      }
    },
  };
}
