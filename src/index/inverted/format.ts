/** File layout of an inverted field: one section file of kind "INVF". */
import { readSectionFile, readSectionTableOfContents, writeSectionFile, type WrittenFile } from '../../io/section-file.js';
import type { InvertedFieldData } from './inverted-field.js';

const KIND = 'INVF';
/** Version 3 may hold token positions (three more sections); versions 2 and 3 are read. */
const VERSION = 3;

/** Writes an inverted field to `path`. */
export function writeInvertedField(path: string, d: InvertedFieldData): WrittenFile {
  return writeSectionFile(
    path,
    KIND,
    VERSION,
    {
      termBytes: d.termBytes,
      termOffsets: d.termOffsets,
      docFreq: d.docFreq,
      blockStart: d.blockStart,
      blockLastDoc: d.blockLastDoc,
      blockMaxFreq: d.blockMaxFreq,
      blockMinNorm: d.blockMinNorm,
      blockDocBits: d.blockDocBits,
      blockFreqBits: d.blockFreqBits,
      blockWord: d.blockWord,
      blockSkipDoc: d.blockSkipDoc,
      packed: d.packed,
      norms: d.norms,
      ...(d.positions !== undefined && d.blockPosBits !== undefined && d.blockPosWord !== undefined
        ? { blockPosBits: d.blockPosBits, blockPosWord: d.blockPosWord, positions: d.positions }
        : {}),
    },
    { docCount: d.docCount, sumTotalTermFreq: d.sumTotalTermFreq, numPostings: d.numPostings },
  );
}

/** Terms and postings of an inverted field file, and whether it keeps positions, from its table of contents alone. */
export function readInvertedFieldCounts(path: string): { terms: number; postings: number; positions: boolean } {
  const toc = readSectionTableOfContents(path, KIND, VERSION);
  const offsets = toc.sections.find((s) => s.name === 'termOffsets');
  return { terms: Math.max(0, (offsets?.length ?? 1) - 1), postings: Number(toc.meta.numPostings), positions: toc.sections.some((s) => s.name === 'positions') };
}

/** Reads an inverted field, verifying its header, size and checksum. */
export function readInvertedField(path: string, expect?: { bytes?: number; verifyChecksum?: boolean }): InvertedFieldData {
  const f = readSectionFile(path, KIND, VERSION, expect);
  return {
    termBytes: f.get('termBytes', Uint8Array),
    termOffsets: f.get('termOffsets', Uint32Array),
    docFreq: f.get('docFreq', Uint32Array),
    blockStart: f.get('blockStart', Uint32Array),
    blockLastDoc: f.get('blockLastDoc', Uint32Array),
    blockMaxFreq: f.get('blockMaxFreq', Uint32Array),
    blockMinNorm: f.get('blockMinNorm', Uint8Array),
    blockDocBits: f.get('blockDocBits', Uint8Array),
    blockFreqBits: f.get('blockFreqBits', Uint8Array),
    blockWord: f.get('blockWord', Uint32Array),
    blockSkipDoc: f.get('blockSkipDoc', Uint32Array),
    packed: f.get('packed', Uint32Array),
    norms: f.get('norms', Uint8Array),
    docCount: Number(f.meta.docCount),
    sumTotalTermFreq: Number(f.meta.sumTotalTermFreq),
    numPostings: Number(f.meta.numPostings),
    ...(f.has('positions')
      ? { blockPosBits: f.get('blockPosBits', Uint8Array), blockPosWord: f.get('blockPosWord', Uint32Array), positions: f.get('positions', Uint32Array) }
      : {}),
  };
}
