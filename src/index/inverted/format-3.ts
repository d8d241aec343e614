/**
 * Inverted fields written in format versions 2 and 3, converted to the
 * in-memory layout of version 4 when read: those versions kept three skip
 * points for every block in a separate array and packed one-posting blocks
 * like any other; version 4 puts a block's skip points in front of its gaps
 * and stores nothing for a one-posting block (postings-block-layout.ts).
 */
import { packedWords } from '../../kernels/bit-packing.js';
import type { SectionFile } from '../../io/section-file.js';
import type { InvertedFieldData } from './inverted-field.js';
import { POSTINGS_BLOCK_SIZE } from './params.js';
import { blockWords, skipPoints } from './postings-block-layout.js';

/** Skip points per block in formats 2 and 3. */
const FORMAT_3_SKIPS_PER_BLOCK = 3;

/** The arrays of a format 2 or 3 file, in the current layout. */
export function fromFormat3(f: SectionFile): InvertedFieldData {
  const docFreq = f.get('docFreq', Uint32Array);
  const blockStart = f.get('blockStart', Uint32Array);
  const oldWord = f.get('blockWord', Uint32Array);
  const oldPacked = f.get('packed', Uint32Array);
  const skipDoc = f.get('blockSkipDoc', Uint32Array);
  const blockDocBits = f.get('blockDocBits', Uint8Array).slice();
  const blockFreqBits = f.get('blockFreqBits', Uint8Array).slice();
  const numBlocks = blockDocBits.length;
  const counts = new Uint32Array(numBlocks);
  for (let t = 0; t + 1 < blockStart.length; t++) {
    const first = blockStart[t]!;
    const last = blockStart[t + 1]! - 1;
    for (let b = first; b <= last; b++) counts[b] = b < last ? POSTINGS_BLOCK_SIZE : docFreq[t]! - (last - first) * POSTINGS_BLOCK_SIZE;
  }
  const blockWord = new Uint32Array(numBlocks + 1);
  for (let b = 0; b < numBlocks; b++) {
    if (counts[b] === 1) blockDocBits[b] = blockFreqBits[b] = 0;
    blockWord[b + 1] = blockWord[b]! + blockWords(counts[b]!, blockDocBits[b]!, blockFreqBits[b]!);
  }
  const packed = new Uint32Array(blockWord[numBlocks]!);
  for (let b = 0; b < numBlocks; b++) {
    const count = counts[b]!;
    if (count === 1) continue;
    const skips = skipPoints(count);
    packed.set(skipDoc.subarray(b * FORMAT_3_SKIPS_PER_BLOCK, b * FORMAT_3_SKIPS_PER_BLOCK + skips), blockWord[b]!);
    const words = packedWords(count, blockDocBits[b]!) + packedWords(count, blockFreqBits[b]!);
    packed.set(oldPacked.subarray(oldWord[b]!, oldWord[b]! + words), blockWord[b]! + skips);
  }
  return {
    termBytes: f.get('termBytes', Uint8Array),
    termOffsets: f.get('termOffsets', Uint32Array),
    docFreq,
    blockStart,
    blockLastDoc: f.get('blockLastDoc', Uint32Array),
    blockMaxFreq: f.get('blockMaxFreq', Uint32Array),
    blockMinNorm: f.get('blockMinNorm', Uint8Array),
    blockDocBits,
    blockFreqBits,
    blockWord,
    packed,
    norms: f.get('norms', Uint8Array),
    docCount: Number(f.meta.docCount),
    sumTotalTermFreq: Number(f.meta.sumTotalTermFreq),
    numPostings: Number(f.meta.numPostings),
    ...(f.has('positions')
      ? {
          blockPosBits: f.get('blockPosBits', Uint8Array),
          blockPosWord: f.get('blockPosWord', Uint32Array),
          positions: f.get('positions', Uint32Array),
        }
      : {}),
  };
}
