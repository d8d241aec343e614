/** Judged queries for training: each query of the qrels with a text and at least one relevant document that exists. */
import type { Qrels } from '../eval/qrels.js';

/** The queries of `qrels` found in `queryText` with a relevant (grade ≥ 1) document in `indexOf`, and those documents' indices. */
export function judgedQueries(
  qrels: Qrels,
  queryText: ReadonlyMap<string, string>,
  indexOf: ReadonlyMap<string, number>,
): { qids: string[]; positives: Int32Array[] } {
  const qids: string[] = [];
  const positives: Int32Array[] = [];
  for (const [qid, judgments] of qrels) {
    if (!queryText.has(qid)) continue;
    const pos = [...judgments].filter(([d, r]) => r >= 1 && indexOf.has(d)).map(([d]) => indexOf.get(d)!);
    if (pos.length === 0) continue;
    qids.push(qid);
    positives.push(Int32Array.from(pos));
  }
  return { qids, positives };
}
