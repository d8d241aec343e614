/** File layout of an int8 index: section file "SQ8 ". */
import { deferSection } from '../../../io/deferred-array.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import type { Int8Params } from './params.js';
import { Int8Index } from './int8-index.js';
import { FLOATS_SECTION, allFloats, readRescoreFloats, sectionOptions, type CompressedReadOptions } from '../rescore-floats.js';

/** Writes an int8 index. */
export function writeInt8(path: string, index: Int8Index): WrittenFile {
  const sections: Record<string, Float32Array | Uint8Array> = {
    lo: index.quantizer.lo,
    step: index.quantizer.step,
    codes: index.codes,
    normsSq: index.normsSq,
  };
  const floats = allFloats(index.floats, index.diskFloats);
  if (floats !== null) sections[FLOATS_SECTION] = floats;
  return writeSectionFile(path, 'SQ8 ', 1, sections, { params: index.params });
}

/** Reads an int8 index. */
export function readInt8(path: string, expect?: CompressedReadOptions): Int8Index {
  const f = readSectionFile(path, 'SQ8 ', 1, sectionOptions(expect, ['codes']));
  const params = f.meta.params as Int8Params;
  // Arrays kept outside kernel memory are copied out of the file's buffer: a view
  // would keep the whole file in memory next to the kernel memory's copy of it.
  return new Int8Index(
    { dim: params.dim, lo: f.get('lo', Float32Array).slice(), step: f.get('step', Float32Array).slice() },
    deferSection(f, 'codes', Uint8Array),
    f.get('normsSq', Float32Array).slice(),
    readRescoreFloats(f, params.dim, expect?.floatsOnDisk === true),
    params,
  );
}
