/** Builds a binary index: fits the residual binarizer on the rows and encodes them. */
import { normalizeRows } from '../../../kernels/dense-distance.js';
import { kmeans } from '../../../quantize/kmeans.js';
import { NearestCentroids } from '../../../quantize/nearest-centroids.js';
import {
  encodeResidualBits,
  fitResidualBinarizer,
  meanCentre,
  residualRowTerms,
  type ResidualBinarizer,
  type RowReader,
  type RowVariants,
} from '../../../quantize/residual-binarizer.js';
import { codedRowReader, nearestCentres } from '../../../learn/trained-codes/binarizer-training.js';
import type { BinaryCodebook } from '../../../learn/trained-codes/codebook-file.js';
import { HadamardVariants, MIN_VARIANT_BLOCK, variantBlock } from '../../../quantize/hadamard-variants.js';
import { placeSignCodes } from '../../../quantize/sign-code-placement.js';
import { RowEmbedding, sharedOrthonormalColumns } from '../../../quantize/random-rotation.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { checkParamRanges } from '../../param-ranges.js';
import {
  BINARY_DEFAULTS,
  BINARY_PARAM_RANGES,
  codedDimensions,
  defaultBinaryCentroids,
  defaultBinaryRotate,
  type BinaryParams,
} from './params.js';
import { BinaryIndex, type BinaryCodebookRef } from './binary-index.js';

/** Builds a binary index; `keepFloats` (default true) keeps the rows for exact rescoring. */
export function buildBinary(
  vectors: Float32Array,
  params: Partial<BinaryParams> & Pick<BinaryParams, 'dim' | 'metric'>,
  keepFloats = true,
): BinaryIndex {
  if (vectors.length % params.dim !== 0)
    throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${params.dim}-d rows`, { field: 'vectors' });
  const n = vectors.length / params.dim;
  const p: BinaryParams = { ...BINARY_DEFAULTS, centroids: defaultBinaryCentroids(n), rotate: defaultBinaryRotate(params.dim), ...params };
  checkParamRanges(BINARY_PARAM_RANGES, p, p.dim);
  if (p.correction !== 'vector' && p.correction !== 'none')
    throw new QuarryError('BAD_ARGUMENT', `correction must be "vector" or "none", not ${JSON.stringify(p.correction)}`, {
      field: 'correction',
    });
  if (typeof p.rotate !== 'boolean')
    throw new QuarryError('BAD_ARGUMENT', `rotate must be true or false, not ${JSON.stringify(p.rotate)}`, { field: 'rotate' });
  // k-means needs at least as many rows as centroids; with fewer rows, fewer centres.
  p.centroids = Math.min(p.centroids, n);
  const rows = new Float32Array(vectors);
  if (p.metric === 'cosine') normalizeRows(rows, p.dim);
  let centres: Float32Array;
  let assign: Uint16Array | null = null;
  if (p.centroids > 0) {
    const fitted = kmeans(rows, p.dim, { k: p.centroids, seed: p.seed, iterations: 10 });
    centres = fitted.centroids;
    const nearest = new Int32Array(n);
    new NearestCentroids(rows, p.dim, fitted.k * p.dim).assign(0, p.dim, centres, fitted.k, nearest, new Float32Array(n));
    assign = Uint16Array.from(nearest);
  } else centres = meanCentre(rows, p.dim);
  // Centroids are fitted on the rows; the codes (and so the centres they are
  // residuals from) live in the rotated space, where inner products are the same.
  const dim = p.dim;
  const codeDim = codedDimensions(dim, p.rotate);
  const rotation = p.rotate ? sharedOrthonormalColumns(codeDim, dim, (p.seed ^ 0x5bd1e995) >>> 0) : null;
  const embedding = rotation === null ? null : new RowEmbedding(rotation, codeDim, dim);
  const read: RowReader =
    embedding === null
      ? (r, out) => {
          for (let d = 0; d < dim; d++) out[d] = rows[r * dim + d]!;
        }
      : (r, out) => embedding.embed(rows, r * dim, out);
  if (embedding !== null) {
    const k = centres.length / dim;
    const rotated = new Float32Array(k * codeDim);
    for (let c = 0; c < k; c++) embedding.embed(centres, c * dim, rotated, c * codeDim);
    centres = rotated;
  }
  let variants: RowVariants | null = null;
  let transforms: HadamardVariants | null = null;
  if (p.variants > 1) {
    if (variantBlock(codeDim) < MIN_VARIANT_BLOCK) {
      throw new QuarryError(
        'BAD_ARGUMENT',
        `variants > 1 needs coded dimensions divisible by ${MIN_VARIANT_BLOCK}, and ${codeDim} is not`,
        { field: 'variants' },
        'set rotate: true (codes every bit of the code words), or variants: 1',
      );
    }
    transforms = HadamardVariants.create(p.variants, codeDim, (p.seed ^ 0x9e3779b9) >>> 0);
  }
  if (transforms !== null || (assign !== null && p.centreChoices > 1)) {
    // with one centre (the mean) there is nothing to choose but the basis
    const placed = placeSignCodes(read, n, codeDim, centres, assign ?? new Uint16Array(n), p.centreChoices, transforms);
    if (assign !== null) assign = placed.assign;
    if (transforms !== null) variants = { transforms, of: placed.of! };
  }
  const binarizer = fitResidualBinarizer(read, n, codeDim, p.planes, centres, assign, variants);
  return encodedIndex(rows, p, binarizer, read, assign, variants, rotation, keepFloats, null);
}

/** Codes the rows with `binarizer` and assembles the index (the per-row terms of p.correction included). */
function encodedIndex(
  rows: Float32Array,
  p: BinaryParams,
  binarizer: ResidualBinarizer,
  read: RowReader,
  assign: Uint16Array | null,
  variants: RowVariants | null,
  rotation: Float32Array | null,
  keepFloats: boolean,
  codebook: BinaryCodebookRef | null,
): BinaryIndex {
  const n = rows.length / p.dim;
  const codes = encodeResidualBits(binarizer, read, n, assign, variants);
  const normsSq = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let d = 0; d < p.dim; d++) s += rows[r * p.dim + d]! ** 2;
    normsSq[r] = s;
  }
  const terms = p.correction === 'vector' ? residualRowTerms(binarizer, read, n, codes, assign, variants) : null;
  return new BinaryIndex(
    binarizer,
    codes,
    normsSq,
    keepFloats ? rows : null,
    p,
    terms?.corrections ?? null,
    assign,
    terms?.offsets ?? null,
    rotation,
    variants,
    codebook,
  );
}

/**
 * Builds a binary index whose rows are placed and coded by a trained binarizer (`quarry train-codes
 * --method bebr`): its rotation and centres place each row (nearest centre; one basis), its encoder
 * chooses the bits. No fitting, so every segment of a field, however small, is coded alike. The
 * field's params must agree with the binarizer on planes; rotate and centroids are the binarizer's.
 */
export function buildBinaryWithCodebook(
  vectors: Float32Array,
  params: Partial<BinaryParams> & Pick<BinaryParams, 'dim' | 'metric'>,
  codebook: BinaryCodebook,
  keepFloats = true,
): BinaryIndex {
  const dim = params.dim;
  if (vectors.length % dim !== 0)
    throw new QuarryError('BAD_INPUT', `${vectors.length} values are not whole ${dim}-d rows`, { field: 'vectors' });
  const trained = codebook.binarizer;
  if (trained.dim !== dim)
    throw new QuarryError('BAD_ARGUMENT', `the binarizer is for ${trained.dim}-d vectors, the field holds ${dim}-d`, { field: 'codebook' });
  const b = trained.binarizer;
  const k = trained.centres.length / dim;
  const p: BinaryParams = {
    ...BINARY_DEFAULTS,
    ...params,
    planes: b.planes,
    centroids: k > 1 ? k : 0,
    rotate: trained.rotation !== null,
    variants: 1,
    centreChoices: 1,
  };
  checkParamRanges(BINARY_PARAM_RANGES, p, p.dim);
  if (params.planes !== undefined && params.planes !== b.planes)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the field's params ask for ${params.planes} planes, its binarizer codes ${b.planes}`,
      { field: 'planes' },
      "train the binarizer again with the field's planes",
    );
  const rows = new Float32Array(vectors);
  if (p.metric === 'cosine') normalizeRows(rows, dim);
  const assign = k > 1 ? nearestCentres(rows, dim, trained.centres) : null;
  const read = codedRowReader(rows, dim, trained.rotation);
  return encodedIndex(rows, p, b, read, assign, null, trained.rotation, keepFloats, { method: codebook.method, version: codebook.version });
}
