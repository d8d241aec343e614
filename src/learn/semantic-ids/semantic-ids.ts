/**
 * Semantic ids (TIGER, Rajput et al., NeurIPS 2023): each document's id is the
 * tuple of its residual-quantization codewords, coarse to fine, plus one more
 * token that tells apart documents whose codewords all coincide (0, 1, ... in
 * input order), so that every id is unique and documents that share a prefix
 * are similar. Generative retrievers are trained to emit these tuples.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { normalizeRows } from '../../kernels/dense-distance.js';
import { encodeResidual, fitResidualQuantizer, type ResidualQuantizer, type ResidualQuantizerOptions } from './residual-quantizer.js';
import { encodeRqVaeLatents, fitRqVae, type RqVae, type RqVaeEpoch, type RqVaeOptions } from './rq-vae.js';

/** How well a set of semantic ids spreads and describes its documents. */
export interface SemanticIdStats {
  rows: number;
  levels: number;
  /** Distinct codeword tuples (ids before the disambiguating token). */
  distinctCodes: number;
  /** Rows that share their codeword tuple with another row. */
  collidingRows: number;
  /** Most rows sharing one codeword tuple (1 when there are no collisions). */
  largestGroup: number;
  /** Per level: codewords used at least once. */
  usedCodewords: number[];
  /** Per level: exp(entropy) of the codeword distribution (codebookSize when used evenly). */
  perplexity: number[];
  /** Per depth 1..levels: distinct prefixes of that many tokens. */
  distinctPrefixes: number[];
  /**
   * Per depth 0..levels: what the first `depth` levels leave unexplained,
   * as mean squared residual over mean squared norm (entry 0 is 1).
   */
  relativeResidual: number[];
}

/** Semantic ids of rows: `levels` codeword tokens plus one disambiguating token each. */
export interface SemanticIds {
  levels: number;
  /** Tokens per id (levels + 1). */
  width: number;
  /** tokens[r * width + t]. */
  tokens: Uint32Array;
  stats: SemanticIdStats;
}

/**
 * Turns residual codes (rows of `levels` tokens) into unique semantic ids by
 * appending each row's rank among the rows with the same codes (input order).
 */
export function disambiguateCodes(codes: Uint16Array, levels: number, meanSquaredResidual?: ArrayLike<number>): SemanticIds {
  if (!Number.isInteger(levels) || levels < 1 || codes.length % levels !== 0) {
    throw new QuarryError('BAD_ARGUMENT', `codes (${codes.length} tokens) are not rows of ${levels} levels`, { field: 'levels' });
  }
  const n = codes.length / levels;
  const width = levels + 1;
  const tokens = new Uint32Array(n * width);
  // Sort rows by their codes (ties by row number), so equal tuples are adjacent
  // and ranked in input order, and prefixes are counted in one pass.
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[r] = r;
  order.sort((a, b) => {
    for (let l = 0; l < levels; l++) {
      const d = codes[a * levels + l]! - codes[b * levels + l]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
  const distinctPrefixes = new Array<number>(levels).fill(0);
  let distinctCodes = 0;
  let collidingRows = 0;
  let largestGroup = n > 0 ? 1 : 0;
  let rank = 0;
  for (let i = 0; i < n; i++) {
    const r = order[i]!;
    // First level at which this row's codes differ from the previous row's.
    let differ = 0;
    if (i > 0) {
      const p = order[i - 1]!;
      while (differ < levels && codes[p * levels + differ] === codes[r * levels + differ]) differ++;
    }
    for (let l = differ; l < levels; l++) distinctPrefixes[l]!++;
    if (i === 0 || differ < levels) {
      distinctCodes++;
      rank = 0;
    } else {
      rank++;
      if (rank === 1) collidingRows++;
      collidingRows++;
      if (rank + 1 > largestGroup) largestGroup = rank + 1;
    }
    for (let l = 0; l < levels; l++) tokens[r * width + l] = codes[r * levels + l]!;
    tokens[r * width + levels] = rank;
  }
  const usedCodewords: number[] = [];
  const perplexity: number[] = [];
  const counts = new Uint32Array(65536);
  for (let l = 0; l < levels; l++) {
    counts.fill(0);
    for (let r = 0; r < n; r++) counts[codes[r * levels + l]!]!++;
    let entropy = 0;
    let used = 0;
    for (const c of counts) {
      if (c === 0) continue;
      used++;
      entropy -= (c / n) * Math.log(c / n);
    }
    usedCodewords.push(used);
    perplexity.push(Math.exp(entropy));
  }
  const relativeResidual: number[] = [];
  if (meanSquaredResidual !== undefined && meanSquaredResidual[0]! > 0) {
    for (let l = 0; l <= levels; l++) relativeResidual.push(meanSquaredResidual[l]! / meanSquaredResidual[0]!);
  }
  return {
    levels,
    width,
    tokens,
    stats: { rows: n, levels, distinctCodes, collidingRows, largestGroup, usedCodewords, perplexity, distinctPrefixes, relativeResidual },
  };
}

/** The rows scaled to unit length (a copy) when `normalize`, else the rows themselves. */
export function unitRowsIf(normalize: boolean, data: Float32Array, dim: number): Float32Array {
  if (!normalize) return data;
  const rows = data.slice();
  normalizeRows(rows, dim);
  return rows;
}

/** Options of {@link fitSemanticIds}. */
export interface SemanticIdOptions extends ResidualQuantizerOptions {
  /** Scale every vector to unit length first (for cosine embeddings). */
  normalize?: boolean;
  /** Encode with this quantizer instead of fitting one. */
  quantizer?: ResidualQuantizer;
  /** Called as work advances: steps done of `total` (one per level fitted, one per level coded). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Fits a residual quantizer on rows of `dim` (or uses `opts.quantizer`) and
 * returns every row's semantic id with the quantizer, so later documents can
 * be coded with the same codebooks.
 */
export function fitSemanticIds(
  data: Float32Array,
  dim: number,
  opts: SemanticIdOptions,
): { quantizer: ResidualQuantizer; ids: SemanticIds } {
  const rows = unitRowsIf(opts.normalize === true, data, dim);
  const levels = opts.quantizer?.levels ?? opts.levels;
  const total = opts.quantizer === undefined ? 2 * levels : levels;
  let done = 0;
  const step = (): void => opts.onProgress?.(++done, total);
  const quantizer = opts.quantizer ?? fitResidualQuantizer(rows, dim, opts, step);
  if (quantizer.dim !== dim) {
    throw new QuarryError(
      'BAD_INPUT',
      `the quantizer codes ${quantizer.dim}-dimensional vectors, the input has ${dim} dimensions`,
      { field: 'quantizer' },
      'fit a new quantizer for these vectors',
    );
  }
  const coded = encodeResidual(quantizer, rows, step);
  return { quantizer, ids: disambiguateCodes(coded.codes, quantizer.levels, coded.meanSquaredResidual) };
}

/** Options of {@link fitRqVaeSemanticIds}. */
export interface RqVaeSemanticIdOptions extends RqVaeOptions {
  /** Scale every vector to unit length first (for cosine embeddings). */
  normalize?: boolean;
  /** Code with this trained model instead of training one. */
  model?: RqVae;
  /** Called after every training epoch. */
  onEpoch?: (e: RqVaeEpoch) => void;
  /** Called as the rows are encoded, after training: rows done of `total`. */
  onCoding?: (done: number, total: number) => void;
}

/**
 * Trains an RQ-VAE on rows of `dim` (or uses `opts.model`) and returns every
 * row's semantic id, its codewords for the row's latent, with the model. The
 * stats' `relativeResidual` is measured on the latents, which the codebooks quantize.
 */
export function fitRqVaeSemanticIds(data: Float32Array, dim: number, opts: RqVaeSemanticIdOptions): { model: RqVae; ids: SemanticIds } {
  const rows = unitRowsIf(opts.normalize === true, data, dim);
  const model = opts.model ?? fitRqVae(rows, dim, opts, opts.onEpoch);
  if (model.inputDim !== dim) {
    throw new QuarryError(
      'BAD_INPUT',
      `the model codes ${model.inputDim}-dimensional vectors, the input has ${dim} dimensions`,
      { field: 'model' },
      'train a new model for these vectors',
    );
  }
  const coded = encodeResidual(model.quantizer, encodeRqVaeLatents(model, rows, opts.onCoding));
  return { model, ids: disambiguateCodes(coded.codes, model.quantizer.levels, coded.meanSquaredResidual) };
}
