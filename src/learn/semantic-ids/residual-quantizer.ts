/**
 * Residual quantization (Juang & Gray, ICASSP 1982; "RQ-KMeans", the k-means
 * form of the residual quantizers behind TIGER's semantic ids, Rajput et al.,
 * NeurIPS 2023): level l's codebook is fitted by k-means on what levels
 * 0..l-1 left unexplained, and a vector's code is the greedy choice of one
 * codeword per level. Early levels carry coarse, shared meaning; later levels
 * refine, which is what makes the codes usable as hierarchical ids.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { evenSample, kmeans } from '../../quantize/kmeans.js';
import { NearestCentroids } from '../../quantize/nearest-centroids.js';
import { checkPositiveInteger } from '../../core/checks.js';

/** Settings of a residual quantizer. */
export interface ResidualQuantizerOptions {
  /** Number of codebooks (tokens per code). */
  levels: number;
  /** Codewords per codebook (2..65,536). */
  codebookSize: number;
  /** Seed of every level's k-means (level l uses seed + l). */
  seed?: number;
  /** Lloyd iterations per level. */
  iterations?: number;
  /** Fit on at most this many rows (an even sample of the input). */
  maxTrainRows?: number;
}

/** Called after each level is fitted or coded (for progress bars). */
export type LevelDone = (level: number) => void;

/** A fitted residual quantizer. */
export interface ResidualQuantizer {
  dim: number;
  levels: number;
  codebookSize: number;
  /** codebooks[(l * codebookSize + c) * dim + j]: codeword c of level l. */
  codebooks: Float32Array;
}

/** Codes of rows and how much of the rows each prefix of levels explains. */
export interface ResidualCodes {
  /** codes[r * levels + l]: row r's codeword at level l. */
  codes: Uint16Array;
  /**
   * meanSquaredResidual[l]: mean over rows of the squared norm of what the
   * first l levels leave (entry 0: the rows themselves).
   */
  meanSquaredResidual: Float64Array;
}

/** The largest codebook: codes are stored as 16-bit tokens. */
export const MAX_CODEBOOK_SIZE = 65536;

/** Checks options and returns them with defaults filled in. */
export function residualQuantizerOptions(opts: ResidualQuantizerOptions): Required<ResidualQuantizerOptions> {
  const { levels, codebookSize } = opts;
  if (!Number.isInteger(levels) || levels < 1 || levels > 64) {
    throw new QuarryError('BAD_ARGUMENT', `levels must be an integer from 1 to 64, got ${levels}`, { field: 'levels' });
  }
  if (!Number.isInteger(codebookSize) || codebookSize < 2 || codebookSize > MAX_CODEBOOK_SIZE) {
    throw new QuarryError('BAD_ARGUMENT', `codebookSize must be an integer from 2 to ${MAX_CODEBOOK_SIZE}, got ${codebookSize}`, {
      field: 'codebookSize',
    });
  }
  const iterations = opts.iterations ?? 20;
  checkPositiveInteger(iterations, 'iterations');
  const maxTrainRows = opts.maxTrainRows ?? 65536;
  if (!Number.isInteger(maxTrainRows) || maxTrainRows < codebookSize) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `maxTrainRows must be an integer of at least codebookSize (${codebookSize}), got ${maxTrainRows}`,
      { field: 'maxTrainRows' },
    );
  }
  return { levels, codebookSize, seed: opts.seed ?? 42, iterations, maxTrainRows };
}

/**
 * Fits `levels` codebooks on rows of `dim` (row-major). Needs at least
 * `codebookSize` rows. Reproducible for a given seed.
 */
export function fitResidualQuantizer(
  data: Float32Array,
  dim: number,
  options: ResidualQuantizerOptions,
  onLevel?: LevelDone,
): ResidualQuantizer {
  const o = residualQuantizerOptions(options);
  if (!Number.isInteger(dim) || dim < 1 || data.length % dim !== 0) {
    throw new QuarryError('BAD_ARGUMENT', `the data length (${data.length}) is not a multiple of the dimension (${dim})`, { field: 'dim' });
  }
  const n = data.length / dim;
  if (n < o.codebookSize) {
    throw new QuarryError(
      'BAD_INPUT',
      `a codebook of ${o.codebookSize} codewords needs at least as many vectors, got ${n}`,
      { field: 'codebookSize' },
      'use a smaller codebookSize',
    );
  }
  // Every level is fitted on the same sample, so level l sees exactly the
  // residuals levels 0..l-1 leave on it.
  // a copy either way: the residuals are updated in place level by level
  const sample = evenSample(data, dim, o.maxTrainRows);
  const residual = sample === data ? data.slice() : sample;
  const codebooks = new Float32Array(o.levels * o.codebookSize * dim);
  for (let l = 0; l < o.levels; l++) {
    const fitted = kmeans(residual, dim, { k: o.codebookSize, iterations: o.iterations, seed: o.seed + l, maxTrainRows: o.maxTrainRows });
    const book = codebooks.subarray(l * o.codebookSize * dim, (l + 1) * o.codebookSize * dim);
    book.set(fitted.centroids);
    if (l + 1 < o.levels) subtractNearest(residual, dim, book, o.codebookSize, null, 0, 1, null);
    onLevel?.(l);
  }
  return { dim, levels: o.levels, codebookSize: o.codebookSize, codebooks };
}

/**
 * Replaces every row of `residual` by its difference from the nearest codeword
 * of `book`, recording the codeword in codes[r * width + column] when codes is
 * given and the squared residual norms' sum in `energy` (returned).
 */
function subtractNearest(
  residual: Float32Array,
  dim: number,
  book: Float32Array,
  k: number,
  codes: Uint16Array | null,
  column: number,
  width: number,
  assign: Int32Array | null,
): number {
  const n = residual.length / dim;
  const nearest = new NearestCentroids(residual, dim, k * dim);
  const to = assign ?? new Int32Array(n);
  const dist = new Float64Array(n);
  nearest.assign(0, dim, book, k, to, dist);
  let energy = 0;
  for (let r = 0; r < n; r++) {
    const c = to[r]!;
    if (codes !== null) codes[r * width + column] = c;
    const base = r * dim;
    const cw = c * dim;
    let e = 0;
    for (let j = 0; j < dim; j++) {
      const v = residual[base + j]! - book[cw + j]!;
      residual[base + j] = v;
      e += v * v;
    }
    energy += e;
  }
  return energy;
}

/** Encodes rows of `rq.dim` greedily, one codeword per level. */
export function encodeResidual(rq: ResidualQuantizer, data: Float32Array, onLevel?: LevelDone): ResidualCodes {
  const { dim, levels, codebookSize } = rq;
  if (data.length % dim !== 0) {
    throw new QuarryError('BAD_INPUT', `the vectors' length (${data.length}) is not a multiple of the quantizer's dimension (${dim})`, {
      field: 'vectors',
    });
  }
  const n = data.length / dim;
  const codes = new Uint16Array(n * levels);
  const meanSquaredResidual = new Float64Array(levels + 1);
  if (n === 0) return { codes, meanSquaredResidual };
  const residual = data.slice();
  let energy = 0;
  for (let i = 0; i < residual.length; i++) energy += residual[i]! * residual[i]!;
  meanSquaredResidual[0] = energy / n;
  const assign = new Int32Array(n);
  for (let l = 0; l < levels; l++) {
    const book = rq.codebooks.subarray(l * codebookSize * dim, (l + 1) * codebookSize * dim);
    meanSquaredResidual[l + 1] = subtractNearest(residual, dim, book, codebookSize, codes, l, levels, assign) / n;
    onLevel?.(l);
  }
  return { codes, meanSquaredResidual };
}

/** The sum of each row's codewords over its first `upTo` levels (all by default). */
export function reconstructResidual(rq: ResidualQuantizer, codes: Uint16Array, upTo = rq.levels): Float32Array {
  const { dim, levels, codebookSize } = rq;
  const n = codes.length / levels;
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    for (let l = 0; l < upTo; l++) {
      const cw = (l * codebookSize + codes[r * levels + l]!) * dim;
      for (let j = 0; j < dim; j++) out[r * dim + j]! += rq.codebooks[cw + j]!;
    }
  }
  return out;
}
