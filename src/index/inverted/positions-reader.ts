/**
 * Reads the token positions of a postings cursor's current document. A block
 * packs its positions at one bit width, so once the block's frequencies give
 * where each posting's positions start, one document's positions are read
 * straight from the packed words (phrase matching asks only for the documents
 * that have every phrase term, usually few of a block's).
 */
import { unpackBits } from '../../kernels/bit-packing.js';
import type { InvertedFieldData } from './inverted-field.js';
import { freqWord } from './postings-block-layout.js';
import type { PostingsCursor } from './postings-cursor.js';

/** Positions of the current document of one cursor. */
export class PositionsReader {
  private data: InvertedFieldData | null = null;
  private block = -1;
  /** Start of each posting's positions in `unpacked` (block postings + 1). */
  private readonly starts = new Uint32Array(129);
  private readonly freqs = new Uint32Array(128);
  private word = 0;
  private bits = 0;

  constructor(private readonly cursor: PostingsCursor) {}

  /** Follows the cursor over `data`, the field its term belongs to (call after cursor.reset). */
  reset(data: InvertedFieldData): void {
    if (data.positions === undefined) throw new Error('this field keeps no positions');
    this.data = data;
    this.block = -1;
  }

  /** The current document's positions after `read`, ascending, in positions[0 .. count). */
  positions = new Uint32Array(16);

  /** Reads the positions of the cursor's current document into `positions`; returns how many. */
  read(): number {
    const c = this.cursor;
    const d = this.data!;
    if (c.block !== this.block) this.loadBlock(d, c.block, c.blockCount);
    const i = c.indexInBlock;
    const from = this.starts[i]!;
    const count = this.starts[i + 1]! - from;
    if (this.positions.length < count) this.positions = new Uint32Array(Math.max(count, this.positions.length * 2));
    const buf = this.positions;
    const packed = d.positions!;
    const bits = this.bits;
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    let bit = from * bits;
    let at = -1;
    for (let j = 0; j < count; j++, bit += bits) {
      let v = 0;
      if (bits > 0) {
        const w = this.word + (bit >>> 5);
        const sh = bit & 31;
        v = packed[w]! >>> sh;
        if (sh + bits > 32) v |= packed[w + 1]! << (32 - sh);
        v = (v & mask) >>> 0;
      }
      // the first position as is, then gaps minus one
      at = j === 0 ? v : at + v + 1;
      buf[j] = at;
    }
    return count;
  }

  private loadBlock(d: InvertedFieldData, b: number, count: number): void {
    if (count === 1) this.freqs[0] = d.blockMaxFreq[b]! - 1;
    else unpackBits(d.packed, freqWord(d.blockWord[b]!, count, d.blockDocBits[b]!), count, d.blockFreqBits[b]!, this.freqs);
    const starts = this.starts;
    starts[0] = 0;
    for (let j = 0; j < count; j++) starts[j + 1] = starts[j]! + this.freqs[j]! + 1;
    this.word = d.blockPosWord![b]!;
    this.bits = d.blockPosBits![b]!;
    this.block = b;
  }
}
