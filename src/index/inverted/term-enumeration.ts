/**
 * The terms of one field's dictionary that a multi-term query selects: the
 * terms an automaton accepts (wildcards, regular expressions) and the terms
 * within a range in Unicode code point order (Lucene's UTF-8 byte order).
 */
import { lastWithPrefix } from './dictionary-seek.js';
import type { InvertedField } from './inverted-field.js';
import { ACCEPTS, DEAD, UNIVERSAL, type TermAutomaton } from './term-automaton.js';

/**
 * Calls `found` with every term id whose term the automaton accepts, in
 * order. Terms are sorted, so a term shares its first code points with the
 * previous one and their states are kept; once a prefix reaches a dead state
 * every term starting with it is jumped over, and once it reaches a state
 * that accepts any continuation every such term is taken without reading it.
 */
export function forEachAcceptedTerm(fd: InvertedField, a: TermAutomaton, found: (t: number) => void): void {
  const bytes = fd.data.termBytes;
  const offsets = fd.data.termOffsets;
  const n = fd.numTerms;
  /** states[i]: the state after the term's first i code points, which end at byte starts[i]. */
  let states = new Int32Array(64);
  let starts = new Uint32Array(64);
  let valid = 0;
  let prevFrom = 0;
  let prevTo = 0;
  for (let t = 0; t < n; t++) {
    const from = offsets[t]!;
    const to = offsets[t + 1]!;
    const limit = Math.min(to - from, prevTo - prevFrom);
    let common = 0;
    while (common < limit && bytes[from + common] === bytes[prevFrom + common]) common++;
    let i = 0;
    while (i < valid && starts[i + 1]! <= common) i++;
    let s = states[i]!;
    let pos = starts[i]!;
    let stop = false;
    let ascii = a.ascii;
    let flags = a.flags;
    while (from + pos < to && (flags[s]! & (DEAD | UNIVERSAL)) === 0) {
      const b0 = bytes[from + pos]!;
      let len = 1;
      if (b0 < 0x80) {
        const known = ascii[s * 128 + b0]!;
        if (known >= 0) s = known;
        else {
          s = a.step(s, b0);
          ascii = a.ascii;
          flags = a.flags;
        }
      } else {
        let cp: number;
        if (b0 < 0xe0) {
          cp = ((b0 & 0x1f) << 6) | (bytes[from + pos + 1]! & 0x3f);
          len = 2;
        } else if (b0 < 0xf0) {
          cp = ((b0 & 0x0f) << 12) | ((bytes[from + pos + 1]! & 0x3f) << 6) | (bytes[from + pos + 2]! & 0x3f);
          len = 3;
        } else {
          cp = ((b0 & 0x07) << 18) | ((bytes[from + pos + 1]! & 0x3f) << 12) | ((bytes[from + pos + 2]! & 0x3f) << 6) | (bytes[from + pos + 3]! & 0x3f);
          len = 4;
        }
        s = a.step(s, cp);
        ascii = a.ascii;
        flags = a.flags;
      }
      i++;
      if (i + 1 >= states.length) {
        const grownStates = new Int32Array(states.length * 2);
        grownStates.set(states);
        states = grownStates;
        const grownStarts = new Uint32Array(starts.length * 2);
        grownStarts.set(starts);
        starts = grownStarts;
      }
      pos += len;
      states[i] = s;
      starts[i] = pos;
    }
    valid = i;
    const state = flags[s]!;
    if ((state & (DEAD | UNIVERSAL)) !== 0) {
      // every term with these first bytes ends the same way: none or all of them match
      const last = lastWithPrefix(bytes, offsets, t, n, from, from + pos);
      if ((state & UNIVERSAL) !== 0) for (let u = t; u <= last; u++) found(u);
      t = last;
      stop = true;
    } else if ((state & ACCEPTS) !== 0) found(t);
    if (stop) {
      // the next term is compared with the last one passed over, which shares the states kept
      prevFrom = offsets[t]!;
      prevTo = offsets[t + 1]!;
    } else {
      prevFrom = from;
      prevTo = to;
    }
  }
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

/** Calls `found` with every term id within the range, in order. */
export function forEachTermInRange(fd: InvertedField, range: TermRange, found: (t: number) => void): void {
  const { lower, upper, includeLower, includeUpper } = range;
  // The dictionary is in UTF-16 order, which agrees with code point order when compared with a
  // bound below U+D800 (see compareCodePoints): then the range is one run found by binary search.
  const ordered = (s: string | null): boolean => s === null || !/[\uD800-\uFFFF]/.test(s);
  const n = fd.numTerms;
  let t = 0;
  if (lower !== null && ordered(lower)) {
    let hi = n;
    while (t < hi) {
      const mid = (t + hi) >>> 1;
      if (fd.term(mid) < lower) t = mid + 1;
      else hi = mid;
    }
  }
  const stopAtUpper = ordered(upper);
  for (; t < n; t++) {
    const term = fd.term(t);
    if (lower !== null) {
      const c = compareCodePoints(term, lower);
      if (c < 0 || (c === 0 && !includeLower)) continue;
    }
    if (upper !== null) {
      const c = compareCodePoints(term, upper);
      if (c > 0 || (c === 0 && !includeUpper)) {
        if (stopAtUpper) return;
        continue;
      }
    }
    found(t);
  }
}
