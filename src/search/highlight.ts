/**
 * Query-term highlighting for display. Stored text is cut into word-like
 * runs; a run is a match when the field's analyzer turns it into a term the
 * query also produced, so stemming and case folding highlight "retrieval"
 * for the query "retrieve" exactly as the index matched it. Returns plain
 * fragments (never HTML), so callers render them without injection risk.
 */
import type { Analyzer } from '../text/analyzer.js';

/** A piece of text, marked when it matched a query term. */
export interface HighlightFragment {
  text: string;
  match: boolean;
}

/** Options of `highlight`. */
export interface HighlightOptions {
  /** Longest excerpt in words (default: the whole text). The window with the most matches is kept. */
  maxWords?: number;
}

const WORD = /[\p{L}\p{N}\p{M}_'’]+/gu;

/** Splits `text` into fragments, marking words whose analyzed terms are in `queryTerms`. */
export function highlight(text: string, analyzer: Analyzer, queryTerms: ReadonlySet<string>, opts: HighlightOptions = {}): HighlightFragment[] {
  const words: { start: number; end: number; match: boolean }[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    const word = m[0];
    let match = false;
    if (queryTerms.size > 0) analyzer.forEachTerm(word, (t) => (match ||= queryTerms.has(t)));
    words.push({ start, end: start + word.length, match });
  }
  let from = 0;
  let to = words.length;
  const max = opts.maxWords;
  if (max !== undefined && words.length > max) {
    // Sliding window of max words with the most matches; ties keep the earliest.
    let best = 0;
    let count = 0;
    for (let i = 0; i < max; i++) if (words[i]!.match) count++;
    let bestCount = count;
    for (let i = max; i < words.length; i++) {
      if (words[i]!.match) count++;
      if (words[i - max]!.match) count--;
      if (count > bestCount) {
        bestCount = count;
        best = i - max + 1;
      }
    }
    from = best;
    to = best + max;
  }
  const out: HighlightFragment[] = [];
  const startChar = from === 0 ? 0 : words[from]!.start;
  const endChar = to === words.length ? text.length : words[to - 1]!.end;
  if (from > 0) out.push({ text: '… ', match: false });
  let pos = startChar;
  for (let i = from; i < to; i++) {
    const w = words[i]!;
    if (!w.match) continue;
    if (w.start > pos) out.push({ text: text.slice(pos, w.start), match: false });
    out.push({ text: text.slice(w.start, w.end), match: true });
    pos = w.end;
  }
  if (endChar > pos) out.push({ text: text.slice(pos, endChar), match: false });
  if (to < words.length) out.push({ text: ' …', match: false });
  return out;
}

/** The analyzed terms of a query for one field's analyzer. */
export function queryTermSet(query: string, analyzer: Analyzer): Set<string> {
  return new Set(analyzer.analyze(query));
}
