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

const NON_ASCII_WORD_CHAR = /[\p{L}\p{N}\p{M}’]/u;

/** Word characters: letters, digits, marks, "_" and apostrophes (ASCII decided without a regex). */
function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 39;
  if (c >= 0xdc00 && c <= 0xdfff) return i > 0 && isWordChar(text, i - 1); // low surrogate: same class as its pair
  return NON_ASCII_WORD_CHAR.test(String.fromCodePoint(text.codePointAt(i)!));
}

/** Analyzed terms of words seen before, per analyzer: analysis (tokenizing, stemming) dominates highlighting. */
const TERM_CACHE = new WeakMap<Analyzer, Map<string, readonly string[]>>();
const TERM_CACHE_LIMIT = 200_000;

function termsOf(analyzer: Analyzer, word: string): readonly string[] {
  let cache = TERM_CACHE.get(analyzer);
  if (cache === undefined) TERM_CACHE.set(analyzer, (cache = new Map()));
  let terms = cache.get(word);
  if (terms === undefined) {
    if (cache.size >= TERM_CACHE_LIMIT) cache.clear();
    terms = analyzer.analyze(word);
    cache.set(word, terms);
  }
  return terms;
}

/** The query terms a highlighter marks: a set, or any test of a term (a structured query's prefixes and patterns). */
export type HighlightTerms = Pick<ReadonlySet<string>, 'has' | 'size'>;

/** Splits `text` into fragments, marking words whose analyzed terms are in `queryTerms`. */
export function highlight(text: string, analyzer: Analyzer, queryTerms: HighlightTerms, opts: HighlightOptions = {}): HighlightFragment[] {
  const words: { start: number; end: number; match: boolean }[] = [];
  for (let i = 0; i < text.length;) {
    if (!isWordChar(text, i)) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length && isWordChar(text, i)) i++;
    let match = false;
    if (queryTerms.size > 0) for (const t of termsOf(analyzer, text.slice(start, i))) match ||= queryTerms.has(t);
    words.push({ start, end: i, match });
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
