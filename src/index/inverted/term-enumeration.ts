/**
 * The terms of one field's dictionary that a multi-term query selects: the
 * terms an automaton accepts (wildcards, regular expressions) and the terms
 * within a range in Unicode code point order (Lucene's UTF-8 byte order).
 */
import { GrowableU32 } from '../../kernels/growable-arrays.js';
import { firstAtOrAfter, lastWithPrefix } from './dictionary-seek.js';
import type { InvertedField } from './inverted-field.js';
import { ACCEPTS, DEAD, STATE_MASK, UNIVERSAL, type TermAutomaton } from './term-automaton.js';
import { checkDeadline } from '../../core/deadline.js';

/**
 * The ids of the terms the automaton accepts, ascending. When an ASCII
 * character leads to a dead state, the walk jumps to the first term that
 * could still match: the same prefix with the next character that does not
 * lead to a dead state (as Lucene's AutomatonTermsEnum seeks); without one,
 * past every term with the dead prefix. Once a prefix reaches a state that
 * accepts any continuation every term starting with it is taken unread.
 * (Keeping the states of the prefix a term shares with the previous one, to
 * resume after it, measured slower than reading each term whole.)
 */
export function acceptedTerms(fd: InvertedField, a: TermAutomaton): Uint32Array {
  const found = new GrowableU32(64);
  const bytes = fd.data.termBytes;
  const offsets = fd.data.termOffsets;
  const n = fd.numTerms;
  const start = a.start;
  // module constants read into locals: the loop then tests registers, not module slots
  const stop = DEAD | UNIVERSAL;
  const mask = STATE_MASK;
  let table = a.bytes;
  for (let t = 0; t < n; t++) {
    checkDeadline();
    const from = offsets[t]!;
    const to = offsets[t + 1]!;
    let e = start;
    let p = from;
    /** The state before the last character read. */
    let prev = e;
    for (;;) {
      // the table's -1 (not built yet, or a multi-byte character) stops the loop like a flag
      while (p < to && (e & stop) === 0) {
        prev = e;
        e = table[((e & mask) << 8) | bytes[p]!]!;
        p++;
      }
      if (e !== -1) break;
      p--;
      const b0 = bytes[p]!;
      let cp = b0;
      if (b0 < 0x80) p++;
      else if (b0 < 0xe0) {
        cp = ((b0 & 0x1f) << 6) | (bytes[p + 1]! & 0x3f);
        p += 2;
      } else if (b0 < 0xf0) {
        cp = ((b0 & 0x0f) << 12) | ((bytes[p + 1]! & 0x3f) << 6) | (bytes[p + 2]! & 0x3f);
        p += 3;
      } else {
        cp = ((b0 & 0x07) << 18) | ((bytes[p + 1]! & 0x3f) << 12) | ((bytes[p + 2]! & 0x3f) << 6) | (bytes[p + 3]! & 0x3f);
        p += 4;
      }
      e = a.next(prev, cp);
      // a new state replaces the table
      table = a.bytes;
    }
    if ((e & DEAD) !== 0) t = pastDeadPrefix(a, fd, t, p, prev);
    else if ((e & UNIVERSAL) !== 0) {
      // every term with these first bytes matches
      const last = lastWithPrefix(bytes, offsets, t, n, from, p);
      for (let u = t; u <= last; u++) found.push(u);
      t = last;
    } else if ((e & ACCEPTS) !== 0) found.push(t);
  }
  return found.view();
}

/** Scratch bytes of a seek target (reused: a thread walks one dictionary at a time). */
let target = new Uint8Array(64);

/**
 * The last term to pass over once term t is dead after its bytes up to `p`
 * (`prev`: the state before its last character): up to the first term with
 * the same prefix and the next viable character when there is one (ASCII
 * only), else past every term with the dead prefix.
 */
function pastDeadPrefix(a: TermAutomaton, fd: InvertedField, t: number, p: number, prev: number): number {
  const bytes = fd.data.termBytes;
  const offsets = fd.data.termOffsets;
  const from = offsets[t]!;
  const n = fd.numTerms;
  // the last character read: one byte when ASCII (others are not retried)
  const c = p > from ? bytes[p - 1]! : 0x80;
  const viable = c < 0x80 && sortsAsBytes(bytes, from, p - 1) ? a.nextViableAscii(prev, c) : -1;
  if (viable < 0) return p === offsets[t + 1]! ? t : lastWithPrefix(bytes, offsets, t, n, from, p);
  const keep = p - 1 - from;
  if (target.length <= keep) target = new Uint8Array(keep * 2 + 1);
  for (let k = 0; k < keep; k++) target[k] = bytes[from + k]!;
  target[keep] = viable;
  return firstAtOrAfter(bytes, offsets, t + 1, n, target, keep + 1) - 1;
}

/**
 * Whether bytes [from, to) hold only characters below U+E000, where UTF-8
 * byte order and the dictionary's UTF-16 order agree, so a seek by bytes
 * lands where the dictionary's order puts the target.
 */
function sortsAsBytes(bytes: Uint8Array, from: number, to: number): boolean {
  for (let p = from; p < to; p++) if (bytes[p]! >= 0xee) return false;
  return true;
}

/** Compares two strings by code point (the order of their UTF-8 bytes). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // below U+D800 and from U+E000 the UTF-16 unit orders as its code point; surrogates stand for code points above U+FFFF
    const surrogate = (u: number): boolean => u >= 0xd800 && u <= 0xdfff;
    if (surrogate(x) !== surrogate(y)) return surrogate(x) ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The bounds of a term range; null is unbounded. */
export interface TermRange {
  lower: string | null;
  upper: string | null;
  includeLower: boolean;
  includeUpper: boolean;
}

/** Compares term t's UTF-8 bytes with `bound` (byte order is code point order). */
function compareTermBytes(bytes: Uint8Array, offsets: Uint32Array, t: number, bound: Uint8Array): number {
  const from = offsets[t]!;
  const len = offsets[t + 1]! - from;
  const m = len < bound.length ? len : bound.length;
  for (let k = 0; k < m; k++) {
    const d = bytes[from + k]! - bound[k]!;
    if (d !== 0) return d;
  }
  return len - bound.length;
}

/** Whether `term` is within the range (code point order). */
export function termInRange(term: string, range: TermRange): boolean {
  const lo = range.lower === null ? 1 : compareCodePoints(term, range.lower);
  const hi = range.upper === null ? -1 : compareCodePoints(term, range.upper);
  return (lo > 0 || (lo === 0 && range.includeLower)) && (hi < 0 || (hi === 0 && range.includeUpper));
}

/** The ids of the terms within the range, ascending. */
export function termsInRange(fd: InvertedField, range: TermRange): Uint32Array {
  const found = new GrowableU32(64);
  const { includeLower, includeUpper } = range;
  const bytes = fd.data.termBytes;
  const offsets = fd.data.termOffsets;
  const lower = range.lower === null ? null : Buffer.from(range.lower, 'utf8');
  const upper = range.upper === null ? null : Buffer.from(range.upper, 'utf8');
  // The dictionary is in UTF-16 order, which agrees with code point order when compared with a
  // bound below U+D800 (see compareCodePoints): then the range is one run found by binary search.
  const ordered = (b: string | null): boolean => b === null || !/[\uD800-\uFFFF]/.test(b);
  const n = fd.numTerms;
  let t = 0;
  if (lower !== null && ordered(range.lower)) {
    let hi = n;
    while (t < hi) {
      const mid = (t + hi) >>> 1;
      if (compareTermBytes(bytes, offsets, mid, lower) < 0) t = mid + 1;
      else hi = mid;
    }
  }
  const stopAtUpper = ordered(range.upper);
  for (; t < n; t++) {
    checkDeadline();
    if (lower !== null) {
      const c = compareTermBytes(bytes, offsets, t, lower);
      if (c < 0 || (c === 0 && !includeLower)) continue;
    }
    if (upper !== null) {
      const c = compareTermBytes(bytes, offsets, t, upper);
      if (c > 0 || (c === 0 && !includeUpper)) {
        if (stopAtUpper) break;
        continue;
      }
    }
    found.push(t);
  }
  return found.view();
}
