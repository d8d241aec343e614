/**
 * Structured text queries as Lucene builds them from its classic query syntax:
 * boolean combinations (BooleanQuery's MUST, SHOULD and MUST_NOT clauses),
 * phrases with optional slop (PhraseQuery) and the multi-term queries with
 * their constant-score rewrite (PrefixQuery, WildcardQuery, RegexpQuery,
 * TermRangeQuery). Terms are already analyzed; boosts are already
 * multiplied down to the leaves, as Lucene's weights pass them down.
 */

/** One analyzed term of one field, scored by BM25 with weight boost × idf. */
export interface TermQueryNode {
  kind: 'term';
  field: string;
  term: string;
  boost: number;
  /** Document frequency the idf uses instead of the term's own (a fuzzy expansion's blended frequency, as Lucene's BlendedTermQuery). */
  docFreq?: number;
}

/**
 * Terms at fixed offsets from each other (offsets keep the gaps removed
 * stopwords leave), within `slop` moves; scored by BM25 of the phrase
 * frequency with weight boost × the sum of the terms' idf.
 */
export interface PhraseQueryNode {
  kind: 'phrase';
  field: string;
  terms: string[];
  offsets: number[];
  slop: number;
  boost: number;
}

/** Every term of a field starting with `prefix`; each matching document scores `boost`. */
export interface PrefixQueryNode {
  kind: 'prefix';
  field: string;
  prefix: string;
  boost: number;
}

/**
 * Every term of a field matching a wildcard pattern (Lucene's WildcardQuery):
 * `*` any string, `?` one character, `\` makes the next character literal;
 * each matching document scores `boost`.
 */
export interface WildcardQueryNode {
  kind: 'wildcard';
  field: string;
  pattern: string;
  boost: number;
}

/**
 * Every term of a field matching a regular expression in Lucene's RegExp
 * syntax (RegexpQuery; the whole term must match); each matching document
 * scores `boost`.
 */
export interface RegexpQueryNode {
  kind: 'regexp';
  field: string;
  pattern: string;
  boost: number;
}

/**
 * Every term of a field between two bounds in Unicode code point order
 * (Lucene's TermRangeQuery; a null bound is open); each matching document
 * scores `boost`.
 */
export interface TermRangeQueryNode {
  kind: 'range';
  field: string;
  lower: string | null;
  upper: string | null;
  includeLower: boolean;
  includeUpper: boolean;
  boost: number;
}

/** Every document, each scoring `boost` (Lucene's MatchAllDocsQuery, `*:*`). */
export interface AllDocsQueryNode {
  kind: 'all';
  boost: number;
}

/**
 * A document matches when it matches every `must` clause, none of the
 * `mustNot` ones and, if there is no `must` clause, at least one `should`
 * clause; its score is the sum of its matching `must` and `should` clauses.
 */
export interface BooleanQueryNode {
  kind: 'bool';
  must: TextQuery[];
  should: TextQuery[];
  mustNot: TextQuery[];
}

/** A structured text query. */
export type TextQuery =
  | TermQueryNode
  | PhraseQueryNode
  | PrefixQueryNode
  | WildcardQueryNode
  | RegexpQueryNode
  | TermRangeQueryNode
  | AllDocsQueryNode
  | BooleanQueryNode;

/** Every (field, term) a query scores or matches, multi-term parts (prefixes, wildcards, patterns, ranges) aside (for highlighting and explanations). */
export function textQueryTerms(q: TextQuery, out: { field: string; term: string }[] = []): { field: string; term: string }[] {
  if (q.kind === 'term') out.push({ field: q.field, term: q.term });
  else if (q.kind === 'phrase') for (const term of q.terms) out.push({ field: q.field, term });
  else if (q.kind === 'bool') for (const c of [...q.must, ...q.should]) textQueryTerms(c, out);
  return out;
}
