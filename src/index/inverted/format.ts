/** File layout of an inverted field: one section file of kind "INVF". */
import {
  narrowUint32,
  readSectionFile,
  readSectionTableOfContents,
  writeSectionFile,
  type SectionFile,
  type WrittenFile,
} from '../../io/section-file.js';
import { fromFormat3 } from './format-3.js';
import type { InvertedFieldData } from './inverted-field.js';

const KIND = 'INVF';
/**
 * Version 4 stores skip points only where a block has them and nothing for
 * one-posting blocks (postings-block-layout.ts), its offsets as differences,
 * and every count in the narrowest integer type that holds it. Versions 2 and 3
 * (3 may hold token positions) are read and converted in memory.
 */
const VERSION = 4;

/** Differences of an offsets array that starts at 0 (its first entry dropped). */
function differences(offsets: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.max(0, offsets.length - 1));
  for (let i = 0; i < out.length; i++) out[i] = offsets[i + 1]! - offsets[i]!;
  return out;
}

/** The offsets array whose differences `f` holds under `name`. */
function offsetsOf(f: SectionFile, name: string): Uint32Array {
  const d = f.getUint32(name);
  const out = new Uint32Array(d.length + 1);
  for (let i = 0; i < d.length; i++) out[i + 1] = out[i]! + d[i]!;
  return out;
}

/** Writes an inverted field to `path`. */
export function writeInvertedField(path: string, d: InvertedFieldData): WrittenFile {
  return writeSectionFile(
    path,
    KIND,
    VERSION,
    {
      termBytes: d.termBytes,
      termLengths: narrowUint32(differences(d.termOffsets)),
      docFreq: narrowUint32(d.docFreq),
      termBlocks: narrowUint32(differences(d.blockStart)),
      blockLastDoc: narrowUint32(d.blockLastDoc),
      blockMaxFreq: narrowUint32(d.blockMaxFreq),
      blockMinNorm: d.blockMinNorm,
      blockDocBits: d.blockDocBits,
      blockFreqBits: d.blockFreqBits,
      blockWords: narrowUint32(differences(d.blockWord)),
      packed: d.packed,
      norms: d.norms,
      ...(d.positions !== undefined && d.blockPosBits !== undefined && d.blockPosWord !== undefined
        ? { blockPosBits: d.blockPosBits, blockPosWords: narrowUint32(differences(d.blockPosWord)), positions: d.positions }
        : {}),
    },
    { docCount: d.docCount, sumTotalTermFreq: d.sumTotalTermFreq, numPostings: d.numPostings },
  );
}

/** Terms and postings of an inverted field file, and whether it keeps positions, from its table of contents alone. */
export function readInvertedFieldCounts(path: string): { terms: number; postings: number; positions: boolean } {
  const toc = readSectionTableOfContents(path, KIND, VERSION);
  const lengths = toc.sections.find((s) => s.name === 'termLengths');
  const offsets = toc.sections.find((s) => s.name === 'termOffsets');
  const terms = lengths !== undefined ? lengths.length : Math.max(0, (offsets?.length ?? 1) - 1);
  return { terms, postings: Number(toc.meta.numPostings), positions: toc.sections.some((s) => s.name === 'positions') };
}

/** Reads an inverted field, verifying its header, size and checksum. */
export function readInvertedField(path: string, expect?: { bytes?: number; verifyChecksum?: boolean }): InvertedFieldData {
  const f = readSectionFile(path, KIND, VERSION, expect);
  if (f.version < 4) return fromFormat3(f);
  return {
    termBytes: f.get('termBytes', Uint8Array),
    termOffsets: offsetsOf(f, 'termLengths'),
    docFreq: f.getUint32('docFreq'),
    blockStart: offsetsOf(f, 'termBlocks'),
    blockLastDoc: f.getUint32('blockLastDoc'),
    blockMaxFreq: f.getUint32('blockMaxFreq'),
    blockMinNorm: f.get('blockMinNorm', Uint8Array),
    blockDocBits: f.get('blockDocBits', Uint8Array),
    blockFreqBits: f.get('blockFreqBits', Uint8Array),
    blockWord: offsetsOf(f, 'blockWords'),
    packed: f.get('packed', Uint32Array),
    norms: f.get('norms', Uint8Array),
    docCount: Number(f.meta.docCount),
    sumTotalTermFreq: Number(f.meta.sumTotalTermFreq),
    numPostings: Number(f.meta.numPostings),
    ...(f.has('positions')
      ? {
          blockPosBits: f.get('blockPosBits', Uint8Array),
          blockPosWord: offsetsOf(f, 'blockPosWords'),
          positions: f.get('positions', Uint32Array),
        }
      : {}),
  };
}
