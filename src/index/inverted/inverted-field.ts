/**
 * The in-memory form of one text field's inverted index within one segment:
 * a term dictionary and compressed postings. Each term's postings are cut
 * into blocks of POSTINGS_BLOCK_SIZE; a block stores its skip points, document
 * gaps and frequencies bit-packed at one width each, and keeps its last document,
 * largest frequency and shortest length (norm) uncompressed for skipping and
 * for block-max score bounds.
 */

/** Arrays of an inverted field (see format.ts for the file layout). */
export interface InvertedFieldData {
  /**
   * UTF-8 bytes of all terms, concatenated in term-id order; term ids follow the
   * terms' JavaScript string order (UTF-16 code units, as Array.prototype.sort).
   */
  termBytes: Uint8Array;
  /** termBytes offsets: term t is termBytes[termOffsets[t] .. termOffsets[t + 1]). */
  termOffsets: Uint32Array;
  /** Number of documents containing each term. */
  docFreq: Uint32Array;
  /** Blocks of term t are blockStart[t] .. blockStart[t + 1]. */
  blockStart: Uint32Array;
  /** Last document of each block. */
  blockLastDoc: Uint32Array;
  /** Largest frequency in each block. */
  blockMaxFreq: Uint32Array;
  /** Smallest norm byte (shortest document) in each block. */
  blockMinNorm: Uint8Array;
  /** Bit width of the block's document gaps (gap - 1) and of its frequencies (freq - 1). */
  blockDocBits: Uint8Array;
  blockFreqBits: Uint8Array;
  /**
   * First word of each block in `packed`, one extra entry at the end. A block
   * holds its skip points, gaps and frequencies, or nothing when it has one
   * posting (see postings-block-layout.ts).
   */
  blockWord: Uint32Array;
  /** Bit-packed postings of all blocks. */
  packed: Uint32Array;
  /** Lucene norm byte of each document (0 when the field is empty). */
  norms: Uint8Array;
  /** Documents with at least one term in this field. */
  docCount: number;
  /** Sum of the field lengths (number of terms) of all documents. */
  sumTotalTermFreq: number;
  /** Total number of postings. */
  numPostings: number;
  /**
   * Token positions, when the field keeps them (phrase queries): block b's
   * positions are packed at blockPosBits[b] bits from word blockPosWord[b] of
   * `positions`, posting after posting, each as its first position then the
   * gaps minus one (a posting has `freq` of them).
   */
  blockPosBits?: Uint8Array;
  blockPosWord?: Uint32Array;
  positions?: Uint32Array;
}

/**
 * An inverted field. Terms are found by binary search over the sorted term list
 * until the field has answered enough lookups to pay for a hash map of every term
 * (a merge looks up every term; a search a handful): a newly opened segment's first
 * query does not wait for a map of its whole vocabulary.
 */
export class InvertedField {
  private dict: Map<string, number> | null = null;
  private lookups = 0;
  private textBytes: Buffer | null = null;

  constructor(readonly data: InvertedFieldData) {}

  /** Number of distinct terms. */
  get numTerms(): number {
    return this.data.termOffsets.length - 1;
  }

  /** Term id of `term`, or -1. */
  termId(term: string): number {
    if (this.dict === null) {
      // A map costs about as much as numTerms / 16 binary searches of log2(numTerms) probes.
      if (++this.lookups <= this.numTerms >>> 4) return this.searchSorted(term);
      this.dict = this.buildDictionary();
    }
    return this.dict.get(term) ?? -1;
  }

  /** Number of documents containing term `t`. */
  docFreq(t: number): number {
    return this.data.docFreq[t]!;
  }

  /** The text of term `t`. */
  term(t: number): string {
    const d = this.data;
    return this.bytes().toString('utf8', d.termOffsets[t], d.termOffsets[t + 1]);
  }

  private bytes(): Buffer {
    const d = this.data;
    this.textBytes ??= Buffer.from(d.termBytes.buffer, d.termBytes.byteOffset, d.termBytes.byteLength);
    return this.textBytes;
  }

  /** The term ids [from, to) of the terms starting with `prefix` (terms are sorted, so they are contiguous). */
  prefixRange(prefix: string): [number, number] {
    let lo = 0;
    let hi = this.numTerms;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.term(mid) < prefix) lo = mid + 1;
      else hi = mid;
    }
    let to = lo;
    while (to < this.numTerms && this.term(to).startsWith(prefix)) to++;
    return [lo, to];
  }

  /** Binary search over the terms, compared as JavaScript strings (their sort order). */
  private searchSorted(term: string): number {
    let lo = 0;
    let hi = this.numTerms - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.term(mid);
      if (t === term) return mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private buildDictionary(): Map<string, number> {
    const d = this.data;
    const bytes = this.bytes();
    const map = new Map<string, number>();
    const n = this.numTerms;
    for (let t = 0; t < n; t++) map.set(bytes.toString('utf8', d.termOffsets[t], d.termOffsets[t + 1]), t);
    return map;
  }
}
