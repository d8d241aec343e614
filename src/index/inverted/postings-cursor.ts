/**
 * Iterates one term's compressed postings. Within a block, gaps are read one
 * at a time straight from the bit-packed words (fixed width, so the j-th gap
 * and the j-th frequency are at known bit offsets): moving forward costs a
 * few operations per posting, frequencies are read only for documents that
 * are scored, and skipping past whole blocks uses their last document and
 * reads nothing. Cursors are pooled by the searcher and reset per query.
 */
import { packedWords, unpackBits } from '../../kernels/bit-packing.js';
import type { InvertedFieldData } from './inverted-field.js';
import { POSTINGS_BLOCK_SIZE, SKIP_INTERVAL } from './params.js';
import { skipPoints } from './postings-block-layout.js';

/** Sentinel document number past every real document. */
export const NO_MORE_DOCS = 0xffffffff;

/** Reads the `j`-th value of `bits` bits starting at word `start`. */
function readPacked(packed: Uint32Array, start: number, j: number, bits: number, mask: number): number {
  const bitPos = j * bits;
  const w = start + (bitPos >>> 5);
  const sh = bitPos & 31;
  let v = packed[w]! >>> sh;
  if (sh + bits > 32) v |= packed[w + 1]! << (32 - sh);
  return (v & mask) >>> 0;
}

/** A cursor over one term's postings. */
export class PostingsCursor {
  /** Current document, or NO_MORE_DOCS. */
  doc = NO_MORE_DOCS;
  /** Current block (absolute block number). */
  block = 0;
  firstBlock = 0;
  lastBlock = 0;
  df = 0;
  private packed: Uint32Array = new Uint32Array(0);
  private lastDocs: Uint32Array = new Uint32Array(0);
  private data!: InvertedFieldData;
  private count = 0;
  private i = 0;
  private skipStart = 0;
  private skips = 0;
  private docStart = 0;
  private docBits = 0;
  private docMask = 0;
  private freqStart = 0;
  private freqBits = 0;
  private freqMask = 0;
  /** The frequency when freqBits is 0: 1, or the only posting's frequency in a one-posting block. */
  private freqOne = 1;

  /** Positions the cursor on the first posting of term `t`. */
  reset(data: InvertedFieldData, t: number): void {
    this.data = data;
    this.packed = data.packed;
    this.lastDocs = data.blockLastDoc;
    this.firstBlock = data.blockStart[t]!;
    this.lastBlock = data.blockStart[t + 1]!;
    this.df = data.docFreq[t]!;
    this.loadBlock(this.firstBlock);
  }

  /** Frequency of the current document. */
  freq(): number {
    return this.freqBits === 0 ? this.freqOne : readPacked(this.packed, this.freqStart, this.i, this.freqBits, this.freqMask) + 1;
  }

  /** Moves to the next posting. */
  next(): number {
    if (++this.i < this.count) {
      return (this.doc += 1 + (this.docBits === 0 ? 0 : readPacked(this.packed, this.docStart, this.i, this.docBits, this.docMask)));
    }
    this.loadBlock(this.block + 1);
    return this.doc;
  }

  /** Moves to the first posting with document >= target. */
  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    const last = this.lastDocs;
    if (last[this.block]! < target) {
      let b = this.block + 1;
      while (b < this.lastBlock && last[b]! < target) b++;
      this.loadBlock(b);
      if (this.doc >= target) return this.doc;
    }
    // The block's last document is >= target: jump to the last skip point at or
    // before target, then walk the gaps.
    const packed = this.packed;
    const bits = this.docBits;
    let doc = this.doc;
    let i = this.i;
    const sBase = this.skipStart;
    const skips = this.skips;
    for (let s = (i / SKIP_INTERVAL) | 0; s < skips; s++) {
      const sd = packed[sBase + s]!;
      if (sd > target) break;
      i = (s + 1) * SKIP_INTERVAL;
      doc = sd;
    }
    if (bits === 0) {
      i += target - doc;
      doc = target;
    } else {
      const start = this.docStart;
      const mask = this.docMask;
      while (doc < target) doc += 1 + readPacked(packed, start, ++i, bits, mask);
    }
    this.i = i;
    return (this.doc = doc);
  }

  /** Last document of the current block (NO_MORE_DOCS when exhausted). */
  blockEnd(): number {
    return this.doc === NO_MORE_DOCS ? NO_MORE_DOCS : this.lastDocs[this.block]!;
  }

  /** The block that would hold `target`, without reading postings (lastBlock when past the end). */
  shallowBlock(target: number): number {
    const last = this.lastDocs;
    let b = this.block;
    while (b < this.lastBlock && last[b]! < target) b++;
    return b;
  }

  /** Number of postings in the current block. */
  get blockCount(): number {
    return this.count;
  }

  /** Index of the current posting within its block. */
  get indexInBlock(): number {
    return this.i;
  }

  /**
   * Decodes the rest of the current block into `docs` and `freqs` (from index
   * 0 of the buffers) and moves to the next block. Returns how many postings
   * were written, 0 when exhausted. Used by exhaustive scoring.
   */
  drainBlock(docs: Uint32Array, freqs: Uint32Array): number {
    if (this.doc === NO_MORE_DOCS) return 0;
    const d = this.data;
    const b = this.block;
    const count = this.count;
    if (count === 1) {
      docs[0] = this.doc;
      freqs[0] = this.freqOne;
      this.loadBlock(b + 1);
      return 1;
    }
    unpackBits(d.packed, this.docStart, count, this.docBits, docs);
    unpackBits(d.packed, this.freqStart, count, this.freqBits, freqs);
    let prev = b === this.firstBlock ? -1 : d.blockLastDoc[b - 1]!;
    for (let j = 0; j < count; j++) {
      prev = docs[j] = prev + 1 + docs[j]!;
      freqs[j] = freqs[j]! + 1;
    }
    const from = this.i;
    if (from > 0) {
      docs.copyWithin(0, from, count);
      freqs.copyWithin(0, from, count);
    }
    this.loadBlock(b + 1);
    return count - from;
  }

  /** Enters block `b` (or marks the cursor exhausted). */
  private loadBlock(b: number): void {
    this.block = b;
    this.i = 0;
    if (b >= this.lastBlock) {
      this.count = 0;
      this.doc = NO_MORE_DOCS;
      return;
    }
    const d = this.data;
    const count = b < this.lastBlock - 1 ? POSTINGS_BLOCK_SIZE : this.df - (this.lastBlock - 1 - this.firstBlock) * POSTINGS_BLOCK_SIZE;
    this.count = count;
    if (count === 1) {
      this.docBits = 0;
      this.freqBits = 0;
      this.freqOne = d.blockMaxFreq[b]!;
      this.skips = 0;
      this.doc = this.lastDocs[b]!;
      return;
    }
    const docBits = d.blockDocBits[b]!;
    const freqBits = d.blockFreqBits[b]!;
    this.docBits = docBits;
    this.docMask = docBits === 32 ? 0xffffffff : (1 << docBits) - 1;
    this.freqBits = freqBits;
    this.freqMask = freqBits === 32 ? 0xffffffff : (1 << freqBits) - 1;
    this.freqOne = 1;
    this.skipStart = d.blockWord[b]!;
    this.skips = skipPoints(count);
    this.docStart = this.skipStart + this.skips;
    this.freqStart = this.docStart + packedWords(count, docBits);
    const base = b === this.firstBlock ? -1 : this.lastDocs[b - 1]!;
    this.doc = base + 1 + (docBits === 0 ? 0 : readPacked(this.packed, this.docStart, 0, docBits, this.docMask));
  }
}
