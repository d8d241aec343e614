/**
 * Pre-training tasks that need no judgments, made from a corpus's own
 * structure. Inverse Cloze Task (Lee et al., "Latent Retrieval for Weakly
 * Supervised Open Domain Question Answering", ACL 2019): a sentence is the
 * pseudo-query and the rest of its passage the positive; the sentence stays
 * in its passage one time in ten so the model still values word overlap.
 * Body First Selection (Chang et al., "Pre-training Tasks for Embedding-based
 * Large-scale Retrieval", ICLR 2020, simplified to one passage): the title,
 * or the first sentence when there is none, is the query and the body the
 * positive.
 */
import type { TokenizedTexts } from '../static-encoder/tokenized-texts.js';

/** The pre-training tasks by name. */
export const PRETRAINING_TASKS = ['ict', 'bfs'] as const;

/** A pre-training task. */
export type PretrainingTask = (typeof PRETRAINING_TASKS)[number];

/** Share of ICT examples whose sentence is left in the positive (Lee et al.). */
export const ICT_KEEP_SENTENCE = 0.1;

/** A pseudo-query and its positive, both ranges of the corpus tokens. */
export interface PretrainingPair {
  doc: number;
  queryStart: number;
  queryEnd: number;
  /** The positive is the document without [skipStart, skipEnd) (both -1: the whole document). */
  skipStart: number;
  skipEnd: number;
}

/** The documents each task can use (they need two segments or more). */
export function pretrainingDocs(corpus: TokenizedTexts): Int32Array {
  const out: number[] = [];
  for (let d = 0; d < corpus.count; d++) if (corpus.cutStarts[d + 1]! - corpus.cutStarts[d]! >= 2) out.push(d);
  return Int32Array.from(out);
}

/** Fills `pair` with task `task`'s example from document `doc` (which has two segments or more); `rand` draws in (0, 1). */
export function pretrainingPair(
  corpus: TokenizedTexts,
  doc: number,
  task: PretrainingTask,
  rand: () => number,
  pair: PretrainingPair,
): void {
  const c0 = corpus.cutStarts[doc]!;
  const segments = corpus.cutStarts[doc + 1]! - c0;
  const end = corpus.starts[doc + 1]!;
  const segmentEnd = (k: number): number => (k + 1 < segments ? corpus.cuts[c0 + k + 1]! : end);
  const k = task === 'bfs' ? 0 : 1 + Math.min(segments - 2, Math.floor(rand() * (segments - 1)));
  pair.doc = doc;
  pair.queryStart = corpus.cuts[c0 + k]!;
  pair.queryEnd = segmentEnd(k);
  const keep = task === 'ict' && rand() < ICT_KEEP_SENTENCE;
  pair.skipStart = keep ? -1 : pair.queryStart;
  pair.skipEnd = keep ? -1 : pair.queryEnd;
}
