/**
 * Reads the token positions of a postings cursor's current document. A block's
 * positions are unpacked once, when the first of its documents asks (phrase
 * matching asks only for documents that have every phrase term), and reused
 * for the block's other documents.
 */
import { packedWords, unpackBits } from '../../kernels/bit-packing.js';
import type { InvertedFieldData } from './inverted-field.js';
import type { PostingsCursor } from './postings-cursor.js';

/** Positions of the current document of one cursor. */
export class PositionsReader {
  private data: InvertedFieldData | null = null;
  private block = -1;
  /** Start of each posting's positions in `unpacked` (block postings + 1). */
  private readonly starts = new Uint32Array(129);
  private readonly freqs = new Uint32Array(128);
  private unpacked = new Uint32Array(0);

  constructor(private readonly cursor: PostingsCursor) {}

  /** Follows the cursor over `data`, the field its term belongs to (call after cursor.reset). */
  reset(data: InvertedFieldData): void {
    if (data.positions === undefined) throw new Error('this field keeps no positions');
    this.data = data;
    this.block = -1;
  }

  /**
   * Writes the positions of the cursor's current document, ascending, into
   * `out` (grown when too short; the possibly new array is returned with the count).
   */
  read(out: Uint32Array<ArrayBuffer>): { positions: Uint32Array<ArrayBuffer>; count: number } {
    const c = this.cursor;
    const d = this.data!;
    if (c.block !== this.block) this.loadBlock(d, c.block, c.blockCount);
    const i = c.indexInBlock;
    const from = this.starts[i]!;
    const count = this.starts[i + 1]! - from;
    let buf = out;
    if (buf.length < count) buf = new Uint32Array(Math.max(count, buf.length * 2));
    const src = this.unpacked;
    let at = src[from]!;
    buf[0] = at;
    for (let j = 1; j < count; j++) {
      at += src[from + j]! + 1;
      buf[j] = at;
    }
    return { positions: buf, count };
  }

  private loadBlock(d: InvertedFieldData, b: number, count: number): void {
    const freqStart = d.blockWord[b]! + packedWords(count, d.blockDocBits[b]!);
    unpackBits(d.packed, freqStart, count, d.blockFreqBits[b]!, this.freqs);
    const starts = this.starts;
    starts[0] = 0;
    for (let j = 0; j < count; j++) starts[j + 1] = starts[j]! + this.freqs[j]! + 1;
    const total = starts[count]!;
    if (this.unpacked.length < total) this.unpacked = new Uint32Array(Math.max(total, 256, this.unpacked.length * 2));
    unpackBits(d.positions!, d.blockPosWord![b]!, total, d.blockPosBits![b]!, this.unpacked);
    this.block = b;
  }
}
