/**
 * The in-memory form of one text field's inverted index within one segment:
 * a term dictionary and compressed postings. Each term's postings are cut
 * into blocks of POSTINGS_BLOCK_SIZE; a block stores its document gaps and
 * frequencies bit-packed at one width each, and keeps its last document,
 * largest frequency and shortest length (norm) uncompressed for skipping and
 * for block-max score bounds.
 */

/** Arrays of an inverted field (see format.ts for the file layout). */
export interface InvertedFieldData {
  /** UTF-8 bytes of all terms, concatenated in term-id order. */
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
  /** First word of each block in `packed` (gaps first, then frequencies); one extra entry at the end. */
  blockWord: Uint32Array;
  /**
   * Skip points: the document at posting SKIP_INTERVAL * (s + 1) of each block
   * (SKIPS_PER_BLOCK entries per block; unused entries are 0).
   */
  blockSkipDoc: Uint32Array;
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
}

/** An inverted field with a term dictionary built on first use. */
export class InvertedField {
  private dict: Map<string, number> | null = null;

  constructor(readonly data: InvertedFieldData) {}

  /** Number of distinct terms. */
  get numTerms(): number {
    return this.data.termOffsets.length - 1;
  }

  /** Term id of `term`, or -1. */
  termId(term: string): number {
    if (this.dict === null) this.dict = this.buildDictionary();
    return this.dict.get(term) ?? -1;
  }

  /** Number of documents containing term `t`. */
  docFreq(t: number): number {
    return this.data.docFreq[t]!;
  }

  /** The text of term `t`. */
  term(t: number): string {
    const d = this.data;
    return Buffer.from(d.termBytes.buffer, d.termBytes.byteOffset, d.termBytes.byteLength).toString('utf8', d.termOffsets[t], d.termOffsets[t + 1]);
  }

  private buildDictionary(): Map<string, number> {
    const d = this.data;
    const bytes = Buffer.from(d.termBytes.buffer, d.termBytes.byteOffset, d.termBytes.byteLength);
    const map = new Map<string, number>();
    const n = this.numTerms;
    for (let t = 0; t < n; t++) map.set(bytes.toString('utf8', d.termOffsets[t], d.termOffsets[t + 1]), t);
    return map;
  }
}
