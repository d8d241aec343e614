/**
 * Seeks over a sorted term dictionary in its UTF-8 bytes, without decoding
 * terms: the run of terms sharing a prefix, and the first term at or after a
 * target (the fuzzy expansion's jumps).
 */

/** Whether term t's bytes start with bytes[pFrom, pTo). */
export function startsWith(bytes: Uint8Array, offsets: Uint32Array, t: number, pFrom: number, pTo: number): boolean {
  const from = offsets[t]!;
  const len = pTo - pFrom;
  if (offsets[t + 1]! - from < len) return false;
  for (let k = 0; k < len; k++) if (bytes[from + k] !== bytes[pFrom + k]) return false;
  return true;
}

/**
 * The first index in (from, end) where `holds` is false, given that it holds
 * at `from` and, once false, stays false (a sorted run): galloping out from
 * `from`, then binary search. `end` when it holds to the end.
 */
function endOfRun(from: number, end: number, holds: (i: number) => boolean): number {
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < end && holds(hi)) {
    lo = hi;
    step *= 2;
    hi = from + step;
  }
  if (hi > end) hi = end;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The last term of the run that starts at `t` and shares the prefix
 * bytes[pFrom, pTo) (sorted terms with a common prefix are contiguous).
 */
export function lastWithPrefix(bytes: Uint8Array, offsets: Uint32Array, t: number, numTerms: number, pFrom: number, pTo: number): number {
  return endOfRun(t, numTerms, (i) => startsWith(bytes, offsets, i, pFrom, pTo)) - 1;
}

/** UTF-8 bytes of a code point below U+D800. */
export function utf8Length(cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
}

/** Writes a code point below U+D800 as UTF-8 at out[at..]. */
export function writeUtf8(cp: number, out: Uint8Array, at: number): void {
  if (cp < 0x80) out[at] = cp;
  else if (cp < 0x800) {
    out[at] = 0xc0 | (cp >> 6);
    out[at + 1] = 0x80 | (cp & 0x3f);
  } else {
    out[at] = 0xe0 | (cp >> 12);
    out[at + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[at + 2] = 0x80 | (cp & 0x3f);
  }
}

/**
 * Whether term t sorts before the UTF-8 `target[0, len)`. Comparing bytes agrees
 * with the dictionary's UTF-16 order here: the target's characters are all below U+D800.
 */
function termBefore(bytes: Uint8Array, offsets: Uint32Array, t: number, target: Uint8Array, len: number): boolean {
  const from = offsets[t]!;
  const n = offsets[t + 1]! - from;
  const m = n < len ? n : len;
  for (let k = 0; k < m; k++) {
    const a = bytes[from + k]!;
    const b = target[k]!;
    if (a !== b) return a < b;
  }
  return n < len;
}

/** The first term id in [from, numTerms) not before the target (terms are sorted). */
export function firstAtOrAfter(
  bytes: Uint8Array,
  offsets: Uint32Array,
  from: number,
  numTerms: number,
  target: Uint8Array,
  len: number,
): number {
  if (from >= numTerms || !termBefore(bytes, offsets, from, target, len)) return from;
  return endOfRun(from, numTerms, (i) => termBefore(bytes, offsets, i, target, len));
}
