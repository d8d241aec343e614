/**
 * File layout of a binary index: section file "BINC" (binarizer centres and
 * scales, codes, norms, optional per-vector corrections, centre numbers,
 * rotation, each row's basis and the bases' signs, and floats for rescoring). The centres section was called "mean" when there was
 * always one; such files still read.
 */
import { deferSection } from '../../../io/deferred-array.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import { codedDimensions, type BinaryParams } from './params.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { BinaryIndex } from './binary-index.js';
import { HadamardVariants } from '../../../quantize/hadamard-variants.js';
import type { RowVariants } from '../../../quantize/residual-binarizer.js';
import { planeEncoderShapeOk, type PlaneEncoder } from '../../../quantize/plane-encoder.js';
import { FLOATS_SECTION, allFloats, readRescoreFloats, sectionOptions, type CompressedReadOptions } from '../rescore-floats.js';

/** Writes a binary index. */
export function writeBinary(path: string, index: BinaryIndex): WrittenFile {
  const sections: Record<string, Float32Array | Uint32Array | Uint16Array | Uint8Array> = {
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
  if (index.variantOf !== null && index.transforms !== null) {
    sections.variantOf = index.variantOf;
    sections.variantSigns = index.transforms.signs;
  }
  const encoder = index.binarizer.encoder ?? null;
  if (encoder !== null) {
    sections.encoderW1 = encoder.w1;
    sections.encoderB1 = encoder.b1;
    sections.encoderW2 = encoder.w2;
    sections.encoderB2 = encoder.b2;
  }
  if (index.binarizer.decoder != null) sections.decoder = index.binarizer.decoder;
  return writeSectionFile(path, 'BINC', 1, sections, {
    params: index.params,
    ...(encoder !== null ? { encoderHidden: encoder.hidden } : {}),
    ...(index.codebook !== null ? { codebook: index.codebook } : {}),
  });
}

/** Reads a binary index. */
export function readBinary(path: string, expect?: CompressedReadOptions): BinaryIndex {
  const f = readSectionFile(path, 'BINC', 1, sectionOptions(expect, ['codes']));
  // Files written before corrections existed hold none and score as BEBR did.
  // Files written before centroids existed code rows relative to the mean.
  // Files written before rotations existed code the rows themselves.
  // Files written before variants existed code every row in one basis, and before centre choices against the nearest centre.
  const params = {
    correction: 'none',
    centroids: 0,
    seed: 42,
    rotate: false,
    variants: 1,
    centreChoices: 1,
    ...(f.meta.params as Partial<BinaryParams>),
  } as BinaryParams;
  const rotation = f.has('rotation') ? f.get('rotation', Float32Array).slice() : null;
  const codedDim = codedDimensions(params.dim, rotation !== null);
  if (rotation !== null && rotation.length !== codedDim * params.dim) {
    throw new QuarryError(
      'CORRUPT',
      `the rotation holds ${rotation.length} values, not ${codedDim} x ${params.dim}`,
      { file: path, field: 'rotation' },
      'rebuild the index',
    );
  }
  let variants: RowVariants | null = null;
  if (f.has('variantOf')) {
    const of = f.get('variantOf', Uint8Array);
    const signs = f.get('variantSigns', Uint32Array).slice();
    let transforms: HadamardVariants;
    try {
      transforms = new HadamardVariants(params.variants, codedDim, signs);
    } catch (e) {
      throw new QuarryError('CORRUPT', (e as Error).message, { file: path, field: 'variantSigns' }, 'rebuild the index');
    }
    for (let r = 0; r < of.length; r++) {
      if (of[r]! >= params.variants)
        throw new QuarryError(
          'CORRUPT',
          `row ${r} names basis ${of[r]}, of ${params.variants}`,
          { file: path, field: 'variantOf' },
          'rebuild the index',
        );
    }
    variants = { transforms, of };
  }
  // Files written before trained binarizers existed choose bits by sign.
  let encoder: PlaneEncoder | null = null;
  if (f.has('encoderW1')) {
    encoder = {
      planes: params.planes,
      dim: codedDim,
      hidden: Number(f.meta.encoderHidden),
      w1: f.get('encoderW1', Float32Array).slice(),
      b1: f.get('encoderB1', Float32Array).slice(),
      w2: f.get('encoderW2', Float32Array).slice(),
      b2: f.get('encoderB2', Float32Array).slice(),
    };
    if (!planeEncoderShapeOk(encoder))
      throw new QuarryError(
        'CORRUPT',
        `the binarizer's encoder does not fit ${params.planes} planes of ${codedDim} dimensions`,
        { file: path, field: 'encoderW1' },
        'rebuild the index',
      );
  }
  const decoder = f.has('decoder') ? f.get('decoder', Float32Array).slice() : null;
  if (decoder !== null && decoder.length !== params.planes * codedDim * codedDim)
    throw new QuarryError(
      'CORRUPT',
      `the binarizer's decoder holds ${decoder.length} values, not ${params.planes} x ${codedDim} x ${codedDim}`,
      { file: path, field: 'decoder' },
      'rebuild the index',
    );
  const named = f.meta.codebook as { method: string; version: number } | undefined;
  // Arrays kept outside kernel memory are copied out of the file's buffer: a view
  // would keep the whole file in memory next to the kernel memory's copy of it.
  return new BinaryIndex(
    {
      dim: codedDim,
      planes: params.planes,
      centres: f.get(f.has('centres') ? 'centres' : 'mean', Float32Array).slice(),
      scales: f.get('scales', Float32Array).slice(),
      encoder,
      decoder,
    },
    deferSection(f, 'codes', Uint32Array),
    f.get('normsSq', Float32Array),
    readRescoreFloats(f, params.dim, expect?.floatsOnDisk === true),
    params,
    f.has('corrections') ? f.get('corrections', Float32Array) : null,
    f.has('assign') ? f.get('assign', Uint16Array) : null,
    // Files written before offsets existed score without them.
    f.has('offsets') ? f.get('offsets', Float32Array) : null,
    rotation,
    variants,
    named === undefined ? null : { method: named.method, version: named.version },
  );
}
