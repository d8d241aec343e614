/** The inverted index family: BM25 text fields with exact, pruned top-k. */
export * from './params.js';
export * from './bm25.js';
export * from './lucene-norms.js';
export { InvertedField, type InvertedFieldData } from './inverted-field.js';
export { InvertedFieldBuilder, encodeInvertedField } from './build.js';
export { InvertedFieldEncoder } from './field-encoder.js';
export { PostingsCursor, NO_MORE_DOCS } from './postings-cursor.js';
export { PositionsReader } from './positions-reader.js';
export { readInvertedField, readInvertedFieldCounts, writeInvertedField } from './format.js';
export { Bm25Searcher, type InvertedSegmentView, type QueryTerm, type SearchMode, type TopDocs } from './bm25-searcher.js';
export {
  type TextQuery,
  type TermQueryNode,
  type PhraseQueryNode,
  type PrefixQueryNode,
  type WildcardQueryNode,
  type RegexpQueryNode,
  type TermRangeQueryNode,
  type AllDocsQueryNode,
  type BooleanQueryNode,
  textQueryTerms,
} from './text-query.js';
export { searchTextQuery, compileTermPattern, searchesForTerm, type TextQueryStatistics } from './text-query-search.js';
export { TermAutomaton } from './term-automaton.js';
export { regexpAutomaton, wildcardAutomaton, PatternSyntaxError } from './term-patterns.js';
