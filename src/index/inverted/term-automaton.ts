/**
 * Regular languages over Unicode code points, matched by a deterministic
 * automaton built lazily from Brzozowski derivatives (Brzozowski 1964,
 * "Derivatives of regular expressions"; the similarity rules that keep the
 * states finite, union as a sorted set and merged character sets, are from
 * Owens, Reppy & Turon 2009, "Regular-expression derivatives re-examined").
 * Derivatives handle complement and intersection as easily as union, which
 * Lucene's RegExp syntax has (`~x`, `x&y`), and states are only built for
 * the prefixes a term dictionary actually holds.
 */

/** Expression kinds. */
const NONE = 0; // the empty language
const EPS = 1; // the empty string
const CHARS = 2; // one code point from a set
const CAT = 3;
const OR = 4;
const AND = 5;
const NOT = 6;
const STAR = 7;
const DECIMAL = 8; // decimal numbers within an interval, as Lucene's <n-m>

/** A hash-consed expression: equal expressions are the same object, so `id` identifies a language's form. */
export interface Expr {
  readonly id: number;
  readonly kind: number;
  readonly nullable: boolean;
  /** CHARS: sorted, disjoint, non-adjacent inclusive ranges [lo0, hi0, lo1, hi1, ...]. */
  readonly ranges?: Int32Array;
  /** CAT: head and tail; NOT, STAR: the operand. */
  readonly a?: Expr;
  readonly b?: Expr;
  /** OR, AND: the operands, sorted by id, at least two. */
  readonly list?: readonly Expr[];
  /** DECIMAL: bounds, fixed digit count (0: any number of digits), digits read so far and their value. */
  readonly dec?: { min: number; max: number; digits: number; len: number; value: number };
}

/** The largest code point. */
const MAX_CODE_POINT = 0x10ffff;

/** Builds expressions in their normal form (one object per form). */
/**
 * The work one pattern may cost, in characters of expression keys built (see
 * ExprFactory's maxWork): far above what the patterns of the Lucene-parity tests
 * cost on SciFact's vocabulary, far below a thousand-fold counted repetition, which
 * held a process for seconds per query before this cap.
 */
export const MAX_PATTERN_WORK = 20_000_000;

export class ExprFactory {
  private readonly table = new Map<string, Expr>();
  private nextId = 0;
  /** Expressions built so far (found or made): the work the pattern has cost. */
  private work = 0;
  readonly none: Expr;
  readonly eps: Expr;
  /** Any single code point. */
  readonly anyChar: Expr;
  /** Any string (the complement of the empty language). */
  readonly anyString: Expr;

  constructor(
    /**
     * At most this much work (characters of the expressions' keys, which list their
     * parts) over the parse and every derivative taken while the automaton grows: the
     * state cap bounds states, not the work of reaching them (a counted repetition
     * derives a long chain at every step).
     */
    private readonly maxWork = MAX_PATTERN_WORK,
  ) {
    this.none = this.intern('0', { kind: NONE, nullable: false });
    this.eps = this.intern('e', { kind: EPS, nullable: true });
    this.anyChar = this.chars(Int32Array.of(0, MAX_CODE_POINT));
    this.anyString = this.not(this.none);
  }

  private intern(key: string, e: Omit<Expr, 'id'>): Expr {
    // an expression's key lists its parts, so its length is the work of building it
    this.work += key.length;
    if (this.work > this.maxWork)
      throw new TooComplexError(`the pattern needs more than ${this.maxWork.toLocaleString('en-US')} steps to match terms`);
    let found = this.table.get(key);
    if (found === undefined) this.table.set(key, (found = { id: this.nextId++, ...e }));
    return found;
  }

  /** One code point from the ranges (any order, may overlap). */
  chars(ranges: Int32Array | readonly number[]): Expr {
    const pairs: [number, number][] = [];
    for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
    pairs.sort((x, y) => x[0] - y[0]);
    const merged: number[] = [];
    for (const [lo, hi] of pairs) {
      if (lo > hi) continue;
      const n = merged.length;
      if (n > 0 && lo <= merged[n - 1]! + 1) merged[n - 1] = Math.max(merged[n - 1]!, hi);
      else merged.push(lo, hi);
    }
    if (merged.length === 0) return this.none;
    return this.intern(`c${merged.join(',')}`, { kind: CHARS, nullable: false, ranges: Int32Array.from(merged) });
  }

  /** The code point `cp`. */
  char(cp: number): Expr {
    return this.chars([cp, cp]);
  }

  /** The code points not in a CHARS expression's set. */
  charsComplement(e: Expr): Expr {
    const r = e.kind === CHARS ? e.ranges! : new Int32Array(0);
    const out: number[] = [];
    let next = 0;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i]! > next) out.push(next, r[i]! - 1);
      next = r[i + 1]! + 1;
    }
    if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
    return this.chars(out);
  }

  /** The string `s`, code point by code point. */
  string(s: string): Expr {
    let e = this.eps;
    const cps = [...s];
    for (let i = cps.length - 1; i >= 0; i--) e = this.cat(this.char(cps[i]!.codePointAt(0)!), e);
    return e;
  }

  /** `a` then `b`. */
  cat(a: Expr, b: Expr): Expr {
    if (a.kind === NONE || b.kind === NONE) return this.none;
    if (a.kind === EPS) return b;
    if (b.kind === EPS) return a;
    if (a.kind === CAT) return this.cat(a.a!, this.cat(a.b!, b));
    return this.intern(`.${a.id},${b.id}`, { kind: CAT, nullable: a.nullable && b.nullable, a, b });
  }

  /** Any of the items (their character sets merged into one). */
  or(...items: Expr[]): Expr {
    const flat: Expr[] = [];
    const charRanges: number[] = [];
    let charCount = 0;
    for (const e of items) {
      for (const x of e.kind === OR ? e.list! : [e]) {
        if (x === this.anyString) return this.anyString;
        if (x.kind === NONE) continue;
        if (x.kind === CHARS) {
          charRanges.push(...x.ranges!);
          charCount++;
        } else flat.push(x);
      }
    }
    if (charCount > 0) flat.push(this.chars(charRanges));
    return this.set(OR, flat, this.none);
  }

  /** All of the items at once (Lucene's `&`). */
  and(...items: Expr[]): Expr {
    const flat: Expr[] = [];
    for (const e of items) {
      for (const x of e.kind === AND ? e.list! : [e]) {
        if (x.kind === NONE) return this.none;
        if (x === this.anyString) continue;
        flat.push(x);
      }
    }
    return this.set(AND, flat, this.anyString);
  }

  private set(kind: number, items: Expr[], empty: Expr): Expr {
    const byId = new Map<number, Expr>();
    for (const x of items) byId.set(x.id, x);
    const list = [...byId.values()].sort((x, y) => x.id - y.id);
    if (list.length === 0) return empty;
    if (list.length === 1) return list[0]!;
    const nullable = kind === OR ? list.some((x) => x.nullable) : list.every((x) => x.nullable);
    return this.intern(`${kind === OR ? '|' : '&'}${list.map((x) => x.id).join(',')}`, { kind, nullable, list });
  }

  /** Every string `a` does not match (Lucene's `~`). */
  not(a: Expr): Expr {
    if (a.kind === NOT) return a.a!;
    return this.intern(`~${a.id}`, { kind: NOT, nullable: !a.nullable, a });
  }

  /** `a` any number of times, none included. */
  star(a: Expr): Expr {
    if (a.kind === NONE || a.kind === EPS) return this.eps;
    if (a.kind === STAR) return a;
    if (a === this.anyChar) return this.anyString;
    return this.intern(`*${a.id}`, { kind: STAR, nullable: true, a });
  }

  /** `a` between min and max times (max < 0: no upper limit); the empty language when min > max. */
  repeat(a: Expr, min: number, max: number): Expr {
    if (max >= 0 && min > max) return this.none;
    let out = max < 0 ? this.star(a) : this.eps;
    if (max >= 0) {
      const optional = this.or(a, this.eps);
      for (let i = min; i < max; i++) out = this.cat(optional, out);
    }
    for (let i = 0; i < min; i++) out = this.cat(a, out);
    return out;
  }

  /**
   * Decimal numbers from min to max (Lucene's `<min-max>`): with `digits` > 0,
   * exactly that many digits (zero-padded); with 0, any number of leading zeros.
   */
  decimal(min: number, max: number, digits: number): Expr {
    return this.decimalState(min, max, digits, 0, 0);
  }

  private decimalState(min: number, max: number, digits: number, len: number, value: number): Expr {
    const nullable = len > 0 && (digits === 0 || len === digits) && value >= min && value <= max;
    // with no fixed digit count only "some digits read" matters, not how many
    const l = digits === 0 ? Math.min(len, 1) : len;
    return this.intern(`d${min},${max},${digits},${l},${value}`, { kind: DECIMAL, nullable, dec: { min, max, digits, len: l, value } });
  }

  /**
   * The ASCII characters a string of `e` may start with, as 128 bits in 4
   * words: a superset (a complement may start with anything; an
   * intersection with what all its parts may start with), so a character
   * outside it surely leads to the empty language.
   */
  firstAscii(e: Expr): Uint32Array {
    const out = new Uint32Array(4);
    const visit = (x: Expr, into: Uint32Array): void => {
      switch (x.kind) {
        case CHARS: {
          const r = x.ranges!;
          for (let i = 0; i < r.length; i += 2) for (let c = r[i]!; c <= r[i + 1]! && c < 128; c++) into[c >> 5]! |= 1 << (c & 31);
          return;
        }
        case CAT:
          visit(x.a!, into);
          if (x.a!.nullable) visit(x.b!, into);
          return;
        case OR:
          for (const y of x.list!) visit(y, into);
          return;
        case AND: {
          const all = Uint32Array.of(-1, -1, -1, -1);
          for (const y of x.list!) {
            const one = new Uint32Array(4);
            visit(y, one);
            for (let w = 0; w < 4; w++) all[w]! &= one[w]!;
          }
          for (let w = 0; w < 4; w++) into[w]! |= all[w]!;
          return;
        }
        case STAR:
          visit(x.a!, into);
          return;
        case NOT:
          into.fill(-1);
          return;
        case DECIMAL:
          into[1]! |= 0x3ff << 16; // "0"-"9" are 48-57
          return;
        default:
          return; // NONE, EPS
      }
    };
    visit(e, out);
    return out;
  }

  /** The derivative of `e` by code point `c`: the suffixes of e's strings that start with c. */
  derive(e: Expr, c: number): Expr {
    switch (e.kind) {
      case NONE:
      case EPS:
        return this.none;
      case CHARS:
        return inRanges(e.ranges!, c) ? this.eps : this.none;
      case CAT: {
        const head = this.cat(this.derive(e.a!, c), e.b!);
        return e.a!.nullable ? this.or(head, this.derive(e.b!, c)) : head;
      }
      case OR:
        return this.or(...e.list!.map((x) => this.derive(x, c)));
      case AND:
        return this.and(...e.list!.map((x) => this.derive(x, c)));
      case NOT:
        return this.not(this.derive(e.a!, c));
      case STAR:
        return this.cat(this.derive(e.a!, c), e);
      case DECIMAL: {
        const d = e.dec!;
        if (c < 0x30 || c > 0x39) return this.none;
        const len = d.len + 1;
        const value = d.value * 10 + (c - 0x30);
        if (d.digits > 0) {
          if (len > d.digits) return this.none;
          const scale = 10 ** (d.digits - len);
          if (value * scale > d.max || value * scale + scale - 1 < d.min) return this.none;
        } else if (value > d.max) return this.none; // more digits only make it larger
        return this.decimalState(d.min, d.max, d.digits, len, value);
      }
      default:
        throw new Error(`unknown expression kind ${e.kind}`);
    }
  }
}

function inRanges(r: Int32Array, c: number): boolean {
  let lo = 0;
  let hi = (r.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (c < r[2 * mid]!) hi = mid - 1;
    else if (c > r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * A state as the automaton hands it out: its number in the low 24 bits and
 * its flags above, so a loop stepping through a term reads one table entry
 * per character and tests the flags without a second lookup.
 */
export type StateEntry = number;
/** Entry bits: the state number. */
export const STATE_MASK = 0xffffff;
/** Entry flag: the string read so far is in the language. */
export const ACCEPTS = 1 << 24;
/** Entry flag: no continuation is in the language. */
export const DEAD = 2 << 24;
/** Entry flag: every continuation is in the language. */
export const UNIVERSAL = 4 << 24;

/** Raised when a pattern would need more automaton states than allowed (Lucene's TooComplexToDeterminizeException). */
export class TooComplexError extends Error {}

/**
 * A deterministic automaton over code points whose states are built on
 * first use. `start` is the start's entry; `next` moves by one code point.
 */
export class TermAutomaton {
  /** States: the expression each one stands for. */
  private readonly exprs: Expr[] = [];
  private readonly entryOf = new Map<number, StateEntry>();
  /**
   * Entries after one byte, 256 per state, at (state << 8) | byte: built for
   * ASCII bytes on first use, -1 before that and always for the bytes of
   * multi-byte characters (decode those and call `next`). -1 has every flag
   * set, so a loop that stops on DEAD or UNIVERSAL stops on it too. Hot loops
   * may read it directly; it is replaced when states are added, so read it
   * again after a `next`.
   */
  bytes = new Int32Array(0);
  private readonly other: Map<number, StateEntry>[] = [];
  /** The start state's entry. */
  readonly start: StateEntry;

  constructor(
    private readonly factory: ExprFactory,
    start: Expr,
    /** At most this many states (Lucene's default determinization limit). */
    private readonly maxStates = 10_000,
  ) {
    this.start = this.entryFor(start);
  }

  private entryFor(e: Expr): StateEntry {
    const known = this.entryOf.get(e.id);
    if (known !== undefined) return known;
    const s = this.exprs.length;
    if (s >= this.maxStates) throw new TooComplexError(`the pattern needs more than ${this.maxStates} automaton states`);
    const entry = s | (e.nullable ? ACCEPTS : 0) | (e.kind === NONE ? DEAD : 0) | (e === this.factory.anyString ? UNIVERSAL : 0);
    this.exprs.push(e);
    this.entryOf.set(e.id, entry);
    this.other.push(new Map());
    if (this.bytes.length < (s + 1) * 256) {
      const grown = new Int32Array(Math.max(256 * 16, this.bytes.length * 2)).fill(-1);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    return entry;
  }

  private firsts: (Uint32Array | undefined)[] = [];

  /**
   * The smallest ASCII character above `c` that may not lead from the state
   * of `entry` to a dead state (-1: none); characters it passes over surely do.
   */
  nextViableAscii(entry: StateEntry, c: number): number {
    const s = entry & STATE_MASK;
    let first = this.firsts[s];
    if (first === undefined) this.firsts[s] = first = this.factory.firstAscii(this.exprs[s]!);
    const d = c + 1;
    if (d >= 128) return -1;
    // the lowest set bit at or above d: mask off the bits below d in its word, then whole words
    let w = d >> 5;
    let bits = first[w]! & (-1 << (d & 31));
    while (bits === 0) {
      if (++w === 4) return -1;
      bits = first[w]!;
    }
    return (w << 5) + 31 - Math.clz32(bits & -bits);
  }

  /** The entry after reading code point `cp` from the state of `entry`. */
  next(entry: StateEntry, cp: number): StateEntry {
    const s = entry & STATE_MASK;
    if (cp < 128) {
      const known = this.bytes[(s << 8) | cp]!;
      if (known !== -1) return known;
      const to = this.entryFor(this.factory.derive(this.exprs[s]!, cp));
      this.bytes[(s << 8) | cp] = to;
      return to;
    }
    const map = this.other[s]!;
    let to = map.get(cp);
    if (to === undefined) map.set(cp, (to = this.entryFor(this.factory.derive(this.exprs[s]!, cp))));
    return to;
  }

  /** Whether the whole string `text` is in the language. */
  matches(text: string): boolean {
    let e = this.start;
    for (const ch of text) {
      if ((e & DEAD) !== 0) return false;
      e = this.next(e, ch.codePointAt(0)!);
    }
    return (e & ACCEPTS) !== 0;
  }
}
