/**
 * File layout of a binary index: section file "BINC" (binarizer centres and
 * scales, codes, norms, optional per-vector corrections, centre numbers,
 * rotation and floats for rescoring). The centres section was called "mean" when there was
 * always one; such files still read.
 */
import { deferSection } from '../../io/deferred-array.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../io/section-file.js';
import { codedDimensions, type BinaryParams } from './params.js';
import { QuarryError } from '../../io/quarry-error.js';
import { BinaryIndex } from './search.js';
import { FLOATS_SECTION, allFloats, readRescoreFloats, sectionOptions, type CompressedReadOptions } from '../rescore-floats.js';

/** Writes a binary index. */
export function writeBinary(path: string, index: BinaryIndex): WrittenFile {
  const sections: Record<string, Float32Array | Uint32Array | Uint16Array> = {
    centres: index.binarizer.centres,
    scales: index.binarizer.scales,
    codes: index.codes,
    normsSq: index.normsSq,
  };
  const floats = allFloats(index.floats, index.diskFloats);
  if (floats !== null) sections[FLOATS_SECTION] = floats;
  if (index.corrections !== null) sections.corrections = index.corrections;
  if (index.assign !== null) sections.assign = index.assign;
  if (index.offsets !== null) sections.offsets = index.offsets;
  if (index.rotation !== null) sections.rotation = index.rotation;
  return writeSectionFile(path, 'BINC', 1, sections, { params: index.params });
}

/** Reads a binary index. */
export function readBinary(path: string, expect?: CompressedReadOptions): BinaryIndex {
  const f = readSectionFile(path, 'BINC', 1, sectionOptions(expect, ['codes']));
  // Files written before corrections existed hold none and score as BEBR did.
  // Files written before centroids existed code rows relative to the mean.
  // Files written before rotations existed code the rows themselves.
  const params = { correction: 'none', centroids: 0, seed: 42, rotate: false, ...(f.meta.params as Partial<BinaryParams>) } as BinaryParams;
  const rotation = f.has('rotation') ? f.get('rotation', Float32Array).slice() : null;
  const codedDim = codedDimensions(params.dim, rotation !== null);
  if (rotation !== null && rotation.length !== codedDim * params.dim) {
    throw new QuarryError('CORRUPT', `the rotation holds ${rotation.length} values, not ${codedDim} x ${params.dim}`, { file: path, field: 'rotation' }, 'rebuild the index');
  }
  // Arrays kept outside kernel memory are copied out of the file's buffer: a view
  // would keep the whole file in memory next to the kernel memory's copy of it.
  return new BinaryIndex(
    { dim: codedDim, planes: params.planes, centres: f.get(f.has('centres') ? 'centres' : 'mean', Float32Array).slice(), scales: f.get('scales', Float32Array).slice() },
    deferSection(f, 'codes', Uint32Array),
    f.get('normsSq', Float32Array),
    readRescoreFloats(f, params.dim, expect?.floatsOnDisk === true),
    params,
    f.has('corrections') ? f.get('corrections', Float32Array) : null,
    f.has('assign') ? f.get('assign', Uint16Array) : null,
    // Files written before offsets existed score without them.
    f.has('offsets') ? f.get('offsets', Float32Array) : null,
    rotation,
  );
}
