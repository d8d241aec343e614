/** File layout of an inverted field: one section file of kind "INVF". */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../io/section-file.js';
import type { InvertedFieldData } from './inverted-field.js';

const KIND = 'INVF';
const VERSION = 1;

/** Writes an inverted field to `path`. */
export function writeInvertedField(path: string, d: InvertedFieldData): WrittenFile {
  return writeSectionFile(
    path,
    KIND,
    VERSION,
    {
      termBytes: d.termBytes,
      termOffsets: d.termOffsets,
      postingsStart: d.postingsStart,
      docs: d.docs,
      freqs: d.freqs,
      blockStart: d.blockStart,
      blockMaxFreq: d.blockMaxFreq,
      blockMinNorm: d.blockMinNorm,
      blockLastDoc: d.blockLastDoc,
      norms: d.norms,
    },
    { docCount: d.docCount, sumTotalTermFreq: d.sumTotalTermFreq },
  );
}

/** Reads an inverted field, verifying its header, size and checksum. */
export function readInvertedField(path: string, expect?: { bytes?: number; verifyChecksum?: boolean }): InvertedFieldData {
  const f = readSectionFile(path, KIND, VERSION, expect);
  return {
    termBytes: f.get('termBytes', Uint8Array),
    termOffsets: f.get('termOffsets', Uint32Array),
    postingsStart: f.get('postingsStart', Uint32Array),
    docs: f.get('docs', Uint32Array),
    freqs: f.get('freqs', Uint32Array),
    blockStart: f.get('blockStart', Uint32Array),
    blockMaxFreq: f.get('blockMaxFreq', Uint32Array),
    blockMinNorm: f.get('blockMinNorm', Uint8Array),
    blockLastDoc: f.get('blockLastDoc', Uint32Array),
    norms: f.get('norms', Uint8Array),
    docCount: Number(f.meta.docCount),
    sumTotalTermFreq: Number(f.meta.sumTotalTermFreq),
  };
}
