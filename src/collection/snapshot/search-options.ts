/** The options and results of a snapshot's typed search methods. */
import type { SearchMode } from '../../index/inverted/index.js';

/** How query text is read: a bag of words, or Lucene's classic query syntax. */
export type TextSyntax = 'terms' | 'lucene';

/** Options of a text search. */
export interface TextSearchOptions {
  /** Number of results (default 10). */
  k?: number;
  /** Text fields to search, with optional boosts (default: every text field, boost 1). */
  fields?: readonly string[] | Readonly<Record<string, number>>;
  /** `auto` (default), `pruned` or `exhaustive`; all return the same results. */
  mode?: SearchMode;
  /** Include stored properties in each hit (default true). */
  includeStored?: boolean;
  /**
   * `terms` (default): the text is a bag of words, as Anserini searches.
   * `lucene`: Lucene's classic query syntax: "phrases", +required, -excluded,
   * AND/OR/NOT, (groups), field:word, prefix*, wild?card*, /regexp/, [a TO b], fuzzy~, ^boosts (see search/query-syntax.ts).
   */
  syntax?: TextSyntax;
}

/** Options of a dense, sparse or multi-vector search. */
export interface VectorSearchOptions {
  k?: number;
  /** Search parameters of the field's index family (e.g. { efSearch: 128 }). */
  params?: Readonly<Record<string, number>>;
  includeStored?: boolean;
  /**
   * Dense fields: the name of a drift adapter saved with the collection
   * (`quarry adapter`); the vector is a newer model's and is mapped into the
   * field's space first.
   */
  adapter?: string;
}

/**
 * One search result. `D` is the collection's document type (see `Collection.create<D>`):
 * `stored` holds the properties the schema stores, so a partial document.
 */
export interface Hit<D extends object = Record<string, unknown>> {
  /** External document id. */
  id: string;
  /** BM25 score (float32 value, as Lucene computes it). */
  score: number;
  /** Global document number in this snapshot. */
  doc: number;
  /** Stored properties, when requested. */
  stored?: Partial<D>;
}
