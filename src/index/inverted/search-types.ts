/** What BM25 searches take and give: segments as the searcher sees them, query terms, modes and top documents. */
import type { InvertedField } from './inverted-field.js';

/** One segment as the searcher sees it. */
export interface InvertedSegmentView {
  /** Global number of the segment's first document. */
  base: number;
  numDocs: number;
  /** Inverted fields by name (a field may be absent in a segment). */
  fields: ReadonlyMap<string, InvertedField>;
  /** Deleted documents (non-zero = deleted), or null. */
  deleted?: Uint8Array | null;
}

/** A query term: a field, the analyzed term, and its boost (repeats of a term add up, as in Anserini). */
export interface QueryTerm {
  field: string;
  term: string;
  boost: number;
  /** Document frequency to score with instead of the term's own (a fuzzy query's blended frequency). */
  docFreq?: number;
}

/** How to search; every mode returns the same results. */
export type SearchMode = 'auto' | 'pruned' | 'exhaustive';

/** Top-k result in global document numbers, best first. */
export interface TopDocs {
  scores: Float64Array;
  docs: Float64Array;
}
