/**
 * Iterates one term's compressed postings block by block. Blocks are decoded
 * into reusable buffers only when the cursor enters them; frequencies are
 * decoded only when asked for; skipping past whole blocks uses their last
 * document and decodes nothing. Cursors are pooled by the searcher and reset
 * for each query, so a query allocates no per-posting memory.
 */
import { packedWords, unpackBits } from '../../kernels/bit-packing.js';
import type { InvertedFieldData } from './inverted-field.js';
import { POSTINGS_BLOCK_SIZE } from './params.js';

/** Sentinel document number past every real document. */
export const NO_MORE_DOCS = 0xffffffff;

/** A cursor over one term's postings. */
export class PostingsCursor {
  /** Current document, or NO_MORE_DOCS. */
  doc = NO_MORE_DOCS;
  /** Current block (absolute block number). */
  block = 0;
  firstBlock = 0;
  lastBlock = 0;
  df = 0;
  private data!: InvertedFieldData;
  private count = 0;
  private i = 0;
  private freqsDecoded = false;
  private readonly docs = new Uint32Array(POSTINGS_BLOCK_SIZE);
  private readonly freqs = new Uint32Array(POSTINGS_BLOCK_SIZE);

  /** Positions the cursor on the first posting of term `t`. */
  reset(data: InvertedFieldData, t: number): void {
    this.data = data;
    this.firstBlock = data.blockStart[t]!;
    this.lastBlock = data.blockStart[t + 1]!;
    this.df = data.docFreq[t]!;
    this.loadBlock(this.firstBlock);
  }

  /** Frequency of the current document. */
  freq(): number {
    if (!this.freqsDecoded) {
      const d = this.data;
      const b = this.block;
      const start = d.blockWord[b]! + packedWords(this.count, d.blockDocBits[b]!);
      unpackBits(d.packed, start, this.count, d.blockFreqBits[b]!, this.freqs);
      this.freqsDecoded = true;
    }
    return this.freqs[this.i]! + 1;
  }

  /** Moves to the next posting. */
  next(): number {
    if (++this.i < this.count) return (this.doc = this.docs[this.i]!);
    this.loadBlock(this.block + 1);
    return this.doc;
  }

  /** Moves to the first posting with document >= target. */
  advance(target: number): number {
    if (this.doc >= target) return this.doc;
    const d = this.data;
    if (d.blockLastDoc[this.block]! < target) {
      let b = this.block + 1;
      while (b < this.lastBlock && d.blockLastDoc[b]! < target) b++;
      this.loadBlock(b);
      if (this.doc >= target) return this.doc;
    }
    let i = this.i + 1;
    while (this.docs[i]! < target) i++; // the block's last doc is >= target
    this.i = i;
    return (this.doc = this.docs[i]!);
  }

  /** Last document of the current block (NO_MORE_DOCS when exhausted). */
  blockEnd(): number {
    return this.doc === NO_MORE_DOCS ? NO_MORE_DOCS : this.data.blockLastDoc[this.block]!;
  }

  /** The block that would hold `target`, without decoding anything (lastBlock when past the end). */
  shallowBlock(target: number): number {
    const last = this.data.blockLastDoc;
    let b = this.block;
    while (b < this.lastBlock && last[b]! < target) b++;
    return b;
  }

  /** Decodes block `b` (or marks the cursor exhausted). */
  private loadBlock(b: number): void {
    this.block = b;
    this.freqsDecoded = false;
    this.i = 0;
    if (b >= this.lastBlock) {
      this.count = 0;
      this.doc = NO_MORE_DOCS;
      return;
    }
    const d = this.data;
    const count = b < this.lastBlock - 1 ? POSTINGS_BLOCK_SIZE : this.df - (this.lastBlock - 1 - this.firstBlock) * POSTINGS_BLOCK_SIZE;
    this.count = count;
    const docs = this.docs;
    unpackBits(d.packed, d.blockWord[b]!, count, d.blockDocBits[b]!, docs);
    let prev = b === this.firstBlock ? -1 : d.blockLastDoc[b - 1]!;
    for (let j = 0; j < count; j++) prev = docs[j] = prev + 1 + docs[j]!;
    this.doc = docs[0]!;
  }

  /** Number of postings in the current block. */
  get blockCount(): number {
    return this.count;
  }

  /** Index of the current posting within its block. */
  get indexInBlock(): number {
    return this.i;
  }

  /** Decoded documents of the current block (valid up to blockCount). */
  get blockDocs(): Uint32Array {
    return this.docs;
  }

  /** Decoded frequencies minus one of the current block (call freq() first to decode them). */
  get blockFreqsMinusOne(): Uint32Array {
    return this.freqs;
  }

  /** Leaves the current block and decodes the next. */
  nextBlock(): void {
    this.loadBlock(this.block + 1);
  }
}
