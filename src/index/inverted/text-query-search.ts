/**
 * Document-at-a-time evaluation of structured text queries (text-query.ts),
 * scored as Lucene scores them: BM25 leaves in float, conjunctions and
 * disjunctions summed in double and rounded to float, a required part plus its
 * optional part added in float (ReqOptSumScorer), exclusions without score,
 * constant scores for multi-term parts (prefixes, wildcards, regular
 * expressions, term ranges). Queries of optional clauses are pruned by
 * the clauses' score bounds (MaxScore); others score every matching
 * document. Ties go to the lower document.
 */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { popcount32 } from '../../kernels/popcount.js';
import { QuarryError } from '../../core/quarry-error.js';
import { BOUND_SLACK, bm25Idf, bm25UnitBound } from './bm25.js';
import {
  AllDocsIterator,
  ConjunctionIterator,
  disjunction,
  DocListIterator,
  EMPTY,
  ExclusionIterator,
  PhraseIterator,
  RequiredOptionalIterator,
  TermIterator,
  type DocIterator,
} from './doc-iterators.js';
import type { InvertedField } from './inverted-field.js';
import { maxScoreDisjunction, maxScoreRequiredOptional } from './max-score-clauses.js';
import { PositionsReader } from './positions-reader.js';
import { NO_MORE_DOCS, PostingsCursor } from './postings-cursor.js';
import type { InvertedSegmentView, QueryTerm, TopDocs } from './search-types.js';
import { acceptedTerms, termInRange, termsInRange } from './term-enumeration.js';
import { TooComplexError, type TermAutomaton } from './term-automaton.js';
import { PatternSyntaxError, regexpAutomaton, wildcardAutomaton } from './term-patterns.js';
import type { PrefixQueryNode, RegexpQueryNode, TermQueryNode, TermRangeQueryNode, TextQuery, WildcardQueryNode } from './text-query.js';

const f = Math.fround;

/** What scoring needs from the searcher: collection-wide statistics of a field. */
export interface TextQueryStatistics {
  /** Documents with the field, and the BM25 length-normalization table (undefined: not a text field). */
  scoring(field: string): { docCount: number; normInverse: Float32Array } | undefined;
  /** Documents containing the term, over all segments. */
  docFreq(field: string, term: string): number;
}

/** Query-wide weights (idf uses every segment's statistics), computed before any segment is searched. */
type Weighted =
  | { kind: 'term'; field: string; term: string; weight: number }
  | { kind: 'phrase'; field: string; terms: string[]; offsets: number[]; slop: number; weight: number }
  | { kind: 'terms'; field: string; select: TermSelector; constant: number }
  | { kind: 'all'; constant: number }
  | { kind: 'bool'; must: Weighted[]; should: Weighted[]; mustNot: Weighted[] }
  | { kind: 'none' };

function weigh(q: TextQuery, stats: TextQueryStatistics): Weighted {
  switch (q.kind) {
    case 'term': {
      const sc = stats.scoring(q.field);
      const df = sc === undefined ? 0 : (q.docFreq ?? stats.docFreq(q.field, q.term));
      return df === 0
        ? { kind: 'none' }
        : { kind: 'term', field: q.field, term: q.term, weight: f(f(q.boost) * bm25Idf(df, sc!.docCount)) };
    }
    case 'phrase': {
      const sc = stats.scoring(q.field);
      if (sc === undefined) return { kind: 'none' };
      let idf = 0;
      for (const t of q.terms) {
        const df = stats.docFreq(q.field, t);
        if (df === 0) return { kind: 'none' };
        idf += bm25Idf(df, sc.docCount);
      }
      return { kind: 'phrase', field: q.field, terms: q.terms, offsets: q.offsets, slop: q.slop, weight: f(f(q.boost) * f(idf)) };
    }
    case 'prefix':
    case 'wildcard':
    case 'regexp':
    case 'range':
      return stats.scoring(q.field) === undefined
        ? { kind: 'none' }
        : { kind: 'terms', field: q.field, select: termSelector(q), constant: f(q.boost) };
    case 'all':
      return { kind: 'all', constant: f(q.boost) };
    case 'bool':
      return {
        kind: 'bool',
        must: q.must.map((c) => weigh(c, stats)),
        should: q.should.map((c) => weigh(c, stats)),
        mustNot: q.mustNot.map((c) => weigh(c, stats)),
      };
  }
}

/** Builds the iterator of a weighted query over one segment. */
function iterate(w: Weighted, seg: InvertedSegmentView, stats: TextQueryStatistics): DocIterator {
  switch (w.kind) {
    case 'none':
      return EMPTY;
    case 'term': {
      const fd = seg.fields.get(w.field);
      const t = fd?.termId(w.term) ?? -1;
      if (fd === undefined || t < 0) return EMPTY;
      const c = new PostingsCursor();
      c.reset(fd.data, t);
      return new TermIterator(c, w.weight, fd.data.norms, stats.scoring(w.field)!.normInverse);
    }
    case 'phrase': {
      const fd = seg.fields.get(w.field);
      if (fd === undefined) return EMPTY;
      if (fd.data.positions === undefined) {
        throw new QuarryError(
          'BAD_ARGUMENT',
          `a phrase query needs token positions, and field "${w.field}" has segments written without them`,
          { field: 'text' },
          'set "positions": true on the field (the default) and index the documents again',
        );
      }
      const cursors: PostingsCursor[] = [];
      const readers: PositionsReader[] = [];
      for (const term of w.terms) {
        const t = fd.termId(term);
        if (t < 0) return EMPTY;
        const c = new PostingsCursor();
        c.reset(fd.data, t);
        const r = new PositionsReader(c);
        r.reset(fd.data);
        cursors.push(c);
        readers.push(r);
      }
      return new PhraseIterator(cursors, readers, w.offsets, w.slop, w.terms, w.weight, fd.data.norms, stats.scoring(w.field)!.normInverse);
    }
    case 'terms': {
      const fd = seg.fields.get(w.field);
      if (fd === undefined) return EMPTY;
      const docs = docsOfTerms(fd, w.select);
      return docs.length === 0 ? EMPTY : new DocListIterator(docs, w.constant);
    }
    case 'all':
      return seg.numDocs === 0 ? EMPTY : new AllDocsIterator(seg.numDocs, w.constant);
    case 'bool': {
      const must = w.must.map((c) => iterate(c, seg, stats));
      const should = w.should.map((c) => iterate(c, seg, stats)).filter((it) => it !== EMPTY);
      const mustNot = w.mustNot.map((c) => iterate(c, seg, stats)).filter((it) => it !== EMPTY);
      if (must.includes(EMPTY)) return EMPTY;
      const opt = should.length === 0 ? null : disjunction(should);
      let req: DocIterator | null = must.length === 0 ? null : must.length === 1 ? must[0]! : new ConjunctionIterator(must);
      if (req === null && opt === null) return EMPTY;
      if (req !== null && mustNot.length > 0) req = new ExclusionIterator(req, disjunction(mustNot));
      let it: DocIterator = req === null ? opt! : opt === null ? req : new RequiredOptionalIterator(req, opt);
      if (req === null && mustNot.length > 0) it = new ExclusionIterator(it, disjunction(mustNot));
      return it;
    }
  }
}

/**
 * An upper bound of a weighted query's score in one segment: a term's best
 * block (largest frequency at the shortest length); a phrase's weight (BM25
 * stays below it); a constant-score part's constant (exact); a group's required and optional
 * clauses added up.
 */
function upperBound(w: Weighted, seg: InvertedSegmentView, stats: TextQueryStatistics): number {
  switch (w.kind) {
    case 'none':
      return 0;
    case 'term': {
      const fd = seg.fields.get(w.field);
      const t = fd?.termId(w.term) ?? -1;
      if (fd === undefined || t < 0) return 0;
      return w.weight * bm25UnitBound(fd.data, t, stats.scoring(w.field)!.normInverse);
    }
    case 'phrase':
      return w.weight * BOUND_SLACK;
    case 'terms':
    case 'all':
      // every match scores exactly the constant (and sums of a few floats are exact in double)
      return w.constant;
    case 'bool': {
      let sum = 0;
      for (const c of w.must) sum += upperBound(c, seg, stats);
      for (const c of w.should) sum += upperBound(c, seg, stats);
      return sum * BOUND_SLACK;
    }
  }
}

/**
 * A bound of the required clauses' summed score: one constant-score clause
 * (`*:*`, a prefix, a pattern, a range) scores exactly its constant, so
 * documents matching it alone are known to score no more; otherwise the
 * clauses' bounds added up.
 */
function requiredBound(must: readonly Weighted[], seg: InvertedSegmentView, stats: TextQueryStatistics): number {
  const only = must.length === 1 ? must[0]! : undefined;
  if (only !== undefined && (only.kind === 'all' || only.kind === 'terms')) return only.constant;
  let sum = 0;
  for (const c of must) sum += upperBound(c, seg, stats);
  return sum * BOUND_SLACK;
}

/** The terms a multi-term query takes from one segment's dictionary, as term ids in order. */
type TermSelector = (fd: InvertedField) => ArrayLike<number>;

/** How a multi-term node picks its terms; a pattern's automaton is built once and shared by the segments. */
function termSelector(q: PrefixQueryNode | WildcardQueryNode | RegexpQueryNode | TermRangeQueryNode): TermSelector {
  switch (q.kind) {
    case 'prefix':
      return (fd) => {
        const [from, to] = fd.prefixRange(q.prefix);
        return Uint32Array.from({ length: to - from }, (_, i) => from + i);
      };
    case 'wildcard':
    case 'regexp': {
      const automaton = compileTermPattern(q.kind, q.pattern);
      return (fd) => {
        try {
          return acceptedTerms(fd, automaton);
        } catch (e) {
          // states are built as the dictionary is read, so the limit may be met here
          if (e instanceof TooComplexError) throw tooComplex(q.kind, q.pattern, e);
          throw e;
        }
      };
    }
    case 'range':
      return (fd) => termsInRange(fd, q);
  }
}

/**
 * Whether a term of `field` is one the query searches for (its required and
 * optional parts, not its exclusions): exact terms, and the terms its
 * prefixes, wildcards, regular expressions and ranges match. For highlighting.
 */
export function searchesForTerm(q: TextQuery, field: string): (term: string) => boolean {
  const exact = new Set<string>();
  const tests: ((term: string) => boolean)[] = [];
  const visit = (n: TextQuery): void => {
    if (n.kind === 'bool') {
      for (const c of n.must) visit(c);
      for (const c of n.should) visit(c);
      return;
    }
    if (n.kind === 'all' || n.field !== field) return;
    if (n.kind === 'term') exact.add(n.term);
    else if (n.kind === 'phrase') for (const t of n.terms) exact.add(t);
    else if (n.kind === 'prefix') {
      const prefix = n.prefix;
      tests.push((t) => t.startsWith(prefix));
    } else if (n.kind === 'range') {
      const r = n;
      tests.push((t) => termInRange(t, r));
    } else {
      const a = compileTermPattern(n.kind, n.pattern);
      tests.push((t) => {
        try {
          return a.matches(t);
        } catch (e) {
          if (e instanceof TooComplexError) return false;
          throw e;
        }
      });
    }
  };
  visit(q);
  return (term) => exact.has(term) || tests.some((test) => test(term));
}

/**
 * Automata of recent patterns, least recently used first. An automaton's
 * states are built as terms are read, so a pattern searched again (the next
 * page, explanations, another collection) starts with them built.
 */
const compiledPatterns = new Map<string, TermAutomaton>();
const MAX_COMPILED_PATTERNS = 64;

/**
 * The automaton of a wildcard or regular-expression pattern; a pattern that
 * does not parse or is too complex is a BAD_ARGUMENT naming where and why.
 */
export function compileTermPattern(kind: 'wildcard' | 'regexp', pattern: string, where = 'text'): TermAutomaton {
  const key = `${kind}\u0000${pattern}`;
  const cached = compiledPatterns.get(key);
  if (cached !== undefined) {
    // most recently used last
    compiledPatterns.delete(key);
    compiledPatterns.set(key, cached);
    return cached;
  }
  try {
    const a = kind === 'wildcard' ? wildcardAutomaton(pattern) : regexpAutomaton(pattern);
    // build the start's first step now, so a pattern too complex to start fails here, not mid-search
    a.next(a.start, 0x61);
    compiledPatterns.set(key, a);
    if (compiledPatterns.size > MAX_COMPILED_PATTERNS) compiledPatterns.delete(compiledPatterns.keys().next().value!);
    return a;
  } catch (e) {
    if (e instanceof PatternSyntaxError) {
      throw new QuarryError(
        'BAD_ARGUMENT',
        `regular expression /${pattern}/, character ${e.position + 1}: ${e.message}`,
        { field: where },
        'escape a special character with a backslash: \\. \\* \\( …',
      );
    }
    if (e instanceof TooComplexError) throw tooComplex(kind, pattern, e, where);
    throw e;
  }
}

function tooComplex(kind: string, pattern: string, e: TooComplexError, where = 'text'): QuarryError {
  return new QuarryError(
    'BAD_ARGUMENT',
    `${kind} pattern ${JSON.stringify(pattern)} is too complex: ${e.message}`,
    { field: where },
    'write a simpler pattern',
  );
}

/**
 * Distinct documents of the selected terms, ascending: marked in a bitmap
 * when they are many for the segment (a pattern matching thousands of terms),
 * otherwise gathered and sorted.
 */
function docsOfTerms(fd: InvertedField, select: TermSelector): Uint32Array {
  const terms = select(fd);
  let total = 0;
  for (let i = 0; i < terms.length; i++) total += fd.docFreq(terms[i]!);
  const c = new PostingsCursor();
  const numDocs = fd.data.norms.length;
  if (total >= numDocs >>> 5) {
    const bits = new Uint32Array((numDocs + 31) >>> 5);
    for (let i = 0; i < terms.length; i++) {
      c.reset(fd.data, terms[i]!);
      for (let d = c.doc; d !== NO_MORE_DOCS; d = c.next()) bits[d >>> 5]! |= 1 << (d & 31);
    }
    let count = 0;
    for (let w = 0; w < bits.length; w++) count += popcount32(bits[w]!);
    const out = new Uint32Array(count);
    let m = 0;
    for (let w = 0; w < bits.length; w++) {
      for (let word = bits[w]!; word !== 0; word &= word - 1) out[m++] = (w << 5) + 31 - Math.clz32(word & -word);
    }
    return out;
  }
  const all = new Uint32Array(total);
  let n = 0;
  for (let i = 0; i < terms.length; i++) {
    c.reset(fd.data, terms[i]!);
    for (; c.doc !== NO_MORE_DOCS; c.next()) all[n++] = c.doc;
  }
  all.sort();
  let m = 0;
  for (let i = 0; i < n; i++) if (m === 0 || all[m - 1] !== all[i]) all[m++] = all[i]!;
  return all.subarray(0, m);
}

/** Searches a bag of weighted terms with pruning (Bm25Searcher.search), skipping excluded documents. */
export type TermsSearch = (terms: QueryTerm[], k: number, excluded: readonly (Uint8Array | null)[] | undefined) => TopDocs;

/**
 * A query that is optional terms only, with or without exclusions, is the
 * bag-of-words query MaxScore answers: its terms, the terms boosted 0 (far
 * fuzzy expansions: they match but score 0, so MaxScore would drop them),
 * and the exclusions. Null for any other query.
 */
function asTermDisjunction(q: TextQuery): { terms: QueryTerm[]; zero: TermQueryNode[]; mustNot: TextQuery[] } | null {
  const asTerm = (t: TermQueryNode): QueryTerm => ({
    field: t.field,
    term: t.term,
    boost: t.boost,
    ...(t.docFreq === undefined ? {} : { docFreq: t.docFreq }),
  });
  if (q.kind === 'term') return q.boost === 0 ? { terms: [], zero: [q], mustNot: [] } : { terms: [asTerm(q)], zero: [], mustNot: [] };
  if (q.kind !== 'bool' || q.must.length > 0 || q.should.length === 0) return null;
  const terms: QueryTerm[] = [];
  const zero: TermQueryNode[] = [];
  for (const c of q.should) {
    if (c.kind !== 'term') return null;
    if (c.boost === 0) zero.push(c);
    else terms.push(asTerm(c));
  }
  return { terms, zero, mustNot: q.mustNot };
}

/**
 * One required clause with no optional ones (`+X -y`) matches and scores as
 * that clause made optional (`X -y`): in Lucene both are X's scorer less the
 * exclusions. As optional clauses, a pure disjunction's parts are inlined,
 * so a required fuzzy word or group of words gets the optional-clause pruning.
 */
function requiredAlone(q: TextQuery): TextQuery {
  if (q.kind !== 'bool' || q.must.length !== 1 || q.should.length !== 0) return q;
  const only = q.must[0]!;
  if (only.kind === 'bool' && only.must.length === 0 && only.mustNot.length === 0)
    return { kind: 'bool', must: [], should: only.should, mustNot: q.mustNot };
  return { kind: 'bool', must: [], should: [only], mustNot: q.mustNot };
}

/**
 * Fills a top list that came up short with the documents only score-0 terms
 * match: they rank below every document with a positive score, lower
 * documents first, as Lucene's ties do.
 */
function withZeroScores(
  top: TopDocs,
  zero: TermQueryNode[],
  k: number,
  segments: readonly InvertedSegmentView[],
  stats: TextQueryStatistics,
  skip: readonly (Uint8Array | null)[] | undefined,
): TopDocs {
  const seen = new Set(top.docs);
  const docs = Array.from(top.docs);
  const scores = Array.from(top.scores);
  const weighted = weigh({ kind: 'bool', must: [], should: zero, mustNot: [] }, stats);
  for (let si = 0; si < segments.length && docs.length < k; si++) {
    const seg = segments[si]!;
    const flags = skip === undefined ? (seg.deleted ?? null) : (skip[si] ?? null);
    const it = iterate(weighted, seg, stats);
    for (let d = it.doc; d !== NO_MORE_DOCS && docs.length < k; d = it.next()) {
      if ((flags === null || flags[d] === 0) && !seen.has(seg.base + d)) {
        docs.push(seg.base + d);
        scores.push(0);
      }
    }
  }
  return { docs: Float64Array.from(docs), scores: Float64Array.from(scores) };
}

/** The exact reference: every document the query matches, scored, the best k kept. */
function scoreEveryMatch(
  segments: readonly InvertedSegmentView[],
  stats: TextQueryStatistics,
  query: TextQuery,
  k: number,
  excluded: readonly (Uint8Array | null)[] | undefined,
): TopDocs {
  const heap = new TopKHeap(k);
  const weighted = weigh(query, stats);
  segments.forEach((seg, si) => {
    const skip = excluded === undefined ? (seg.deleted ?? null) : (excluded[si] ?? null);
    const it = iterate(weighted, seg, stats);
    for (let d = it.doc; d !== NO_MORE_DOCS; d = it.next()) if (skip === null || skip[d] === 0) heap.offer(it.score(), seg.base + d);
  });
  return heap.drain();
}

/**
 * The k best documents of a structured query over the segments, skipping
 * each segment's excluded (deleted or filtered-out) documents. Optional terms
 * with exclusions go to `searchTerms` (pruned); optional clauses, and
 * required with optional ones, are pruned by MaxScore over their bounds;
 * anything else is scored document at a time. `exhaustive` scores every
 * match (the reference the pruned paths are tested against).
 */
export function searchTextQuery(
  segments: readonly InvertedSegmentView[],
  stats: TextQueryStatistics,
  query: TextQuery,
  k: number,
  excluded: readonly (Uint8Array | null)[] | undefined,
  searchTerms: TermsSearch,
  exhaustive = false,
): TopDocs {
  if (exhaustive) return scoreEveryMatch(segments, stats, query, k, excluded);
  query = requiredAlone(query);
  const bag = asTermDisjunction(query);
  if (bag !== null) {
    let skip = excluded;
    if (bag.mustNot.length > 0) {
      // Documents an excluded clause matches join the deleted or filtered-out ones.
      const weightedNot = weigh({ kind: 'bool', must: [], should: bag.mustNot, mustNot: [] }, stats);
      skip = segments.map((seg, si) => {
        const base = excluded === undefined ? (seg.deleted ?? null) : (excluded[si] ?? null);
        const out = base === null ? new Uint8Array(seg.numDocs) : base.slice();
        const it = iterate(weightedNot, seg, stats);
        for (let d = it.doc; d !== NO_MORE_DOCS; d = it.next()) out[d] = 1;
        return out;
      });
    }
    const top = bag.terms.length > 0 ? searchTerms(bag.terms, k, skip) : { docs: new Float64Array(0), scores: new Float64Array(0) };
    return top.docs.length >= k || bag.zero.length === 0 ? top : withZeroScores(top, bag.zero, k, segments, stats, skip);
  }
  const heap = new TopKHeap(k);
  const weighted = weigh(query, stats);
  segments.forEach((seg, si) => {
    const skip = excluded === undefined ? (seg.deleted ?? null) : (excluded[si] ?? null);
    const base = seg.base;
    if (weighted.kind === 'bool' && weighted.must.length === 0 && weighted.should.length > 1) {
      // optional clauses alone (phrases, groups, fuzzy words among words): pruned by their score bounds
      const parts = weighted.should.map((c) => iterate(c, seg, stats));
      const bounds = weighted.should.map((c) => upperBound(c, seg, stats));
      const not = weighted.mustNot.map((c) => iterate(c, seg, stats)).filter((it) => it !== EMPTY);
      maxScoreDisjunction(parts, bounds, not.length === 0 ? null : disjunction(not), skip, base, heap);
      return;
    }
    if (weighted.kind === 'bool' && weighted.must.length > 0 && weighted.should.length > 0) {
      // required and optional clauses: optional documents only while the required part cannot compete alone
      const required = iterate({ kind: 'bool', must: weighted.must, should: [], mustNot: weighted.mustNot }, seg, stats);
      if (required === EMPTY) return;
      const should = weighted.should.filter((c) => c.kind !== 'none');
      const parts = should.map((c) => iterate(c, seg, stats));
      const bounds = should.map((c) => upperBound(c, seg, stats));
      maxScoreRequiredOptional(required, requiredBound(weighted.must, seg, stats), parts, bounds, skip, base, heap);
      return;
    }
    // once the k-th best score reaches what any document can score here, the segment is done
    const bound = exactConstant(weighted) ?? upperBound(weighted, seg, stats);
    if (heap.size === heap.k && heap.threshold() >= bound) return;
    const it = iterate(weighted, seg, stats);
    for (let d = it.doc; d !== NO_MORE_DOCS; d = it.next()) {
      if ((skip === null || skip[d] === 0) && heap.offer(it.score(), base + d) && heap.size === heap.k && heap.threshold() >= bound) return;
    }
  });
  return heap.drain();
}

/**
 * The one score every match of a constant-score query gets (`*:*`, a
 * prefix, a pattern or a range alone, with or without exclusions), so its
 * bound is exact: once k documents have it, no later one can enter (ties go
 * to the lower document). Undefined for other queries.
 */
function exactConstant(w: Weighted): number | undefined {
  if (w.kind === 'all' || w.kind === 'terms') return w.constant;
  if (w.kind === 'bool' && w.must.length + w.should.length === 1) return exactConstant(w.must[0] ?? w.should[0]!);
  return undefined;
}
