/**
 * Where a postings block lies in `packed` (format version 4): first its skip
 * points (the document at every SKIP_INTERVAL-th posting, so that advancing
 * reads at most that many gaps), then its gaps, then its frequencies, each
 * group at the block's bit width. A block of one posting stores nothing: its
 * document is the block's last document and its frequency the block's largest,
 * which the block metadata keeps anyway. Half of a typical vocabulary occurs
 * once, so this and storing skip points only where a block has them are most
 * of what format 4 saves over format 3.
 */
import { packedWords } from '../../kernels/bit-packing.js';
import { SKIP_INTERVAL } from './params.js';

/** Skip points stored in front of a block of `count` postings (postings SKIP_INTERVAL, 2 x SKIP_INTERVAL, … before its end). */
export function skipPoints(count: number): number {
  return count <= SKIP_INTERVAL ? 0 : Math.floor((count - 1) / SKIP_INTERVAL);
}

/** Words of `packed` a block of `count` postings takes with these bit widths. */
export function blockWords(count: number, docBits: number, freqBits: number): number {
  return count <= 1 ? 0 : skipPoints(count) + packedWords(count, docBits) + packedWords(count, freqBits);
}

/** First word of a block's frequencies, from the block's first word (count > 1). */
export function freqWord(blockWord: number, count: number, docBits: number): number {
  return blockWord + skipPoints(count) + packedWords(count, docBits);
}
