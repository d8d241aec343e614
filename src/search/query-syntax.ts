/**
 * Parser of Lucene's classic query syntax (the QueryParser most Lucene,
 * Solr and Elasticsearch users know), with the default operator OR:
 * `word`, `"a phrase"`, `"a phrase"~2`, `prefix*`, `wild?card*`, `/regexp/`,
 * `[lower TO upper]` and `{lower TO upper}` (term ranges, `*` open), `fuzzy~`,
 * `fuzzy~1`, `field:word`, `field:(a b)`, `+required`, `-excluded`,
 * `!excluded`, `NOT x`, `a AND b`, `a OR b`, `&&`, `||`, `(groups)`, `^boost`,
 * `*:*` (every document) and backslash escapes (`\uXXXX` too). Wildcards may
 * lead a word (as Lucene with setAllowLeadingWildcard(true), and Elasticsearch).
 * AND and NOT combine clauses as Lucene does: `a AND b` requires both,
 * `a NOT b` excludes b. Text is not analyzed here (see text-query-compiler.ts).
 */
import { QuarryError } from '../core/quarry-error.js';
import { PatternSyntaxError, regexpAutomaton } from '../index/inverted/term-patterns.js';

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

/**
 * A word with `?` or `*` wildcards other than one trailing `*` (Lucene's
 * WildcardQuery): `pattern` keeps its backslash escapes, which the pattern
 * reads as literal characters.
 */
export interface WildcardSyntax {
  kind: 'wildcard';
  field?: string;
  pattern: string;
  boost: number;
}

/** `/pattern/`: a regular expression in Lucene's RegExp syntax that whole terms must match. */
export interface RegexpSyntax {
  kind: 'regexp';
  field?: string;
  pattern: string;
  boost: number;
}

/** `[lower TO upper]` (inclusive), `{lower TO upper}` (exclusive) or a mix; a bound written `*` is open (null). */
export interface RangeSyntax {
  kind: 'range';
  field?: string;
  lower: string | null;
  upper: string | null;
  includeLower: boolean;
  includeUpper: boolean;
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
export type QuerySyntax = WordSyntax | WildcardSyntax | RegexpSyntax | RangeSyntax | PhraseSyntax | GroupSyntax | AllSyntax;

/** A part and how it takes part. */
export interface ClauseSyntax {
  occur: Occur;
  query: QuerySyntax;
}

/** Groups may nest this deep (a guard for the recursive parser and compiler). */
const MAX_GROUP_DEPTH = 64;
/** Clauses per group, as Lucene's default BooleanQuery.maxClauseCount. */
const MAX_CLAUSES = 1024;

/** Characters that end a word unless escaped with a backslash. */
const SPECIAL = new Set([' ', '\t', '\n', '\r', '\u3000', '(', ')', ':', '^', '"', '~', '[', ']', '{', '}', '\\', '*', '?', '/']);

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
        fail(
          this.at,
          `"${occur === 'must' ? '+' : '-'}" must be followed by a clause, without a space`,
          'escape it (\\+, \\-) to search for it',
        );
      }
      const query = this.clause();
      // Lucene's addClause with the OR default: AND makes the previous clause required (unless excluded) and this one too.
      if (conj === 'and') {
        const prev = out[out.length - 1];
        if (prev !== undefined && prev.occur === 'should') prev.occur = 'must';
        if (occur === 'should') occur = 'must';
      }
      out.push({ occur, query });
      if (out.length > MAX_CLAUSES)
        fail(this.at, `more than ${MAX_CLAUSES} clauses in one group`, 'split the query, or search it as words with syntax "terms"');
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
    if (!'"([{/'.includes(this.s[this.at]!)) {
      const word = this.word();
      if (this.s[this.at] !== ':') return this.boosted(word, start);
      if (word.kind !== 'word' || word.prefix || word.fuzzy !== undefined)
        fail(start + 1, `"${this.s.slice(start, this.at)}" is not a field name`);
      field = word.text;
      this.at++;
      if (this.at >= this.s.length || /\s/.test(this.s[this.at]!))
        fail(this.at + 1, `"${field}:" must be followed by what to search in it`, 'escape the colon as "\\:" to search for it');
    }
    const inField = <T extends QuerySyntax>(q: T): T => (field === undefined ? q : { ...q, field });
    const ch = this.s[this.at];
    if (ch === '"') return this.boosted(inField(this.phrase()), start);
    if (ch === '[' || ch === '{') return this.boosted(inField(this.range()), start);
    if (ch === '/') return this.boosted(inField(this.regexp()), start);
    if (ch === '(') {
      this.at++;
      const clauses = this.clauses(true);
      this.at++; // ")"
      return this.boosted({ kind: 'group', ...(field === undefined ? {} : { field }), clauses, boost: 1 }, start);
    }
    const word = this.word();
    if (this.s[this.at] === ':') fail(this.at + 1, 'a clause names one field', 'escape the colon as "\\:" to search for it');
    return this.boosted(inField(word), start);
  }

  /**
   * A run of word characters with escapes, as Lucene's lexer cuts terms: with
   * one trailing `*` a prefix, with other `*` or `?` a wildcard pattern, and
   * a plain word may take a fuzzy `~` (which prefixes and wildcards ignore).
   */
  private word(): WordSyntax | WildcardSyntax {
    const start = this.at;
    let wilds = 0;
    let endsWithStar = false;
    while (this.at < this.s.length) {
      const ch = this.s[this.at]!;
      if (ch === '\\') {
        if (this.at + 1 >= this.s.length) fail(this.at + 1, 'a "\\" at the end escapes nothing', 'write "\\\\" for a backslash');
        this.at += 2;
        endsWithStar = false;
        continue;
      }
      if (ch === '*' || ch === '?') {
        wilds++;
        endsWithStar = ch === '*';
        this.at++;
        continue;
      }
      if (SPECIAL.has(ch) || /\s/.test(ch)) break;
      endsWithStar = false;
      this.at++;
    }
    const raw = this.s.slice(start, this.at);
    if (raw.length === 0) {
      const ch = this.s[start] ?? '';
      if (ch === ']' || ch === '}') fail(start + 1, `this "${ch}" closes no range`, 'escape it with a backslash');
      fail(start + 1, `"${ch}" cannot start a clause`, 'escape it with a backslash');
    }
    if (wilds === 0) {
      const text = unescape(raw, start);
      if (this.s[this.at] === '~') return { kind: 'word', text, prefix: false, fuzzy: this.fuzzyValue(), boost: 1 };
      return { kind: 'word', text, prefix: false, boost: 1 };
    }
    // Lucene reads a fuzzy "~" after a prefix or wildcard and ignores it
    if (this.s[this.at] === '~') this.fuzzyValue();
    if (wilds === 1 && endsWithStar && raw.length > 1)
      return { kind: 'word', text: unescape(raw.slice(0, -1), start), prefix: true, boost: 1 };
    return { kind: 'wildcard', pattern: raw, boost: 1 };
  }

  /** `~`, `~1`, `~0.8`, as Lucene reads a fuzzy word's edits (whole numbers) or similarity (below 1). */
  private fuzzyValue(): number {
    const m = /^~(\d+(?:\.\d+)?)?/.exec(this.s.slice(this.at))!;
    const column = this.at + 1;
    this.at += m[0].length;
    if (m[1] === undefined) return 2;
    const v = Number(m[1]);
    if (v >= 1 && !Number.isInteger(v))
      fail(column, `fuzzy edits are whole numbers: "word~1" or "word~2", not ~${m[1]}`, 'or a similarity below 1: "word~0.8"');
    return v;
  }

  private phrase(): PhraseSyntax {
    const open = this.at;
    const text = unescape(this.quoted(), open + 1);
    let slop = 0;
    if (this.s[this.at] === '~') {
      const m = /^~(\d+)/.exec(this.s.slice(this.at));
      if (m === null) fail(this.at + 1, '"~" after a phrase takes a whole number of moves (slop): "a b"~2');
      slop = Number(m[1]);
      this.at += m[0].length;
    }
    return { kind: 'phrase', text, slop, boost: 1 };
  }

  /** The text between a quote at the cursor and the next unescaped quote, escapes kept; the cursor ends after it. */
  private quoted(): string {
    const open = this.at;
    this.at++;
    while (this.at < this.s.length && this.s[this.at] !== '"') this.at += this.s[this.at] === '\\' ? 2 : 1;
    if (this.at >= this.s.length) fail(open + 1, 'this quote is not closed', 'add the closing quote, or escape the quote as \\"');
    this.at++;
    return this.s.slice(open + 1, this.at - 1);
  }

  /** `[lower TO upper]`, `{lower TO upper}` or a mix, each bound a word, a quoted string or `*` (open). */
  private range(): RangeSyntax {
    const open = this.at;
    const includeLower = this.s[this.at] === '[';
    this.at++;
    const lower = this.rangeBound(open);
    this.skipSpace();
    if (this.at >= this.s.length) fail(open + 1, 'this range is not closed', 'a range is written [lower TO upper]');
    if (!this.s.startsWith('TO', this.at) || !/[\s"]/.test(this.s[this.at + 2] ?? ' ')) {
      fail(this.at + 1, 'a range is written [lower TO upper] ("TO" in capitals; * for an open end)');
    }
    this.at += 2;
    const upper = this.rangeBound(open);
    this.skipSpace();
    const close = this.s[this.at];
    if (close === undefined) fail(open + 1, 'this range is not closed', 'a range is written [lower TO upper]');
    if (close !== ']' && close !== '}')
      fail(this.at + 1, 'a range ends with "]" (upper bound included) or "}" (excluded)', 'a range is written [lower TO upper]');
    this.at++;
    return { kind: 'range', lower, upper, includeLower, includeUpper: close === ']', boost: 1 };
  }

  private rangeBound(open: number): string | null {
    this.skipSpace();
    const start = this.at;
    if (this.s[this.at] === '"') return unescape(this.quoted(), start + 1);
    while (this.at < this.s.length && !/[\s\]}]/.test(this.s[this.at]!)) this.at += this.s[this.at] === '\\' ? 2 : 1;
    if (this.at > this.s.length) fail(this.at, 'a "\\" at the end escapes nothing');
    const raw = this.s.slice(start, this.at);
    if (raw.length === 0)
      fail(
        this.at >= this.s.length ? open + 1 : this.at + 1,
        this.at >= this.s.length ? 'this range is not closed' : 'a range bound is missing',
        'a range is written [lower TO upper]',
      );
    return raw === '*' ? null : unescape(raw, start);
  }

  /** `/pattern/`: up to the next unescaped slash; the pattern is checked here so errors name their column. */
  private regexp(): RegexpSyntax {
    const open = this.at;
    this.at++;
    while (this.at < this.s.length && this.s[this.at] !== '/') this.at += this.s[this.at] === '\\' ? 2 : 1;
    if (this.at >= this.s.length)
      fail(open + 1, 'this "/" starts a regular expression that is not closed', 'close it with "/", or escape a slash in a word as "\\/"');
    const pattern = this.s.slice(open + 1, this.at);
    this.at++;
    try {
      regexpAutomaton(pattern);
    } catch (e) {
      if (e instanceof PatternSyntaxError)
        fail(open + 2 + e.position, `regular expression: ${e.message}`, 'escape a special character in it with a backslash');
      throw e;
    }
    return { kind: 'regexp', pattern, boost: 1 };
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

/**
 * Removes backslash escapes as Lucene's discardEscapeChar does: `\\x` is x and
 * `\\uXXXX` the UTF-16 unit XXXX. `column` is where `raw` starts (0-based), for errors.
 */
function unescape(raw: string, column: number): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[++i];
    if (next === undefined) fail(column + i, 'a "\\" at the end escapes nothing', 'write "\\\\" for a backslash');
    if (next !== 'u') {
      out += next;
      continue;
    }
    const hex = raw.slice(i + 1, i + 5);
    if (!/^[0-9a-fA-F]{4}$/.test(hex))
      fail(column + i, '"\\u" starts a Unicode escape and needs 4 hex digits ("\\u00e9")', 'write "\\\\u" for a backslash and a u');
    out += String.fromCharCode(parseInt(hex, 16));
    i += 4;
  }
  return out;
}
