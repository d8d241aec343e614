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
 * two code point arrays, or `max + 1` as soon as it must exceed `max`.
 * `rows` is scratch space of at least 3 × (b.length + 1).
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

/** Decodes UTF-8 `bytes[from, to)` into code points; returns how many. */
function decodeCodePoints(bytes: Uint8Array, from: number, to: number, out: Uint32Array): number {
  let n = 0;
  for (let i = from; i < to; ) {
    const b = bytes[i]!;
    let cp: number;
    if (b < 0x80) {
      cp = b;
      i += 1;
    } else if (b < 0xe0) {
      cp = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      cp = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      cp = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      i += 4;
    }
    out[n++] = cp;
  }
  return n;
}

/**
 * Edit distances (at most `maxEdits`) from `query` to every term of one field.
 * Terms are sorted, so consecutive terms share prefixes: the table rows of a
 * shared prefix are kept from the previous term and only the rows of the new
 * characters are computed, and once a row exceeds `maxEdits` everywhere the
 * rest of the term is not looked at. Calls `found` with each term id and its distance.
 */
export function forEachTermWithin(fd: InvertedField, query: Uint32Array, qLen: number, maxEdits: number, found: (t: number, edits: number) => void): void {
  const bytes = fd.data.termBytes;
  const offsets = fd.data.termOffsets;
  const w = qLen + 1;
  let cur = new Uint32Array(64);
  let prev = new Uint32Array(64);
  let prevLen = 0;
  let rows = new Int32Array(65 * w);
  for (let j = 0; j <= qLen; j++) rows[j] = j;
  /** Rows 0..valid of the table are those of prev's first `valid` code points. */
  let valid = 0;
  for (let t = 0; t < fd.numTerms; t++) {
    const from = offsets[t]!;
    const to = offsets[t + 1]!;
    if (to - from > cur.length) {
      const size = (to - from) * 2;
      cur = new Uint32Array(size);
      const p = new Uint32Array(size);
      p.set(prev.subarray(0, prevLen));
      prev = p;
      const r = new Int32Array((size + 1) * w);
      r.set(rows.subarray(0, (valid + 1) * w));
      rows = r;
    }
    const tLen = decodeCodePoints(bytes, from, to, cur);
    let lcp = 0;
    const limit = Math.min(tLen, prevLen, valid);
    while (lcp < limit && cur[lcp] === prev[lcp]) lcp++;
    let i = lcp + 1;
    let dead = false;
    for (; i <= tLen; i++) {
      const row = i * w;
      const up = row - w;
      rows[row] = i;
      let rowMin = i;
      const ci = cur[i - 1]!;
      for (let j = 1; j <= qLen; j++) {
        const qj = query[j - 1]!;
        let d = rows[up + j]! + 1;
        const left = rows[row + j - 1]! + 1;
        if (left < d) d = left;
        const diag = rows[up + j - 1]! + (ci === qj ? 0 : 1);
        if (diag < d) d = diag;
        if (i > 1 && j > 1 && ci === query[j - 2] && cur[i - 2] === qj) {
          const tr = rows[up - w + j - 2]! + 1;
          if (tr < d) d = tr;
        }
        rows[row + j] = d;
        if (d < rowMin) rowMin = d;
      }
      if (rowMin > maxEdits) {
        dead = true;
        break;
      }
    }
    valid = dead ? i - 1 : tLen;
    const swap = prev;
    prev = cur;
    cur = swap;
    prevLen = tLen;
    if (!dead) {
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
