/**
 * RM3 pseudo-relevance feedback (Lavrenko & Croft's relevance model,
 * interpolated with the query as Anserini's Rm3Reranker does): the top
 * fbDocs documents of a first BM25 pass vote for terms in proportion to
 * their (L1-normalized) frequency times the document's score; the best
 * fbTerms terms, L1-normalized, are mixed with the L1-normalized original
 * query using originalQueryWeight, and the mix is searched again as a
 * weighted BM25 query.
 */
import { QuarryError } from '../core/quarry-error.js';

/** RM3 settings (Anserini's defaults). */
export interface Rm3Params {
  fbTerms: number;
  fbDocs: number;
  originalQueryWeight: number;
  /** Drop feedback terms found in more than this share of documents (Anserini: 0.1). */
  maxDocFreqShare: number;
}

/** RM3 defaults: Anserini's (10 feedback terms from 10 documents, original query weight 0.5). */
export const RM3_DEFAULTS: Rm3Params = { fbTerms: 10, fbDocs: 10, originalQueryWeight: 0.5, maxDocFreqShare: 0.1 };

/**
 * RM3 settings with defaults filled, each checked: counts are positive integers,
 * the query weight lies in [0, 1], the document-frequency share in (0, 1], and
 * unknown names are errors (a misspelt setting would otherwise do nothing).
 */
export function resolveRm3Params(given: Readonly<Record<string, unknown>> = {}, where = 'params'): Rm3Params {
  for (const name of Object.keys(given)) {
    if (!(name in RM3_DEFAULTS))
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${name}" is not an RM3 parameter`,
        { field: `${where}.${name}` },
        `RM3 takes: ${Object.keys(RM3_DEFAULTS).join(', ')}`,
      );
  }
  const p = { ...RM3_DEFAULTS, ...given } as Record<keyof Rm3Params, unknown>;
  const bad = (name: keyof Rm3Params, what: string): never => {
    throw new QuarryError('BAD_ARGUMENT', `${name} must be ${what}, got ${JSON.stringify(p[name])}`, { field: `${where}.${name}` });
  };
  for (const name of ['fbTerms', 'fbDocs'] as const)
    if (!Number.isInteger(p[name]) || (p[name] as number) < 1) bad(name, 'a positive integer');
  const w = p.originalQueryWeight;
  if (typeof w !== 'number' || !(w >= 0 && w <= 1)) bad('originalQueryWeight', 'a number in [0, 1]');
  const share = p.maxDocFreqShare;
  if (typeof share !== 'number' || !(share > 0 && share <= 1)) bad('maxDocFreqShare', 'a number in (0, 1]');
  return p as Rm3Params;
}

/** A feedback document: its analyzed terms and first-pass score. */
export interface FeedbackDoc {
  terms: readonly string[];
  score: number;
}

/** Returns the expanded query: term -> weight (sums to 1). */
export function rm3Expand(
  queryTerms: readonly string[],
  feedback: readonly FeedbackDoc[],
  docFreq: (term: string) => number,
  numDocs: number,
  p: Rm3Params = RM3_DEFAULTS,
): Map<string, number> {
  const rm = new Map<string, number>();
  for (const doc of feedback.slice(0, p.fbDocs)) {
    const tf = new Map<string, number>();
    for (const t of doc.terms) {
      if (t.length < 2 || !/^[a-z0-9]+$/.test(t)) continue;
      tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    let l1 = 0;
    for (const v of tf.values()) l1 += v;
    if (l1 === 0) continue;
    for (const [t, v] of tf) {
      if (docFreq(t) / numDocs > p.maxDocFreqShare) continue;
      rm.set(t, (rm.get(t) ?? 0) + (v / l1) * doc.score);
    }
  }
  const top = [...rm.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, p.fbTerms);
  const rmSum = top.reduce((s, [, w]) => s + w, 0);
  const q = new Map<string, number>();
  for (const t of queryTerms) q.set(t, (q.get(t) ?? 0) + 1);
  const qSum = queryTerms.length;
  const out = new Map<string, number>();
  for (const [t, c] of q) out.set(t, (p.originalQueryWeight * c) / qSum);
  if (rmSum > 0) for (const [t, w] of top) out.set(t, (out.get(t) ?? 0) + ((1 - p.originalQueryWeight) * w) / rmSum);
  return out;
}
