/**
 * Parser of Lucene's classic query syntax (the QueryParser most Lucene,
 * Solr and Elasticsearch users know), with the default operator OR:
 * `word`, `"a phrase"`, `"a phrase"~2`, `prefix*`, `fuzzy~`, `fuzzy~1`, `field:word`,
 * `field:(a b)`, `+required`, `-excluded`, `!excluded`, `NOT x`,
 * `a AND b`, `a OR b`, `&&`, `||`, `(groups)`, `^boost`, `*:*` (every document)
 * and backslash escapes.
 * AND and NOT combine clauses as Lucene does: `a AND b` requires both,
 * `a NOT b` excludes b. Text is not analyzed here (see text-query-compiler.ts).
 */
import { QuarryError } from '../io/quarry-error.js';

/** How a clause takes part in its group. */
export type Occur = 'must' | 'should' | 'mustNot';

/** A word (analyzed into terms later), or with a trailing `*` a prefix. */
export interface WordSyntax {
  kind: 'word';
  field?: string;
  text: string;
  prefix: boolean;
  /** With `~`: Lucene's fuzzy value (2 when none is given): whole edits, or a similarity below 1. */
  fuzzy?: number;
  boost: number;
}

/** A quoted phrase with its slop (0 unless `~n` follows). */
export interface PhraseSyntax {
  kind: 'phrase';
  field?: string;
  text: string;
  slop: number;
  boost: number;
}

/** `*:*`: every document, scoring its boost (Lucene's MatchAllDocsQuery). */
export interface AllSyntax {
  kind: 'all';
  boost: number;
}

/** A parenthesized group of clauses; its field applies to the clauses that name none. */
export interface GroupSyntax {
  kind: 'group';
  field?: string;
  clauses: ClauseSyntax[];
  boost: number;
}

/** One parsed part of a query. */
export type QuerySyntax = WordSyntax | PhraseSyntax | GroupSyntax | AllSyntax;

/** A part and how it takes part. */
export interface ClauseSyntax {
  occur: Occur;
  query: QuerySyntax;
}

/** Groups may nest this deep (a guard for the recursive parser and compiler). */
export const MAX_GROUP_DEPTH = 64;
/** Clauses per group, as Lucene's default BooleanQuery.maxClauseCount. */
export const MAX_CLAUSES = 1024;

/** Characters that end a word unless escaped with a backslash. */
const SPECIAL = new Set([' ', '\t', '\n', '\r', '\u3000', '(', ')', ':', '^', '"', '~', '[', ']', '{', '}', '\\', '*', '?']);

function fail(column: number, message: string, hint?: string): never {
  throw new QuarryError('BAD_ARGUMENT', `query syntax, column ${column}: ${message}`, { field: 'text' }, hint);
}

/** Parses a query; errors name the column (1-based) and how to write it instead. */
export function parseQuerySyntax(text: string): ClauseSyntax[] {
  return new Parser(text).clauses(false);
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  /** Clauses up to the end (or, inside a group, up to its closing parenthesis). */
  clauses(inGroup: boolean): ClauseSyntax[] {
    const out: ClauseSyntax[] = [];
    if (inGroup && ++this.depth > MAX_GROUP_DEPTH) fail(this.at, `groups nest more than ${MAX_GROUP_DEPTH} deep`);
    let first = true;
    for (;;) {
      this.skipSpace();
      if (this.at >= this.s.length) {
        if (inGroup) fail(this.at + 1, 'a "(" is not closed', 'add ")" or escape the "(" as "\\("');
        break;
      }
      if (this.s[this.at] === ')') {
        if (!inGroup) fail(this.at + 1, 'this ")" closes nothing', 'remove it or escape it as "\\)"');
        break;
      }
      let conj: 'and' | 'or' | null = null;
      if (!first) {
        const c = this.conjunction();
        if (c !== null) {
          conj = c;
          this.skipSpace();
          if (this.at >= this.s.length || this.s[this.at] === ')') fail(this.at + 1, `${c.toUpperCase()} needs a clause after it`);
        }
      }
      let occur: Occur = 'should';
      const ch = this.s[this.at];
      if (ch === '+') {
        occur = 'must';
        this.at++;
      } else if (ch === '-' || ch === '!') {
        occur = 'mustNot';
        this.at++;
      } else if (this.keyword('NOT')) {
        occur = 'mustNot';
        this.skipSpace();
      }
      if (occur !== 'should' && (this.at >= this.s.length || /\s/.test(this.s[this.at]!))) {
        fail(this.at, `"${occur === 'must' ? '+' : '-'}" must be followed by a clause, without a space`, 'escape it (\\+, \\-) to search for it');
      }
      const query = this.clause();
      // Lucene's addClause with the OR default: AND makes the previous clause required (unless excluded) and this one too.
      if (conj === 'and') {
        const prev = out[out.length - 1];
        if (prev !== undefined && prev.occur === 'should') prev.occur = 'must';
        if (occur === 'should') occur = 'must';
      }
      out.push({ occur, query });
      if (out.length > MAX_CLAUSES) fail(this.at, `more than ${MAX_CLAUSES} clauses in one group`, 'split the query, or search it as words with syntax "terms"');
      first = false;
    }
    if (inGroup) this.depth--;
    return out;
  }

  private clause(): QuerySyntax {
    let field: string | undefined;
    const start = this.at;
    if (this.s.startsWith('*:*', this.at) && (this.at + 3 >= this.s.length || /[\s)^]/.test(this.s[this.at + 3]!))) {
      this.at += 3;
      return this.boosted({ kind: 'all', boost: 1 }, start);
    }
    if (this.s[this.at] !== '"' && this.s[this.at] !== '(') {
      const word = this.word();
      if (this.s[this.at] === ':') {
        if (word.text.length === 0) fail(start + 1, 'a field name is missing before ":"');
        if (word.prefix || word.fuzzy !== undefined) fail(start + 1, `"${this.s.slice(start, this.at)}" is not a field name`);
        field = word.text;
        this.at++;
        if (this.at >= this.s.length || /\s/.test(this.s[this.at]!)) fail(this.at + 1, `"${field}:" must be followed by what to search in it`, 'escape the colon as "\\:" to search for it');
      } else {
        if (word.text.length === 0) fail(start + 1, `"${this.s[start] ?? ''}" cannot start a clause`, 'escape it with a backslash');
        return this.boosted({ kind: 'word', text: word.text, prefix: word.prefix, ...(word.fuzzy === undefined ? {} : { fuzzy: word.fuzzy }), boost: 1 }, start);
      }
    }
    const ch = this.s[this.at];
    if (ch === '"') return this.boosted(this.phrase(field), start);
    if (ch === '(') {
      this.at++;
      const clauses = this.clauses(true);
      this.at++; // ")"
      return this.boosted({ kind: 'group', ...(field === undefined ? {} : { field }), clauses, boost: 1 }, start);
    }
    const wordStart = this.at;
    const word = this.word();
    if (word.text.length === 0) fail(wordStart + 1, `"${this.s[wordStart] ?? ''}" cannot start a clause`, 'escape it with a backslash');
    return this.boosted({ kind: 'word', ...(field === undefined ? {} : { field }), text: word.text, prefix: word.prefix, ...(word.fuzzy === undefined ? {} : { fuzzy: word.fuzzy }), boost: 1 }, start);
  }

  /** A run of word characters with escapes; a trailing "*" makes it a prefix. */
  private word(): { text: string; prefix: boolean; fuzzy?: number } {
    let text = '';
    const start = this.at;
    while (this.at < this.s.length) {
      const ch = this.s[this.at]!;
      if (ch === '\\') {
        if (this.at + 1 >= this.s.length) fail(this.at + 1, 'a "\\" at the end escapes nothing', 'write "\\\\" for a backslash');
        text += this.s[this.at + 1];
        this.at += 2;
        continue;
      }
      if (ch === '*') {
        const next = this.s[this.at + 1];
        if (text.length === 0) fail(this.at + 1, 'a "*" must follow the start of a word (prefix queries: "comput*")', 'escape it as "\\*" to search for it');
        if (next !== undefined && !SPECIAL.has(next)) fail(this.at + 1, 'wildcards are supported only at the end of a word ("comput*")');
        this.at++;
        return { text, prefix: true };
      }
      if (ch === '?') fail(this.at + 1, '"?" wildcards are not supported; a trailing "*" is ("comput*")', 'escape it as "\\?" to search for it');
      if (ch === '[' || ch === '{' || ch === ']' || ch === '}') fail(this.at + 1, 'range queries are not supported in query text', 'filter ranges with the spec\'s filter.where ({"year": {"gte": 2000}})');
      if (SPECIAL.has(ch) || /\s/.test(ch)) break;
      text += ch;
      this.at++;
    }
    if (this.s[this.at] === '~' && this.at > start) return { text, prefix: false, fuzzy: this.fuzzyValue() };
    return { text, prefix: false };
  }

  /** `~`, `~1`, `~0.8`, as Lucene reads a fuzzy word's edits (whole numbers) or similarity (below 1). */
  private fuzzyValue(): number {
    const m = /^~(\d+(?:\.\d+)?)?/.exec(this.s.slice(this.at))!;
    const column = this.at + 1;
    this.at += m[0].length;
    if (m[1] === undefined) return 2;
    const v = Number(m[1]);
    if (v >= 1 && !Number.isInteger(v)) fail(column, `fuzzy edits are whole numbers: "word~1" or "word~2", not ~${m[1]}`, 'or a similarity below 1: "word~0.8"');
    return v;
  }

  private phrase(field: string | undefined): PhraseSyntax {
    const open = this.at;
    this.at++;
    let text = '';
    while (this.at < this.s.length && this.s[this.at] !== '"') {
      if (this.s[this.at] === '\\' && this.at + 1 < this.s.length) {
        text += this.s[this.at + 1];
        this.at += 2;
      } else text += this.s[this.at++];
    }
    if (this.at >= this.s.length) fail(open + 1, 'this quote is not closed', 'add the closing quote, or escape the quote as \\"');
    this.at++;
    let slop = 0;
    if (this.s[this.at] === '~') {
      const m = /^~(\d+)/.exec(this.s.slice(this.at));
      if (m === null) fail(this.at + 1, '"~" after a phrase takes a whole number of moves (slop): "a b"~2');
      slop = Number(m[1]);
      this.at += m[0].length;
    }
    return { kind: 'phrase', ...(field === undefined ? {} : { field }), text, slop, boost: 1 };
  }

  private boosted<T extends QuerySyntax>(q: T, start: number): T {
    if (this.s[this.at] !== '^') return q;
    const m = /^\^(\d+(?:\.\d*)?|\.\d+)/.exec(this.s.slice(this.at));
    if (m === null) fail(this.at + 1, '"^" takes a non-negative number: word^2, "a phrase"^0.5');
    const boost = Number(m[1]);
    this.at += m[0].length;
    if (this.at < this.s.length && !/[\s)]/.test(this.s[this.at]!)) fail(start + 1, 'a boost must end its clause');
    return { ...q, boost };
  }

  private conjunction(): 'and' | 'or' | null {
    if (this.keyword('AND')) return 'and';
    if (this.keyword('OR')) return 'or';
    if (this.s.startsWith('&&', this.at)) {
      this.at += 2;
      return 'and';
    }
    if (this.s.startsWith('||', this.at)) {
      this.at += 2;
      return 'or';
    }
    return null;
  }

  /** Consumes an upper-case operator word standing alone (followed by a blank, "(" or a quote). */
  private keyword(word: string): boolean {
    if (!this.s.startsWith(word, this.at)) return false;
    const after = this.s[this.at + word.length];
    if (after !== undefined && !/[\s("]/.test(after)) return false;
    this.at += word.length;
    return true;
  }

  private skipSpace(): void {
    while (this.at < this.s.length && /\s/.test(this.s[this.at]!)) this.at++;
  }
}
