/**
 * The multi-vector family: late interaction scored by MaxSim (ColBERT), every document
 * or, with MUVERA encodings (Dhulipala et al., "MUVERA: Multi-Vector Retrieval via Fixed
 * Dimensional Encodings", NeurIPS 2024), the candidates a dense family finds over them.
 */
import type { WrittenFile } from '../../io/section-file.js';
import { denseFamily } from '../dense/dense-registry.js';
import type { IndexFamilyInfo } from '../index-family.js';
import { POSITIVE_INTEGER, type SearchParamRanges } from '../param-ranges.js';
import { buildMultiVector, type MultiVectorBuildParams } from './build.js';
import { readMultiVector, writeMultiVector } from './format.js';
import type { MultiVectorIndex } from './multivector-index.js';
import type { MuveraParams } from './params.js';

/** The multi-vector family: how a segment builds, writes and reads a field (`<field>.mvec`, and `<field>.mfde` for a dense family's encodings). */
export interface MultiVectorFamily extends IndexFamilyInfo<'maxsim'> {
  readonly kind: 'multivector';
  /** The search parameters of a field whose encodings use `encodings` (a dense family, `columnar`, or none). */
  searchParamsFor(encodings: string | undefined): SearchParamRanges;
  build(tokens: Float32Array, offsets: Uint32Array, params: MultiVectorBuildParams): MultiVectorIndex;
  write(storePath: string, encodingsPath: string, index: MultiVectorIndex): Record<'store' | 'fde', WrittenFile | null>;
  read(
    storePath: string,
    encodingsPath: string | null,
    muvera: MuveraParams | null,
    expect: (path: string) => { bytes?: number; verifyChecksum?: boolean },
  ): MultiVectorIndex;
}

const OWN_SEARCH_PARAMS: SearchParamRanges = { candidates: POSITIVE_INTEGER };

/** The multi-vector family's definition. */
export const MULTIVECTOR_FAMILY: MultiVectorFamily = {
  kind: 'multivector',
  name: 'maxsim',
  summary: 'MaxSim over token vectors, optionally over the candidates MUVERA encodings find',
  params: {},
  searchParams: OWN_SEARCH_PARAMS,
  searchParamsFor: (encodings) =>
    encodings === undefined || encodings === 'columnar'
      ? OWN_SEARCH_PARAMS
      : { ...OWN_SEARCH_PARAMS, ...denseFamily(encodings).searchParams },
  build: buildMultiVector,
  write: writeMultiVector,
  read: readMultiVector,
};
