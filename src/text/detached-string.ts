/**
 * A copy of a string that shares no memory with the string it came from.
 *
 * V8 represents `text.slice(a, b)` of 13 or more characters as a view into
 * `text`, and `toLowerCase()` of an already lower-case view returns the view
 * itself. A token kept for long (a segment's vocabulary keeps each term's first
 * occurrence until the segment is written) would then keep its whole document
 * alive: a Map of one distinct long word from each of 50,000 documents of
 * 10 KB held 505 MB, a Map of their copies 4 MB (`bench/bm25/long-terms-memory.ts`).
 */
export function detachedString(s: string): string {
  // a round trip through bytes is the one way to a fresh flat string that does not lean on engine internals
  return Buffer.from(s, 'utf16le').toString('utf16le');
}
