/**
 * Highlights for a query spec's hits: each stored property that feeds one of the spec's
 * text legs, with the words of the query marked as its field's analyzer sees them (a
 * Lucene-syntax leg marks the terms it searches for, not the excluded ones).
 */
import { searchesForTerm } from '../../index/inverted/index.js';
import { highlight, queryTermSet, type HighlightFragment, type HighlightTerms } from '../../search/highlight.js';
import { legFieldNames, type QuerySpec } from '../../search/query-spec.js';
import type { Analyzer } from '../../text/analyzer.js';
import { sourcesOf, textFields, type CollectionSchema } from '../schema.js';
import type { TextRetrieval } from './text-retrieval.js';

/** Longest highlighted excerpt, in words, of a long stored property. */
const EXCERPT_WORDS = 60;

/** Highlights of one hit, by stored property. */
export type Highlights = Record<string, HighlightFragment[]>;

interface HighlightTarget {
  prop: string;
  analyzer: Analyzer;
  terms: HighlightTerms;
}

/**
 * A function that highlights a hit's stored properties for `spec` (the targets and the
 * query's terms are worked out once, here, not per hit).
 */
export function specHighlighter(
  schema: CollectionSchema,
  text: TextRetrieval,
  spec: QuerySpec,
): (stored: Record<string, unknown>) => Highlights {
  const fields = new Map(textFields(schema));
  const targets: HighlightTarget[] = [];
  for (const leg of spec.retrieve) {
    if (leg.text === undefined) continue;
    for (const name of legFieldNames(leg)) {
      const field = fields.get(name);
      const analyzer = text.analyzers.get(name);
      if (field === undefined || analyzer === undefined) continue;
      const structured = leg.syntax === 'lucene' ? text.textQuery(leg.text, [name]) : undefined;
      let terms: HighlightTerms;
      if (structured === undefined) terms = queryTermSet(leg.text, analyzer);
      else if (structured === null) terms = new Set<string>();
      else terms = { size: 1, has: searchesForTerm(structured, name) };
      // the first leg naming a property wins
      for (const prop of sourcesOf(name, field)) if (!targets.some((t) => t.prop === prop)) targets.push({ prop, analyzer, terms });
    }
  }
  return (stored) => {
    const out: Highlights = {};
    for (const t of targets) {
      const v = stored[t.prop];
      if (typeof v === 'string') out[t.prop] = highlight(v, t.analyzer, t.terms, { maxWords: EXCERPT_WORDS });
    }
    return out;
  };
}
