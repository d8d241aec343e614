/**
 * Turns parsed query syntax into a structured text query the way Lucene's
 * classic QueryParser and BooleanQuery.rewrite do: words are analyzed by
 * their field's analyzer (one term: a term query; several: a disjunction of
 * them), quoted text becomes a phrase at the analyzer's positions, `word*` a
 * prefix of the lower-cased word, wildcards, regular expressions and range
 * bounds are lower-cased as Lucene's Analyzer.normalize does (a wildcard's
 * escaped characters kept as written), `word~` the terms within its edits of the
 * lower-cased word (FuzzyQuery: a disjunction of up to 50 terms with blended
 * frequencies); with several default fields each part is a
 * disjunction over them (MultiFieldQueryParser); repeated clauses of a group
 * merge by adding their boosts, a group of one clause is that clause, and
 * optional groups of optional clauses are inlined into their parent.
 */
import { QuarryError } from '../core/quarry-error.js';
import type { TextQuery } from '../index/inverted/text-query.js';
import type { FuzzyExpansion } from '../index/inverted/fuzzy-terms.js';
import type { Analyzer } from '../text/analyzer.js';
import type { ClauseSyntax, Occur, QuerySyntax } from './query-syntax.js';

const f = Math.fround;

/** Where unfielded parts search, and how each field's terms are analyzed. */
export interface TextQueryTarget {
  /** Analyzers of every text field a part may name. */
  analyzers: ReadonlyMap<string, Analyzer>;
  /** Fields searched by parts that name none, with their boosts. */
  defaultFields: ReadonlyMap<string, number>;
  /** The index's expansions of a fuzzy word (needed only by queries with `word~`). */
  fuzzyTerms?: (field: string, text: string, maxEdits: number) => FuzzyExpansion[];
}

/** Lucene's FuzzyQuery.floatToEdits: whole values are edits (at most 2), values below 1 a similarity. */
export function fuzzyEdits(value: number, codePoints: number): number {
  if (value >= 1) return Math.min(Math.trunc(value), 2);
  if (value === 0) return 0;
  return Math.min(Math.trunc((1 - value) * codePoints), 2);
}

/** A Lucene-shaped query before boosts are pushed down to the leaves. */
type Built =
  | { kind: 'term'; field: string; term: string; docFreq?: number }
  | { kind: 'phrase'; field: string; terms: string[]; offsets: number[]; slop: number }
  | { kind: 'prefix'; field: string; prefix: string }
  | { kind: 'wildcard'; field: string; pattern: string }
  | { kind: 'regexp'; field: string; pattern: string }
  | { kind: 'range'; field: string; lower: string | null; upper: string | null; includeLower: boolean; includeUpper: boolean }
  | { kind: 'all' }
  | { kind: 'bool'; clauses: { occur: Occur; q: Built }[] }
  | { kind: 'boost'; q: Built; boost: number };

/**
 * Compiles parsed clauses into a structured query, or null when nothing is
 * left to search (every word was a stopword).
 */
export function compileTextQuery(clauses: readonly ClauseSyntax[], target: TextQueryTarget): TextQuery | null {
  if (clauses.length > 0 && clauses.every((c) => c.occur === 'mustNot')) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      'query syntax: a query of excluded clauses alone matches nothing',
      { field: 'text' },
      'add what to look for: "cats -dogs", or "*:* -dogs" for everything else',
    );
  }
  const top = group(clauses, undefined, target);
  // what was left after stopwords may be exclusions alone ("+the -dogs"): nothing to look for
  if (top === null || (top.kind === 'bool' && top.clauses.every((c) => c.occur === 'mustNot'))) return null;
  return lower(rewrite(top), 1);
}

function group(clauses: readonly ClauseSyntax[], field: string | undefined, target: TextQueryTarget): Built | null {
  const out: { occur: Occur; q: Built }[] = [];
  for (const c of clauses) {
    const q = part(c.query, field, target);
    if (q !== null) out.push({ occur: c.occur, q });
  }
  return out.length === 0 ? null : { kind: 'bool', clauses: out };
}

function part(s: QuerySyntax, inherited: string | undefined, target: TextQueryTarget): Built | null {
  if (s.kind === 'all') return s.boost === 1 ? { kind: 'all' } : { kind: 'boost', q: { kind: 'all' }, boost: s.boost };
  const field = s.field ?? inherited;
  if (s.field !== undefined && !target.analyzers.has(s.field)) {
    const names = [...target.analyzers.keys()];
    throw new QuarryError(
      'BAD_ARGUMENT',
      `query syntax: "${s.field}" is not a text field of this collection`,
      { field: 'text' },
      names.length > 0 ? `text fields: ${names.join(', ')}` : 'the collection has no text fields',
    );
  }
  let q: Built | null;
  if (s.kind === 'group') q = group(s.clauses, field, target);
  else if (field !== undefined) q = fieldQuery(s, field, target.analyzers.get(field)!, target);
  else {
    // MultiFieldQueryParser: the part in each default field, any of them may match.
    const alternatives: { occur: Occur; q: Built }[] = [];
    for (const [name, boost] of target.defaultFields) {
      const one = fieldQuery(s, name, target.analyzers.get(name)!, target);
      if (one !== null) alternatives.push({ occur: 'should', q: boost === 1 ? one : { kind: 'boost', q: one, boost } });
    }
    q =
      alternatives.length === 0
        ? null
        : alternatives.length === 1 && target.defaultFields.size === 1
          ? alternatives[0]!.q
          : { kind: 'bool', clauses: alternatives };
  }
  return q === null || s.boost === 1 ? q : { kind: 'boost', q, boost: s.boost };
}

function fieldQuery(
  s: Exclude<QuerySyntax, { kind: 'group' | 'all' }>,
  field: string,
  analyzer: Analyzer,
  target: TextQueryTarget,
): Built | null {
  const normalize = (text: string): string => (analyzer.config.lowercase ? text.toLowerCase() : text);
  if (s.kind === 'word' && s.prefix) return { kind: 'prefix', field, prefix: normalize(s.text) };
  // Lucene's analyzeWildcard: text between wildcards is normalized; wildcards and escaped characters are kept as written
  if (s.kind === 'wildcard')
    return {
      kind: 'wildcard',
      field,
      pattern: s.pattern.replace(/(\\[\s\S])|([?*]+)|([^\\?*]+)/g, (m, esc, wild) => (esc ?? wild ?? normalize(m)) as string),
    };
  if (s.kind === 'regexp') return { kind: 'regexp', field, pattern: normalize(s.pattern) };
  if (s.kind === 'range') {
    return {
      kind: 'range',
      field,
      lower: s.lower === null ? null : normalize(s.lower),
      upper: s.upper === null ? null : normalize(s.upper),
      includeLower: s.includeLower,
      includeUpper: s.includeUpper,
    };
  }
  if (s.kind === 'word' && s.fuzzy !== undefined) {
    if (target.fuzzyTerms === undefined) throw new Error("fuzzy words need the index's terms: give fuzzyTerms");
    const text = analyzer.config.lowercase ? s.text.toLowerCase() : s.text;
    const expansions = target.fuzzyTerms(field, text, fuzzyEdits(s.fuzzy, [...text].length));
    // no expansion: a query that matches nothing (an empty group), as Lucene's empty BooleanQuery
    return {
      kind: 'bool',
      clauses: expansions.map((e) => {
        const term: Built = { kind: 'term', field, term: e.term, docFreq: e.docFreq };
        return { occur: 'should' as const, q: e.boost === 1 ? term : { kind: 'boost' as const, q: term, boost: e.boost } };
      }),
    };
  }
  const terms: string[] = [];
  const positions: number[] = [];
  analyzer.forEachTerm(s.text, (term, position) => {
    terms.push(term);
    positions.push(position);
  });
  if (terms.length === 0) return null;
  if (terms.length === 1) return { kind: 'term', field, term: terms[0]! };
  if (s.kind === 'phrase') return { kind: 'phrase', field, terms, offsets: positions, slop: s.slop };
  // An unquoted word that analyzes into several terms ("wi-fi"): any of them (Lucene's default OR).
  return { kind: 'bool', clauses: terms.map((term) => ({ occur: 'should' as const, q: { kind: 'term' as const, field, term } })) };
}

/**
 * BooleanQuery.rewrite, to its fixed point: children first; a single
 * required or optional clause stands alone; repeats add up their boosts; an
 * optional clause that is itself a pure disjunction is replaced by its clauses.
 */
function rewrite(q: Built): Built {
  if (q.kind === 'boost') return { kind: 'boost', q: rewrite(q.q), boost: q.boost };
  if (q.kind !== 'bool') return q;
  let clauses = q.clauses.map((c) => ({ occur: c.occur, q: rewrite(c.q) }));
  for (;;) {
    if (clauses.length === 1 && clauses[0]!.occur !== 'mustNot') return clauses[0]!.q;
    const before = clauses;
    for (const occur of ['should', 'must'] as const) clauses = mergeRepeats(clauses, occur);
    if (clauses === before) clauses = inlineDisjunctions(clauses);
    if (clauses === before) return { kind: 'bool', clauses };
  }
}

function inlineDisjunctions(clauses: { occur: Occur; q: Built }[]): { occur: Occur; q: Built }[] {
  const pure = (q: Built): q is Extract<Built, { kind: 'bool' }> => q.kind === 'bool' && q.clauses.every((c) => c.occur === 'should');
  if (!clauses.some((c) => c.occur === 'should' && pure(c.q))) return clauses;
  return clauses.flatMap((c) => (c.occur === 'should' && pure(c.q) ? c.q.clauses : [c]));
}

function mergeRepeats(clauses: { occur: Occur; q: Built }[], occur: Occur): { occur: Occur; q: Built }[] {
  let of = 0;
  for (const c of clauses) if (c.occur === occur) of++;
  if (of < 2) return clauses;
  const boosts = new Map<string, { q: Built; boost: number }>();
  let count = 0;
  for (const c of clauses) {
    if (c.occur !== occur) continue;
    count++;
    let boost = 1;
    let inner = c.q;
    while (inner.kind === 'boost') {
      boost *= inner.boost;
      inner = inner.q;
    }
    const key = clauseKey(inner);
    const seen = boosts.get(key);
    if (seen === undefined) boosts.set(key, { q: inner, boost });
    else seen.boost += boost;
  }
  if (boosts.size === count) return clauses;
  const merged: { occur: Occur; q: Built }[] = [];
  for (const { q, boost } of boosts.values()) merged.push({ occur, q: f(boost) === 1 ? q : { kind: 'boost', q, boost: f(boost) } });
  for (const c of clauses) if (c.occur !== occur) merged.push(c);
  return merged;
}

/**
 * What makes two clauses the same query (Lucene's Query.equals). A term's
 * statistics are not part of it: a term two fuzzy words both expand to is
 * one clause, keeping the blended frequency of its first occurrence. Terms,
 * the most common clauses, get a short key instead of their JSON.
 */
function clauseKey(q: Built): string {
  if (q.kind === 'term') return `t\u0000${q.field}\u0000${q.term}`;
  return JSON.stringify(q, (k, v: unknown) => (k === 'docFreq' ? undefined : v));
}

/** Pushes boosts down to the leaves, multiplying in float from the outside in (as Lucene's weights do). */
function lower(q: Built, boost: number): TextQuery {
  switch (q.kind) {
    case 'boost':
      return lower(q.q, f(boost * q.boost));
    case 'term':
      return { kind: 'term', field: q.field, term: q.term, boost, ...(q.docFreq === undefined ? {} : { docFreq: q.docFreq }) };
    case 'phrase':
      return { kind: 'phrase', field: q.field, terms: q.terms, offsets: q.offsets, slop: q.slop, boost };
    case 'prefix':
      return { kind: 'prefix', field: q.field, prefix: q.prefix, boost };
    case 'wildcard':
    case 'regexp':
      return { kind: q.kind, field: q.field, pattern: q.pattern, boost };
    case 'range':
      return {
        kind: 'range',
        field: q.field,
        lower: q.lower,
        upper: q.upper,
        includeLower: q.includeLower,
        includeUpper: q.includeUpper,
        boost,
      };
    case 'all':
      return { kind: 'all', boost };
    case 'bool': {
      const out: TextQuery = { kind: 'bool', must: [], should: [], mustNot: [] };
      for (const c of q.clauses) out[c.occur].push(lower(c.q, boost));
      return out;
    }
  }
}

/** Lucene's way of printing a query (`+contents:cat contents:"black dog"~2 -contents:mous*`), for explanations. */
export function describeTextQuery(q: TextQuery): string {
  const boosted = (s: string, b: number): string => (b === 1 ? s : `${s}^${b}`);
  switch (q.kind) {
    case 'term':
      return boosted(`${q.field}:${q.term}`, q.boost);
    case 'phrase':
      return boosted(`${q.field}:"${q.terms.join(' ')}"${q.slop > 0 ? `~${q.slop}` : ''}`, q.boost);
    case 'prefix':
      return boosted(`${q.field}:${q.prefix}*`, q.boost);
    case 'wildcard':
      return boosted(`${q.field}:${q.pattern}`, q.boost);
    case 'regexp':
      return boosted(`${q.field}:/${q.pattern}/`, q.boost);
    case 'range': {
      const bound = (b: string | null): string => (b === null ? '*' : b === '*' ? '\\*' : b);
      return boosted(
        `${q.field}:${q.includeLower ? '[' : '{'}${bound(q.lower)} TO ${bound(q.upper)}${q.includeUpper ? ']' : '}'}`,
        q.boost,
      );
    }
    case 'all':
      return boosted('*:*', q.boost);
    case 'bool': {
      const parts = [...q.must.map((c) => `+${wrap(c)}`), ...q.should.map(wrap), ...q.mustNot.map((c) => `-${wrap(c)}`)];
      return parts.join(' ');
    }
  }
}

function wrap(q: TextQuery): string {
  return q.kind === 'bool' ? `(${describeTextQuery(q)})` : describeTextQuery(q);
}
