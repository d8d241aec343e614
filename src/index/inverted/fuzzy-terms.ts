/**
 * The terms a fuzzy query expands to, as Lucene's FuzzyQuery chooses them
 * (Levenshtein automata with transpositions; TopTermsBlendedFreqScoringRewrite):
 * every term of the field within `maxEdits` insertions, deletions,
 * substitutions or transpositions of adjacent characters (counted in code
 * points), boosted by 1 - edits / min(length of term, length of query text)
 * (terms boosted 0 match with score 0; below 0 they are left out),
 * the `maxExpansions` best by boost (then term order), all scored with the
 * largest document frequency among them so the rarest misspelling does not
 * rank first.
 */
import type { InvertedField } from './inverted-field.js';
import { firstAtOrAfter, lastWithPrefix, utf8Length, writeUtf8 } from './dictionary-seek.js';
import { checkDeadline } from '../../core/deadline.js';

/** One expansion of a fuzzy term. */
export interface FuzzyExpansion {
  term: string;
  /** 1 for the term itself, 1 - edits / min(term length, query length) for the others. */
  boost: number;
  /** The blended document frequency: the largest among the chosen expansions. */
  docFreq: number;
}

const f = Math.fround;

/**
 * Restricted Damerau-Levenshtein distance (optimal string alignment) between
 * two code point arrays, or `max + 1` as soon as it must exceed `max`: the
 * reference the dictionary walk is tested against. `rows` is scratch space of
 * at least 3 × (b.length + 1).
 */
export function editDistanceWithin(a: Uint32Array, aLen: number, b: Uint32Array, bLen: number, max: number, rows: Int32Array): number {
  if (Math.abs(aLen - bLen) > max) return max + 1;
  const w = bLen + 1;
  // row i of the table lives at offset (i % 3) * w: the current row, the previous and the one before
  for (let j = 0; j <= bLen; j++) rows[j] = j;
  for (let i = 1; i <= aLen; i++) {
    const cur = (i % 3) * w;
    const prev = ((i - 1) % 3) * w;
    const prev2 = ((i + 1) % 3) * w;
    rows[cur] = i;
    let rowMin = i;
    const ai = a[i - 1]!;
    for (let j = 1; j <= bLen; j++) {
      const bj = b[j - 1]!;
      let d = Math.min(rows[prev + j]! + 1, rows[cur + j - 1]! + 1, rows[prev + j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b[j - 2] && a[i - 2] === bj) d = Math.min(d, rows[prev2 + j - 2]! + 1);
      rows[cur + j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
  }
  return rows[(aLen % 3) * w + bLen]!;
}

/** A table value past any edit limit. */
const FAR = 0x3fffffff;

/**
 * Where the dictionary walk goes after a term died at row `dead`: the deepest
 * level L <= dead at which some character greater than the term's L-th can
 * still lead within `maxEdits` (Lucene's AutomatonTermsEnum finds the next
 * string its automaton accepts the same way), and the smallest such
 * character (written to `char[0]`; the level is returned). A level accepts any character when a cell of the row above is
 * one edit short of the limit (the character can be deleted), as at every
 * level L <= maxEdits (column 0 holds L).
 * Level 0 means no term after this one can match; -1 when a
 * character is beyond U+D7FF, where code point order and the dictionary's
 * UTF-16 order part (then only the dead prefix's terms are skipped).
 */
function nextViable(
  dead: number,
  cps: Uint32Array,
  rows: Int32Array,
  w: number,
  query: Uint32Array,
  qLen: number,
  maxEdits: number,
  char: Uint32Array,
): number {
  for (let level = dead; level >= 1; level--) {
    const c = cps[level - 1]!;
    if (c >= 0xd800) return -1;
    let best = Infinity;
    let anyChar = level <= maxEdits;
    // only the band |j - row| <= maxEdits of a row can be within reach
    const bandLo = Math.max(0, level - 1 - maxEdits);
    const bandHi = Math.min(qLen, level - 1 + maxEdits);
    // a cell of row level - 1 one edit short of the limit lets any character through (deleting it)
    for (let j = bandLo; !anyChar && j <= bandHi; j++) if (cell(rows, w, level - 1, j, maxEdits) + 1 <= maxEdits) anyChar = true;
    if (anyChar) best = c + 1;
    else {
      // row level - 1 is alive; a character v brings cell (level, j) within reach through a match on the
      // diagonal (v = query[j - 1]) or a transposition (v = query[j - 2], previous character = query[j - 1])
      for (let j = bandLo + 1, end = Math.min(qLen, bandHi + 2); j <= end; j++) {
        const v = query[j - 1]!;
        if (v > c && v < best && cell(rows, w, level - 1, j - 1, maxEdits) <= maxEdits) best = v;
        if (j > 1 && level > 1 && cps[level - 2] === v) {
          const tv = query[j - 2]!;
          if (tv > c && tv < best && cell(rows, w, level - 2, j - 2, maxEdits) + 1 <= maxEdits) best = tv;
        }
      }
    }
    if (best >= 0xd800) {
      if (best !== Infinity) return -1;
      continue;
    }
    char[0] = best;
    return level;
  }
  return 0;
}

/** Cell (row, j) of the table: only the band |j - row| <= maxEdits (and column 0) is kept up to date. */
function cell(rows: Int32Array, w: number, row: number, j: number, maxEdits: number): number {
  if (j === 0) return row;
  return j < row - maxEdits || j > row + maxEdits ? FAR : rows[row * w + j]!;
}

/**
 * Edit distances (at most `maxEdits`) from `query` to every term of one field.
 * Terms are sorted, so consecutive terms share prefixes: the table rows of a
 * shared prefix are kept from the previous term and only the rows of the new
 * characters are computed, and once a row exceeds `maxEdits` everywhere the
 * rest of the term, and every term sharing its prefix, is passed over. Calls
 * `found` with each term id and its distance.
 */
export function forEachTermWithin(
  fd: InvertedField,
  query: Uint32Array,
  qLen: number,
  maxEdits: number,
  found: (t: number, edits: number) => void,
): void {
  const bytes = fd.data.termBytes;
  const offsets = fd.data.termOffsets;
  const w = qLen + 1;
  // cps[i]: code point i of the current term; starts[i]: its byte offset within the term (starts[i + 1] its end).
  // A term shares these with the previous one up to their common prefix, so only the rest is decoded.
  let cps = new Uint32Array(64);
  let starts = new Uint32Array(65);
  let rows = new Int32Array(65 * w);
  for (let j = 0; j <= qLen; j++) rows[j] = j;
  /** Rows 0..valid of the table (and cps[0..valid)) are those of the previous term's first `valid` code points. */
  let valid = 0;
  let prevFrom = 0;
  let prevTo = 0;
  let target = new Uint8Array(64);
  const nextChar = new Uint32Array(1);
  for (let t = 0; t < fd.numTerms; t++) {
    checkDeadline();
    const from = offsets[t]!;
    const to = offsets[t + 1]!;
    const len = to - from;
    if (len + 1 > starts.length) {
      const size = len * 2 + 1;
      const c = new Uint32Array(size);
      c.set(cps.subarray(0, valid));
      cps = c;
      const st = new Uint32Array(size + 1);
      st.set(starts.subarray(0, valid + 1));
      starts = st;
      const r = new Int32Array((size + 1) * w);
      r.set(rows.subarray(0, (valid + 1) * w));
      rows = r;
    }
    // common prefix with the previous term, in bytes, then in whole code points still valid
    const maxB = Math.min(len, prevTo - prevFrom, starts[valid]!);
    let b = 0;
    while (b < maxB && bytes[from + b] === bytes[prevFrom + b]) b++;
    let lcp = 0;
    while (lcp < valid && starts[lcp + 1]! <= b) lcp++;
    let i = lcp + 1;
    let at = starts[lcp]!;
    let dead = false;
    for (; at < len; i++) {
      // decode code point i - 1
      const b0 = bytes[from + at]!;
      let cp: number;
      if (b0 < 0x80) {
        cp = b0;
        at += 1;
      } else if (b0 < 0xe0) {
        cp = ((b0 & 0x1f) << 6) | (bytes[from + at + 1]! & 0x3f);
        at += 2;
      } else if (b0 < 0xf0) {
        cp = ((b0 & 0x0f) << 12) | ((bytes[from + at + 1]! & 0x3f) << 6) | (bytes[from + at + 2]! & 0x3f);
        at += 3;
      } else {
        cp =
          ((b0 & 0x07) << 18) |
          ((bytes[from + at + 1]! & 0x3f) << 12) |
          ((bytes[from + at + 2]! & 0x3f) << 6) |
          (bytes[from + at + 3]! & 0x3f);
        at += 4;
      }
      cps[i - 1] = cp;
      starts[i] = at;
      const row = i * w;
      const up = row - w;
      rows[row] = i;
      // only cells within maxEdits of the diagonal can stay within maxEdits; the cells just outside read as too far
      const lo = i > maxEdits ? i - maxEdits : 1;
      const hi = i + maxEdits < qLen ? i + maxEdits : qLen;
      if (lo > 1) rows[row + lo - 1] = FAR;
      let rowMin = i <= maxEdits ? i : FAR;
      for (let j = lo; j <= hi; j++) {
        const qj = query[j - 1]!;
        let d = rows[up + j]! + 1;
        const left = rows[row + j - 1]! + 1;
        if (left < d) d = left;
        const diag = rows[up + j - 1]! + (cp === qj ? 0 : 1);
        if (diag < d) d = diag;
        if (i > 1 && j > 1 && cp === query[j - 2] && cps[i - 2] === qj) {
          const tr = rows[up - w + j - 2]! + 1;
          if (tr < d) d = tr;
        }
        rows[row + j] = d;
        if (d < rowMin) rowMin = d;
      }
      if (hi < qLen) rows[row + hi + 1] = FAR;
      if (rowMin > maxEdits) {
        dead = true;
        break;
      }
    }
    prevFrom = from;
    prevTo = to;
    if (dead) {
      valid = i - 1;
      const level = nextViable(i, cps, rows, w, query, qLen, maxEdits, nextChar);
      if (level < 0) {
        // Every term starting with this one's first i code points is out of reach too: jump past them.
        t = lastWithPrefix(bytes, offsets, t, fd.numTerms, from, from + starts[i]!);
      } else {
        // Jump to the first term at or after the smallest prefix that can still come within reach.
        if (level === 0) return;
        // target: this term's first level - 1 code points, then the character found (UTF-8)
        const keep = starts[level - 1]!;
        const tLenBytes = keep + utf8Length(nextChar[0]!);
        if (target.length < tLenBytes) target = new Uint8Array(tLenBytes * 2);
        for (let k = 0; k < keep; k++) target[k] = bytes[from + k]!;
        writeUtf8(nextChar[0]!, target, keep);
        t = firstAtOrAfter(bytes, offsets, t + 1, fd.numTerms, target, tLenBytes) - 1;
        valid = Math.min(valid, level - 1);
      }
      // the next term is compared with the last one jumped over, which shares the rows kept
      prevFrom = offsets[t]!;
      prevTo = offsets[t + 1]!;
      continue;
    }
    const tLen = i - 1;
    valid = tLen;
    if (Math.abs(tLen - qLen) <= maxEdits) {
      const edits = rows[tLen * w + qLen]!;
      if (edits <= maxEdits) found(t, edits);
    }
  }
}

/**
 * Expands `text` over the field in every segment (document frequencies are
 * summed over segments, as Lucene's collection statistics are).
 */
export function fuzzyExpansions(fields: readonly InvertedField[], text: string, maxEdits: number, maxExpansions: number): FuzzyExpansion[] {
  const query = Uint32Array.from([...text], (ch) => ch.codePointAt(0)!);
  const qLen = query.length;
  const found = new Map<string, { boost: number; docFreq: number }>();
  for (const fd of fields) {
    forEachTermWithin(fd, query, qLen, maxEdits, (t, ed) => {
      const s = fd.term(t);
      const seen = found.get(s);
      if (seen !== undefined) {
        seen.docFreq += fd.docFreq(t);
        return;
      }
      const boost = ed === 0 ? 1 : f(1 - f(ed / Math.min([...s].length, qLen)));
      found.set(s, { boost, docFreq: fd.docFreq(t) });
    });
  }
  const best = [...found]
    // a similarity of 0 still matches (scoring 0) and still counts in the blended frequency, as in Lucene
    .filter(([, v]) => v.boost >= 0)
    .sort((a, b) => b[1].boost - a[1].boost || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxExpansions)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let maxDf = 0;
  for (const [, v] of best) if (v.docFreq > maxDf) maxDf = v.docFreq;
  return best.map(([t, v]) => ({ term: t, boost: v.boost, docFreq: maxDf }));
}
