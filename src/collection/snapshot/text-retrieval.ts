/**
 * BM25 over a snapshot's text fields: bag-of-words queries (Anserini's), Lucene's
 * classic syntax compiled into structured queries, RM3 expansion, and explanations.
 */
import {
  Bm25Searcher,
  compileTermPattern,
  textQueryTerms,
  type QueryTerm,
  type SearchMode,
  type TextQuery,
  type TopDocs,
} from '../../index/inverted/index.js';
import { QuarryError } from '../../core/quarry-error.js';
import { parseQuerySyntax } from '../../search/query-syntax.js';
import { compileTextQuery, describeTextQuery } from '../../search/text-query-compiler.js';
import { rm3Expand, type Rm3Params } from '../../search/rm3.js';
import type { Analyzer } from '../../text/analyzer.js';
import { textFields, type CollectionSchema, type TextFieldSpec } from '../schema.js';
import type { SegmentFilter, SegmentSet } from './segment-set.js';
import type { TextSearchOptions } from './search-options.js';

/** Checks a search mode. */
export function checkSearchMode(mode: unknown): asserts mode is SearchMode {
  if (mode !== 'auto' && mode !== 'pruned' && mode !== 'exhaustive')
    throw new QuarryError('BAD_ARGUMENT', `mode must be "auto", "pruned" or "exhaustive", not ${JSON.stringify(mode)}`, { field: 'mode' });
}

/** A snapshot's BM25 retrieval. */
export class TextRetrieval {
  private readonly searcher: Bm25Searcher;
  /** The last Lucene-syntax query compiled: explaining each hit and highlighting compile the same text again. */
  private lastTextQuery: { key: string; query: TextQuery | null } | undefined;

  constructor(
    private readonly schema: CollectionSchema,
    readonly analyzers: ReadonlyMap<string, Analyzer>,
    private readonly set: SegmentSet,
  ) {
    const params = new Map(textFields(schema).map(([name, spec]) => [name, { k1: spec.k1, b: spec.b }]));
    this.searcher = new Bm25Searcher(
      set.segments.map((s, i) => ({ base: set.bases[i]!, numDocs: s.numDocs, fields: s.fields, deleted: s.deleted })),
      params,
    );
  }

  /** Text fields with boosts: the ones given (by name, or name to boost), or every text field with boost 1. */
  fieldBoosts(fields: TextSearchOptions['fields']): Map<string, number> {
    const text = new Set(textFields(this.schema).map(([n]) => n));
    const out = new Map<string, number>();
    const entries: [string, number][] =
      fields === undefined
        ? [...text].map((n) => [n, 1])
        : Array.isArray(fields)
          ? (fields as string[]).map((n) => [n, 1])
          : Object.entries(fields);
    for (const [name, boost] of entries) {
      if (!text.has(name)) {
        throw new QuarryError('BAD_ARGUMENT', `"${name}" is not a text field`, { field: 'fields' }, `text fields: ${[...text].join(', ')}`);
      }
      if (!(boost > 0)) throw new QuarryError('BAD_ARGUMENT', `boost of "${name}" must be positive`, { field: 'fields' });
      out.set(name, boost);
    }
    return out;
  }

  /** Query text as weighted terms: one per distinct analyzed token per field, boosted by its count times the field boost. */
  queryTerms(text: string, fields?: TextSearchOptions['fields']): QueryTerm[] {
    const boosts = this.fieldBoosts(fields);
    const terms: QueryTerm[] = [];
    for (const [field, boost] of boosts) {
      const counts = new Map<string, number>();
      this.analyzers.get(field)!.forEachTerm(text, (t) => counts.set(t, (counts.get(t) ?? 0) + 1));
      for (const [term, c] of counts) terms.push({ field, term, boost: c * boost });
    }
    return terms;
  }

  /** Query text in Lucene's classic syntax, analyzed for these fields; null when only stopwords are left. */
  textQuery(text: string, fields?: TextSearchOptions['fields']): TextQuery | null {
    const boosts = this.fieldBoosts(fields);
    const key = `${text}\u0000${JSON.stringify([...boosts])}`;
    if (this.lastTextQuery?.key === key) return this.lastTextQuery.query;
    const query = compileTextQuery(parseQuerySyntax(text), {
      analyzers: this.analyzers,
      defaultFields: boosts,
      fuzzyTerms: (field, word, maxEdits) => this.searcher.fuzzyTerms(field, word, maxEdits),
    });
    this.lastTextQuery = { key, query };
    return query;
  }

  /** Top k of a bag of terms; `allow` restricts each segment's rows. */
  searchTerms(terms: readonly QueryTerm[], k: number, mode: SearchMode, allow: SegmentFilter = null): TopDocs {
    return this.searcher.search(terms, k, mode, this.excluded(allow));
  }

  /** Top k of a structured query; `allow` restricts each segment's rows. */
  searchQuery(query: TextQuery, k: number, mode: SearchMode = 'auto', allow: SegmentFilter = null): TopDocs {
    return this.searcher.searchQuery(query, k, this.excluded(allow), mode);
  }

  /** Top k of query text read as `syntax` on these fields. */
  searchText(
    text: string,
    fields: TextSearchOptions['fields'],
    syntax: 'terms' | 'lucene',
    k: number,
    mode: SearchMode,
    allow: SegmentFilter,
  ): TopDocs {
    if (syntax === 'lucene') {
      const q = this.textQuery(text, fields);
      return q === null ? { docs: new Float64Array(0), scores: new Float64Array(0) } : this.searchQuery(q, k, mode, allow);
    }
    return this.searchTerms(this.queryTerms(text, fields), k, mode, allow);
  }

  /**
   * RM3's expanded query on one text field: the original terms and the feedback
   * terms of the top `fbDocs` documents, re-analyzed from their stored text.
   */
  rm3Terms(text: string, field: string, p: Rm3Params, allow: SegmentFilter = null): QueryTerm[] {
    const spec = this.schema.fields[field] as TextFieldSpec;
    const analyzer = this.analyzers.get(field)!;
    const first = this.set.hitsOf(this.searchTerms(this.queryTerms(text, [field]), p.fbDocs, 'auto', allow), false);
    const sources = spec.from ?? [field];
    const feedback = first.map((h) => {
      const stored = this.set.stored(h.doc);
      const body = sources.map((s) => (typeof stored[s] === 'string' ? (stored[s] as string) : '')).join(spec.join);
      return { terms: analyzer.analyze(body), score: h.score };
    });
    const expanded = rm3Expand(analyzer.analyze(text), feedback, (t) => this.searcher.docFreq(field, t), this.set.allDocs, p);
    return [...expanded].map(([term, boost]) => ({ field, term, boost }));
  }

  /** What a text leg's terms contribute to one document's score (and, for Lucene syntax, the query as Lucene prints it). */
  explain(fields: TextSearchOptions['fields'], text: string, doc: number, syntax: 'terms' | 'lucene' | undefined) {
    const [seg, local] = this.set.locate(doc);
    const segment = this.set.segments.indexOf(seg);
    if (syntax === 'lucene') {
      const q = this.textQuery(text, fields);
      if (q === null) return { query: '' };
      const terms = textQueryTerms(q).map((t) => ({ field: t.field, term: t.term, boost: 1 }));
      return { query: describeTextQuery(q), terms: this.searcher.explain(terms, segment, local) };
    }
    return { terms: this.searcher.explain(this.queryTerms(text, fields), segment, local) };
  }

  /**
   * Checks a structured query built in code: node kinds, text fields, boosts,
   * patterns, ranges and phrases, naming the node's path.
   */
  checkTextQuery(q: TextQuery, path: string): void {
    const bad = (what: string): never => {
      throw new QuarryError('BAD_ARGUMENT', what, { field: path });
    };
    if (q === null || typeof q !== 'object') bad('a query node must be an object');
    if (q.kind === 'bool') {
      for (const occur of ['must', 'should', 'mustNot'] as const) {
        if (!Array.isArray(q[occur])) bad(`"${occur}" must be an array of query nodes`);
        q[occur].forEach((c, i) => this.checkTextQuery(c, `${path}.${occur}[${i}]`));
      }
      return;
    }
    if (q.kind === 'all') {
      if (!(q.boost >= 0)) bad('boost must be a number >= 0');
      return;
    }
    const kinds = ['term', 'phrase', 'prefix', 'wildcard', 'regexp', 'range'];
    if (!kinds.includes(q.kind))
      bad(`kind must be ${kinds.map((k) => `"${k}"`).join(', ')}, "all" or "bool", not ${JSON.stringify((q as { kind: unknown }).kind)}`);
    if (!this.analyzers.has(q.field)) bad(`"${q.field}" is not a text field (text fields: ${[...this.analyzers.keys()].join(', ')})`);
    if (!(q.boost >= 0)) bad('boost must be a number >= 0');
    if (q.kind === 'wildcard' || q.kind === 'regexp') {
      if (typeof q.pattern !== 'string') bad('pattern must be a string');
      compileTermPattern(q.kind, q.pattern, path);
    }
    if (q.kind === 'range') {
      for (const b of ['lower', 'upper'] as const)
        if (q[b] !== null && typeof q[b] !== 'string') bad(`${b} must be a string or null (open)`);
      if (typeof q.includeLower !== 'boolean' || typeof q.includeUpper !== 'boolean')
        bad('includeLower and includeUpper must be true or false');
    }
    if (q.kind === 'phrase') {
      if (!Array.isArray(q.terms) || q.terms.length === 0 || !Array.isArray(q.offsets) || q.offsets.length !== q.terms.length)
        bad('a phrase needs terms and as many offsets');
      if (!Number.isInteger(q.slop) || q.slop < 0) bad('slop must be a whole number >= 0');
    }
  }

  /** Each segment's flags of rows to skip, or undefined when nothing is filtered (the searcher skips deleted rows itself). */
  private excluded(allow: SegmentFilter): (Uint8Array | null)[] | undefined {
    return allow === null ? undefined : this.set.segments.map((_, i) => this.set.exclusion(i, allow));
  }
}
