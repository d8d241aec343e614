/**
 * trec_eval's view of one query: the run's documents ordered as trec_eval
 * orders them (score descending, ties by docno descending in byte order),
 * each replaced by its judged relevance, plus counts from the qrels. Every
 * measure is computed from this (trec_eval: form_res_rels.c).
 */
import { QuarryError } from '../core/quarry-error.js';
import type { QueryJudgments } from './qrels.js';

/** Relevance of a retrieved document that is not in the qrels. */
export const REL_NONPOOL = -1;
/** Relevance of a retrieved document judged with a negative label ("in pool, unjudged"). */
export const REL_UNJUDGED = -2;

/** Options that change how a query's ranking is formed. */
export interface RankingOptions {
  /** Minimum relevance level counted as relevant (trec_eval -l). */
  relevanceLevel: number;
  /** Keep only the first N documents after sorting (trec_eval -M). */
  maxDocsPerTopic: number;
  /** Drop documents without a judgment (trec_eval -J). */
  judgedOnly: boolean;
}

/** Ranked relevance list and counts for one query. */
export interface RankedJudgments {
  /** Relevance of the document at each rank (0-based), or REL_NONPOOL / REL_UNJUDGED. */
  rels: Int32Array;
  numRet: number;
  /** Judged documents with relevance >= the relevance level. */
  numRel: number;
  numRelRet: number;
  numNonpool: number;
  numUnjudgedInPool: number;
  /** relLevels[r] = number of judged documents with relevance r (r >= 0). */
  relLevels: Int32Array;
  /** One more than the highest relevance level that has documents. */
  numRelLevels: number;
}

/**
 * Compares two strings in UTF-8 byte order (= code point order), as C's strcmp
 * does on UTF-8 text. JavaScript's `<` compares UTF-16 units, which differs
 * only for characters above U+FFFF against U+E000..U+FFFF.
 */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800..DFFF) encode code points above U+FFFF, which sort
    // after every BMP character in UTF-8.
    const kx = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const ky = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return kx < ky ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Orders one query's documents and looks up their judgments.
 * `judgments` may be undefined for a query absent from the qrels (then every
 * document is non-pool and there are no relevant documents).
 */
export function rankJudgments(
  qid: string,
  docnos: readonly string[],
  scores: ArrayLike<number>,
  judgments: QueryJudgments | undefined,
  opts: RankingOptions,
): RankedJudgments {
  const n = docnos.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => {
    const sa = scores[a]!;
    const sb = scores[b]!;
    if (sa > sb) return -1;
    if (sa < sb) return 1;
    return compareBytes(docnos[b]!, docnos[a]!);
  });
  const kept = Math.min(n, opts.maxDocsPerTopic);

  const seen = new Set<string>();
  for (let i = 0; i < kept; i++) {
    const d = docnos[order[i]!]!;
    if (seen.has(d)) {
      throw new QuarryError(
        'BAD_INPUT',
        `duplicate document ${d} in the run for query ${qid}`,
        {},
        'trec_eval rejects runs that retrieve a document twice for one query',
      );
    }
    seen.add(d);
  }

  let maxRel = 0;
  if (judgments !== undefined) for (const r of judgments.values()) if (r > maxRel) maxRel = r;
  const relLevels = new Int32Array(maxRel + 1);
  if (judgments !== undefined) for (const r of judgments.values()) if (r >= 0) relLevels[r]!++;

  const rels = new Int32Array(kept);
  let numRet = 0;
  let numRelRet = 0;
  let numNonpool = 0;
  let numUnjudged = 0;
  for (let i = 0; i < kept; i++) {
    const j = judgments?.get(docnos[order[i]!]!);
    const rel = j === undefined ? REL_NONPOOL : j < 0 ? REL_UNJUDGED : j;
    if (opts.judgedOnly) {
      if (rel < 0) continue;
    } else if (rel === REL_NONPOOL) numNonpool++;
    else if (rel === REL_UNJUDGED) numUnjudged++;
    if (rel >= opts.relevanceLevel) numRelRet++;
    rels[numRet++] = rel;
  }

  let numRel = 0;
  let numRelLevels = 0;
  for (let r = 0; r <= maxRel; r++) {
    if (relLevels[r]! > 0) {
      numRelLevels = r + 1;
      if (r >= opts.relevanceLevel) numRel += relLevels[r]!;
    }
  }
  return {
    rels: numRet === kept ? rels : rels.subarray(0, numRet),
    numRet,
    numRel,
    numRelRet,
    numNonpool,
    numUnjudgedInPool: numUnjudged,
    relLevels,
    numRelLevels,
  };
}
