/**
 * RQ-VAE, the residual-quantized autoencoder behind TIGER's semantic ids
 * (Rajput et al., NeurIPS 2023; residual VQ as in Zeghidour et al.'s
 * SoundStream): an MLP encoder maps a vector to a latent, `levels` codebooks
 * quantize the latent residually, and an MLP decoder rebuilds the vector from
 * the sum of the chosen codewords. The loss is the reconstruction error plus,
 * per level, the codebook term |sg(r) - e|² and β times the commitment term
 * |r - sg(e)|²; the decoder's gradient reaches the encoder straight through
 * the quantizer. Codebooks start as RQ-KMeans on the untrained encoder's
 * latents, and a codeword no training row chose in an epoch is moved to a
 * random row's residual, so codebooks do not collapse.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { xorshift32 } from '../../kernels/xorshift.js';
import { AdamSlot } from '../adam.js';
import { DenseStack, denseStackFloats, type DenseLayer } from '../dense-stack.js';
import { evenSample } from '../../quantize/kmeans.js';
import { kernelLinearOps, typeScriptLinearOps, type LinearOps } from '../linear-ops.js';
import {
  fitResidualQuantizer,
  residualQuantizerOptions,
  type ResidualQuantizer,
  type ResidualQuantizerOptions,
} from './residual-quantizer.js';

/** Settings of an RQ-VAE: the residual quantizer's, plus the networks' and training's. */
export interface RqVaeOptions extends ResidualQuantizerOptions {
  /** Hidden layer widths of the encoder, input side first; the decoder mirrors them (default TIGER's 512, 256, 128). */
  hidden?: number[];
  /** Latent dimension, which the codebooks quantize (default 32, as TIGER). */
  latent?: number;
  /** Passes over the training rows (default 20). */
  epochs?: number;
  /** Rows per Adam step (default 256). */
  batchSize?: number;
  /** Adam's learning rate (default 0.001). */
  learningRate?: number;
  /** Weight of the commitment term (default 0.25, as TIGER and VQ-VAE). */
  beta?: number;
}

/** A trained RQ-VAE. */
export interface RqVae {
  inputDim: number;
  encoder: DenseLayer[];
  decoder: DenseLayer[];
  /** The codebooks, over latents of `encoder`'s output dimension. */
  quantizer: ResidualQuantizer;
}

/** One epoch's training figures, averaged over its rows. */
export interface RqVaeEpoch {
  epoch: number;
  epochs: number;
  /** ½|x̂ - x|² over ½|x|²: the share of the vectors' energy the decoder misses. */
  relativeReconstruction: number;
  /** Σ over levels of ½|r_l - e_l|², per row. */
  quantization: number;
  /** Codewords moved because no row chose them this epoch (all levels). */
  resetCodewords: number;
}

type Settings = Required<RqVaeOptions>;

const positiveInteger = (v: number, name: string, max = 1 << 20): void => {
  if (!Number.isInteger(v) || v < 1 || v > max)
    throw new QuarryError('BAD_ARGUMENT', `${name} must be an integer from 1 to ${max}, got ${v}`, { field: name });
};

/** Checks options and fills in the defaults. */
function rqVaeOptions(opts: RqVaeOptions): Settings {
  const rq = residualQuantizerOptions(opts);
  const hidden = opts.hidden ?? [512, 256, 128];
  if (!Array.isArray(hidden)) throw new QuarryError('BAD_ARGUMENT', 'hidden must be a list of layer widths', { field: 'hidden' });
  hidden.forEach((h) => positiveInteger(h, 'hidden', 65536));
  const s: Settings = {
    ...rq,
    hidden,
    latent: opts.latent ?? 32,
    epochs: opts.epochs ?? 20,
    batchSize: opts.batchSize ?? 256,
    learningRate: opts.learningRate ?? 0.001,
    beta: opts.beta ?? 0.25,
  };
  positiveInteger(s.latent, 'latent', 65536);
  positiveInteger(s.epochs, 'epochs', 1_000_000);
  positiveInteger(s.batchSize, 'batchSize', 1 << 20);
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate))
    throw new QuarryError('BAD_ARGUMENT', `learningRate must be a positive number, got ${s.learningRate}`, { field: 'learningRate' });
  if (!(s.beta >= 0) || !Number.isFinite(s.beta))
    throw new QuarryError('BAD_ARGUMENT', `beta must be a number of at least 0, got ${s.beta}`, { field: 'beta' });
  return s;
}

/** Operations for networks of these sizes plus `extraFloats` in `extraArrays` arrays: the kernels' when available. */
function linearOpsFor(stacks: number[][], extraFloats: number, extraArrays: number): LinearOps {
  let floats = extraFloats;
  let arrays = extraArrays;
  for (const sizes of stacks) {
    const need = denseStackFloats(sizes);
    floats += need.floats;
    arrays += need.arrays;
  }
  return kernelLinearOps(floats, arrays) ?? typeScriptLinearOps();
}

/** Rows between two progress reports of a pass over many rows. */
const PROGRESS_ROWS = 4096;

/** Runs rows of `dim` through `stack` into rows of its output width; `onRows` hears of every 4,096 rows done, and the last. */
function runStack(stack: DenseStack, data: Float32Array, dim: number, onRows?: (done: number, total: number) => void): Float32Array {
  const n = data.length / dim;
  const width = stack.layers[stack.layers.length - 1]!.outputs;
  const out = new Float32Array(n * width);
  const input = stack.input;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < dim; j++) input[j] = data[r * dim + j]!;
    out.set(stack.forward(), r * width);
    if (onRows !== undefined && ((r + 1) % PROGRESS_ROWS === 0 || r + 1 === n)) onRows(r + 1, n);
  }
  return out;
}

/** Greedy residual quantization of one latent, with the buffers training needs. */
class LatentQuantizer {
  /** res[l]: what levels before l leave (res[0] is the latent; copy it in first). */
  readonly res: Float32Array[];
  /** The sum of the chosen codewords. */
  readonly quantized: Float32Array;
  readonly codes: Int32Array;
  private readonly books: Float32Array[];
  private readonly norms: Float32Array;
  private readonly dots: Float32Array;

  constructor(
    private readonly ops: LinearOps,
    readonly codebooks: Float32Array,
    private readonly levels: number,
    private readonly k: number,
    private readonly dim: number,
  ) {
    this.res = Array.from({ length: levels + 1 }, () => ops.array(dim));
    this.quantized = ops.array(dim);
    this.codes = new Int32Array(levels);
    this.books = Array.from({ length: levels }, (_, l) => codebooks.subarray(l * k * dim, (l + 1) * k * dim));
    this.norms = new Float32Array(levels * k);
    this.dots = ops.array(k);
    this.refreshNorms();
  }

  /** Recomputes the codewords' squared norms (after the codebooks change). */
  refreshNorms(): void {
    const { codebooks, norms, dim } = this;
    for (let c = 0; c < norms.length; c++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += codebooks[c * dim + j]! * codebooks[c * dim + j]!;
      norms[c] = s;
    }
  }

  /** Quantizes res[0] through level `upTo` - 1 (all levels by default); returns Σ ½|res[l+1]|². */
  run(upTo = this.levels): number {
    const { k, dim, dots, norms, quantized } = this;
    quantized.fill(0);
    let loss = 0;
    for (let l = 0; l < upTo; l++) {
      const r = this.res[l]!;
      this.ops.matVec(this.books[l]!, k, dim, r, dots);
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = norms[l * k + c]! - 2 * dots[c]!;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      this.codes[l] = best;
      const e = this.books[l]!;
      const next = this.res[l + 1]!;
      let sq = 0;
      for (let j = 0; j < dim; j++) {
        const w = e[best * dim + j]!;
        quantized[j]! += w;
        const v = r[j]! - w;
        next[j] = v;
        sq += v * v;
      }
      loss += 0.5 * sq;
    }
    return loss;
  }
}

/**
 * Trains an RQ-VAE on rows of `dim` (an even sample of at most `maxTrainRows`
 * of them). Reproducible for a given seed on a given machine (the kernels and
 * the TypeScript loops round differently).
 */
export function fitRqVae(data: Float32Array, dim: number, options: RqVaeOptions, onEpoch?: (e: RqVaeEpoch) => void): RqVae {
  const o = rqVaeOptions(options);
  if (!Number.isInteger(dim) || dim < 1 || data.length % dim !== 0) {
    throw new QuarryError('BAD_ARGUMENT', `the data length (${data.length}) is not a multiple of the dimension (${dim})`, { field: 'dim' });
  }
  const sample = evenSample(data, dim, o.maxTrainRows);
  const n = sample.length / dim;
  const { levels, codebookSize: k, latent } = o;
  if (n < k)
    throw new QuarryError(
      'BAD_INPUT',
      `a codebook of ${k} codewords needs at least as many vectors, got ${n}`,
      { field: 'codebookSize' },
      'use a smaller codebookSize',
    );
  const encSizes = [dim, ...o.hidden, latent];
  const decSizes = [...encSizes].reverse();
  const ops = linearOpsFor([encSizes, decSizes], levels * k * latent + (levels + 4) * latent + k + dim, levels + 8);
  const random = xorshift32(o.seed);
  const encoder = DenseStack.random(ops, encSizes, random);
  const decoder = DenseStack.random(ops, decSizes, random);
  const init = fitResidualQuantizer(runStack(encoder, sample, dim), latent, {
    levels,
    codebookSize: k,
    seed: o.seed,
    iterations: o.iterations,
    maxTrainRows: o.maxTrainRows,
  });
  const books = ops.array(init.codebooks.length);
  books.set(init.codebooks);
  const rq = new LatentQuantizer(ops, books, levels, k, latent);
  const bookGrad = new Float32Array(books.length);
  const slots = [...encoder.layers, ...decoder.layers].flatMap((l, i) => {
    const g = i < encoder.layers.length ? encoder.grads[i]! : decoder.grads[i - encoder.layers.length]!;
    return [new AdamSlot(l.weights, g.weights), new AdamSlot(l.bias, g.bias)];
  });
  const bookSlot = new AdamSlot(books, bookGrad);
  const outGrad = new Float32Array(dim);
  const latentGrad = ops.array(latent); // the decoder's input gradient, then the encoder's output gradient
  const used = new Uint8Array(levels * k);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  // ½|x|² summed over the sample: the denominator of every epoch's relative reconstruction error
  let energy = 0;
  for (let i = 0; i < sample.length; i++) energy += 0.5 * sample[i]! * sample[i]!;
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    used.fill(0);
    let recon = 0;
    let quant = 0;
    for (let start = 0; start < n; start += o.batchSize) {
      const end = Math.min(n, start + o.batchSize);
      for (let b = start; b < end; b++) {
        const row = order[b]! * dim;
        const x = encoder.input;
        for (let j = 0; j < dim; j++) x[j] = sample[row + j]!;
        rq.res[0]!.set(encoder.forward());
        quant += rq.run();
        decoder.input.set(rq.quantized);
        const xh = decoder.forward();
        for (let j = 0; j < dim; j++) {
          const e = xh[j]! - sample[row + j]!;
          outGrad[j] = e;
          recon += 0.5 * e * e;
        }
        decoder.backward(outGrad, latentGrad);
        // straight through the quantizer, plus each level's commitment β (r_l - e_l) = β res[l + 1];
        // the codeword moves toward the residual it quantized: gradient e_l - r_l = -res[l + 1]
        for (let l = 0; l < levels; l++) {
          const after = rq.res[l + 1]!;
          const c = rq.codes[l]!;
          used[l * k + c] = 1;
          const g = (l * k + c) * latent;
          for (let j = 0; j < latent; j++) {
            latentGrad[j]! += o.beta * after[j]!;
            bookGrad[g + j]! -= after[j]!;
          }
        }
        encoder.backward(latentGrad);
      }
      step++;
      const scale = 1 / (end - start);
      for (const s of slots) s.step(o.learningRate, step, scale);
      bookSlot.step(o.learningRate, step, scale);
      rq.refreshNorms();
    }
    const reset = resetUnusedCodewords(used, rq, encoder, sample, dim, random, bookSlot);
    onEpoch?.({
      epoch,
      epochs: o.epochs,
      relativeReconstruction: energy > 0 ? recon / energy : 0,
      quantization: quant / n,
      resetCodewords: reset,
    });
  }
  return {
    inputDim: dim,
    encoder: encoder.snapshot(),
    decoder: decoder.snapshot(),
    quantizer: { dim: latent, levels, codebookSize: k, codebooks: books.slice() },
  };
}

/**
 * Moves every codeword no row chose to the residual a random training row has
 * at that level (and clears its Adam moments); returns how many moved.
 */
function resetUnusedCodewords(
  used: Uint8Array,
  rq: LatentQuantizer,
  encoder: DenseStack,
  sample: Float32Array,
  dim: number,
  random: () => number,
  slot: AdamSlot,
): number {
  const n = sample.length / dim;
  const latent = rq.res[0]!.length;
  const k = used.length / rq.codes.length;
  let moved = 0;
  for (let i = 0; i < used.length; i++) {
    if (used[i] === 1) continue;
    const level = Math.floor(i / k);
    const row = Math.floor(random() * n) * dim;
    for (let j = 0; j < dim; j++) encoder.input[j] = sample[row + j]!;
    rq.res[0]!.set(encoder.forward());
    rq.run(level);
    rq.codebooks.set(rq.res[level]!, i * latent);
    slot.m.fill(0, i * latent, (i + 1) * latent);
    slot.v.fill(0, i * latent, (i + 1) * latent);
    moved++;
  }
  if (moved > 0) rq.refreshNorms();
  return moved;
}

/**
 * The latents of rows of `model.inputDim` (rows of the quantizer's dimension),
 * for coding with its quantizer; `onRows` hears of every 4,096 rows encoded.
 */
export function encodeRqVaeLatents(model: RqVae, data: Float32Array, onRows?: (done: number, total: number) => void): Float32Array {
  const dim = model.inputDim;
  if (data.length % dim !== 0) {
    throw new QuarryError('BAD_INPUT', `the vectors' length (${data.length}) is not a multiple of the model's input dimension (${dim})`, {
      field: 'vectors',
    });
  }
  const sizes = [dim, ...model.encoder.map((l) => l.outputs)];
  const encoder = DenseStack.of(linearOpsFor([sizes], 0, 0), model.encoder);
  return runStack(encoder, data, dim, onRows);
}

/** The decoder's reconstructions of rows of latents (e.g. the sums of codewords of semantic ids). */
export function decodeRqVaeLatents(model: RqVae, latents: Float32Array): Float32Array {
  const latent = model.quantizer.dim;
  if (latents.length % latent !== 0) {
    throw new QuarryError('BAD_INPUT', `the latents' length (${latents.length}) is not a multiple of the latent dimension (${latent})`, {
      field: 'latents',
    });
  }
  const sizes = [latent, ...model.decoder.map((l) => l.outputs)];
  const decoder = DenseStack.of(linearOpsFor([sizes], 0, 0), model.decoder);
  return runStack(decoder, latents, latent);
}
