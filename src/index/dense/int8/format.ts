/** File layout of an int8 index: section file "SQ8 ". */
import { deferSection } from '../../../io/deferred-array.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import { INT8_DEFAULTS, type Int8Params } from './params.js';
import type { SectionFile } from '../../../io/section-file.js';
import type { LowRankRows } from '../../../learn/low-rank/low-rank-rows.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { Int8Index } from './int8-index.js';
import { FLOATS_SECTION, allFloats, readRescoreFloats, sectionOptions, type CompressedReadOptions } from '../rescore-floats.js';

/** Writes an int8 index. */
export function writeInt8(path: string, index: Int8Index): WrittenFile {
  const sections: Record<string, Float32Array | Uint8Array | Uint16Array> = {
    lo: index.quantizer.lo,
    step: index.quantizer.step,
    codes: index.codes,
    normsSq: index.normsSq,
  };
  const floats = allFloats(index.floats, index.diskFloats);
  if (floats !== null) sections[FLOATS_SECTION] = floats;
  const lr = index.lowRank;
  if (lr !== null) {
    sections.lowRankMean = lr.subspace.mean;
    sections.lowRankBasis = lr.subspace.basis;
    sections.lowRankCoefficients = lr.coefficients;
    sections.lowRankResidualDims = lr.residualDims;
    sections.lowRankResidualValues = lr.residualValues;
    sections.lowRankNormsSq = lr.normsSq;
  }
  return writeSectionFile(path, 'SQ8 ', 1, sections, { params: index.params });
}

/** Reads an int8 index. */
export function readInt8(path: string, expect?: CompressedReadOptions): Int8Index {
  const f = readSectionFile(path, 'SQ8 ', 1, sectionOptions(expect, ['codes']));
  // files written before low-rank rows existed have none
  const params = { ...INT8_DEFAULTS, ...(f.meta.params as Partial<Int8Params>) } as Int8Params;
  const lowRank = params.lowRank > 0 ? readLowRank(f, params, path) : null;
  // Arrays kept outside kernel memory are copied out of the file's buffer: a view
  // would keep the whole file in memory next to the kernel memory's copy of it.
  return new Int8Index(
    { dim: params.dim, lo: f.get('lo', Float32Array).slice(), step: f.get('step', Float32Array).slice() },
    deferSection(f, 'codes', Uint8Array),
    f.get('normsSq', Float32Array).slice(),
    // with low-rank rows the floats stay in the file: they are read only to merge or re-encode
    readRescoreFloats(f, params.dim, expect?.floatsOnDisk === true || lowRank !== null),
    params,
    lowRank,
  );
}

function readLowRank(f: SectionFile, params: Int8Params, path: string): LowRankRows {
  const { dim, lowRank: rank, sparseResidual: sparse } = params;
  const mean = f.get('lowRankMean', Float32Array).slice();
  const basis = f.get('lowRankBasis', Float32Array).slice();
  const coefficients = f.get('lowRankCoefficients', Float32Array).slice();
  const residualDims = f.get('lowRankResidualDims', Uint16Array).slice();
  const residualValues = f.get('lowRankResidualValues', Float32Array).slice();
  const normsSq = f.get('lowRankNormsSq', Float32Array).slice();
  const n = normsSq.length;
  if (
    mean.length !== dim ||
    basis.length !== rank * dim ||
    coefficients.length !== n * rank ||
    residualDims.length !== n * sparse ||
    residualValues.length !== n * sparse ||
    residualDims.some((d) => d >= dim)
  )
    throw new QuarryError(
      'CORRUPT',
      `the low-rank rows do not fit rank ${rank}, ${sparse} residual entries and ${dim} dimensions`,
      { file: path, field: 'lowRankBasis' },
      'rebuild the index',
    );
  return {
    subspace: { dim, rank, mean, basis, singular: new Float64Array(rank) },
    sparse,
    coefficients,
    residualDims,
    residualValues,
    normsSq,
  };
}
