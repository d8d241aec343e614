/**
 * The two pattern languages of Lucene's multi-term queries, read into
 * term-automaton expressions: RegExp syntax (RegexpQuery: `|`, `&`, `~`,
 * `*`, `+`, `?`, `{n,m}`, `[classes]`, `.`, `@`, `#`, `"strings"`, `( )`,
 * `<n-m>`, every construct enabled, as the classic query parser builds it)
 * and wildcard syntax (WildcardQuery: `*` any string, `?` one code point,
 * `\` makes the next character literal). Patterns always match whole terms.
 */
import { ExprFactory, TermAutomaton, type Expr } from './term-automaton.js';

/** A pattern that does not parse: `position` is the 0-based index in the pattern where it went wrong. */
export class PatternSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/** Counted repetitions above this are refused (each copy is an expression). */
const MAX_REPEAT = 1000;

/** An automaton accepting the terms a Lucene regular expression matches. */
export function regexpAutomaton(pattern: string): TermAutomaton {
  const factory = new ExprFactory();
  return new TermAutomaton(factory, new RegexpParser(pattern, factory).parse());
}

/** An automaton accepting the terms a Lucene wildcard pattern matches. */
export function wildcardAutomaton(pattern: string): TermAutomaton {
  const factory = new ExprFactory();
  return new TermAutomaton(factory, wildcardExpr(pattern, factory));
}

function wildcardExpr(pattern: string, x: ExprFactory): Expr {
  const parts: Expr[] = [];
  const cps = [...pattern];
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i]!;
    if (ch === '*') parts.push(x.anyString);
    else if (ch === '?') parts.push(x.anyChar);
    else if (ch === '\\' && i + 1 < cps.length) parts.push(x.char(cps[++i]!.codePointAt(0)!));
    else parts.push(x.char(ch.codePointAt(0)!));
  }
  let e = x.eps;
  for (let i = parts.length - 1; i >= 0; i--) e = x.cat(parts[i]!, e);
  return e;
}

/**
 * Recursive descent over Lucene's RegExp grammar, one method per rule:
 * union := inter ('|' union)?; inter := concat ('&' inter)?;
 * concat := repeat concat?; repeat := compl ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}')*;
 * compl := '~' compl | class; class := '[' '^'? items ']' | simple.
 */
class RegexpParser {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly x: ExprFactory,
  ) {}

  parse(): Expr {
    const e = this.union();
    if (this.pos < this.s.length) throw new PatternSyntaxError(`unexpected "${this.s[this.pos]}" (nothing left to close)`, this.pos);
    return e;
  }

  private more(): boolean {
    return this.pos < this.s.length;
  }

  private peek(chars: string): boolean {
    return this.more() && chars.includes(this.s[this.pos]!);
  }

  private match(ch: string): boolean {
    if (this.s[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  /** The next code point. */
  private next(): number {
    if (!this.more()) throw new PatternSyntaxError('the pattern ends too early', this.pos);
    const cp = this.s.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private union(): Expr {
    const e = this.inter();
    return this.match('|') ? this.x.or(e, this.union()) : e;
  }

  private inter(): Expr {
    const e = this.concat();
    return this.match('&') ? this.x.and(e, this.inter()) : e;
  }

  private concat(): Expr {
    const e = this.repeat();
    return this.more() && !this.peek(')|&') ? this.x.cat(e, this.concat()) : e;
  }

  private repeat(): Expr {
    let e = this.complement();
    while (this.peek('?*+{')) {
      if (this.match('?')) e = this.x.or(e, this.x.eps);
      else if (this.match('*')) e = this.x.star(e);
      else if (this.match('+')) e = this.x.cat(e, this.x.star(e));
      else {
        this.pos++; // "{"
        const min = this.integer();
        let max = min;
        if (this.match(',')) max = this.peek('0123456789') ? this.integer() : -1;
        if (!this.match('}')) throw new PatternSyntaxError('expected "}" to close a repetition such as {2,3}', this.pos);
        if (min > MAX_REPEAT || max > MAX_REPEAT) throw new PatternSyntaxError(`repetitions are limited to ${MAX_REPEAT}`, this.pos - 1);
        e = this.x.repeat(e, min, max);
      }
    }
    return e;
  }

  private integer(): number {
    const start = this.pos;
    while (this.peek('0123456789')) this.pos++;
    if (start === this.pos) throw new PatternSyntaxError('expected a number of repetitions', this.pos);
    return Number(this.s.slice(start, this.pos));
  }

  private complement(): Expr {
    return this.match('~') ? this.x.not(this.complement()) : this.charClass();
  }

  private charClass(): Expr {
    if (!this.match('[')) return this.simple();
    const open = this.pos - 1;
    const negate = this.match('^');
    let e = this.classItem();
    while (this.more() && !this.peek(']')) e = this.x.or(e, this.classItem());
    if (!this.match(']')) throw new PatternSyntaxError('this "[" is not closed by "]"', open);
    return negate ? this.x.charsComplement(e) : e;
  }

  private classItem(): Expr {
    const at = this.pos;
    const from = this.charExp();
    if (!this.match('-')) return this.x.char(from);
    const to = this.charExp();
    if (from > to) throw new PatternSyntaxError(`the range ${String.fromCodePoint(from)}-${String.fromCodePoint(to)} runs backwards`, at);
    return this.x.chars([from, to]);
  }

  private charExp(): number {
    this.match('\\');
    return this.next();
  }

  private simple(): Expr {
    const at = this.pos;
    if (this.match('.')) return this.x.anyChar;
    if (this.match('#')) return this.x.none;
    if (this.match('@')) return this.x.anyString;
    if (this.match('"')) {
      const end = this.s.indexOf('"', this.pos);
      if (end < 0) throw new PatternSyntaxError('this quote is not closed', at);
      const text = this.s.slice(this.pos, end);
      this.pos = end + 1;
      return this.x.string(text);
    }
    if (this.match('(')) {
      if (this.match(')')) return this.x.eps;
      const e = this.union();
      if (!this.match(')')) throw new PatternSyntaxError('this "(" is not closed by ")"', at);
      return e;
    }
    if (this.match('<')) {
      const end = this.s.indexOf('>', this.pos);
      if (end < 0) throw new PatternSyntaxError('this "<" is not closed by ">"', at);
      const body = this.s.slice(this.pos, end);
      this.pos = end + 1;
      const m = /^(\d+)-(\d+)$/.exec(body);
      if (m === null) throw new PatternSyntaxError('"<…>" takes a numeric interval such as <1-100> (named automata are not supported)', at);
      let min = Number(m[1]);
      let max = Number(m[2]);
      if (max > 2 ** 31 - 1 || min > 2 ** 31 - 1) throw new PatternSyntaxError('interval bounds must be below 2^31', at);
      if (min > max) [min, max] = [max, min];
      return this.x.decimal(min, max, m[1]!.length === m[2]!.length ? m[1]!.length : 0);
    }
    return this.x.char(this.charExp());
  }
}
