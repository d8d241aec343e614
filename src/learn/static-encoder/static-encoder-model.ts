/**
 * The trainable static encoder: a token embedding table and a learned scalar
 * weight per token (SIF-like pooling, Arora et al., ICLR 2017, with the
 * weights trained instead of fixed). A text's vector is the weighted mean of
 * its tokens' rows, normalized, exactly what `Model2VecEncoder` computes from
 * the saved folder (Tulkens & van Dongen, Model2Vec, 2024), so training and
 * serving agree.
 */
import { xorshift32 } from '../../kernels/xorshift.js';
import type { RowGradients } from './row-gradients.js';
import type { TrainingKernels } from './training-kernels.js';

/** Smallest pooled norm divided by, so an all-zero bag gives a zero vector. */
const MIN_NORM = 1e-12;

/** How a fresh model is initialised. */
export interface StaticEncoderInit {
  /** Seed of the random rows (default 1). */
  seed?: number;
  /** Initial per-token weights (e.g. inverse document frequencies); default 1. */
  weights?: Float32Array;
}

/** Token embeddings and pooling weights, trained together. */
export class StaticEncoderModel {
  private kernels: TrainingKernels | null = null;

  private constructor(
    readonly vocabSize: number,
    readonly dim: number,
    /** Row `t` of `dim` floats is token t's vector (moved into kernel memory by `useKernels`). */
    public embeddings: Float32Array,
    /** Token t's pooling weight. */
    public weights: Float32Array,
  ) {}

  /** Moves the parameters into `k`'s memory: from now on pooling and its gradient run in the SIMD kernels. */
  useKernels(k: TrainingKernels): void {
    k.embeddings.set(this.embeddings);
    k.weights.set(this.weights);
    this.embeddings = k.embeddings;
    this.weights = k.weights;
    this.kernels = k;
  }

  /** A model with Gaussian rows of variance 1/dim (nearly orthogonal, so the untrained model is a weighted bag-of-words matcher). */
  static random(vocabSize: number, dim: number, init: StaticEncoderInit = {}): StaticEncoderModel {
    const rand = xorshift32(init.seed ?? 1);
    const e = new Float32Array(vocabSize * dim);
    const scale = 1 / Math.sqrt(dim);
    for (let i = 0; i < e.length; i += 2) {
      // Box-Muller: two normal deviates from two uniforms
      const u = Math.max(rand(), 1e-12);
      const r = Math.sqrt(-2 * Math.log(u)) * scale;
      const a = 2 * Math.PI * rand();
      e[i] = r * Math.cos(a);
      if (i + 1 < e.length) e[i + 1] = r * Math.sin(a);
    }
    const w = init.weights !== undefined ? Float32Array.from(init.weights) : new Float32Array(vocabSize).fill(1);
    return new StaticEncoderModel(vocabSize, dim, e, w);
  }

  /** A model over given rows and weights (kept, not copied). */
  static of(embeddings: Float32Array, weights: Float32Array, dim: number): StaticEncoderModel {
    return new StaticEncoderModel(weights.length, dim, embeddings, weights);
  }

  /**
   * Pools the tokens `tokens[start, end)` without `[skipStart, skipEnd)` into
   * `out[at, at + dim)`, normalized; returns the pooled vector's norm before
   * normalization (0 for an empty bag).
   */
  forward(tokens: Int32Array, start: number, end: number, skipStart: number, skipEnd: number, out: Float32Array, at: number): number {
    const k = this.kernels;
    if (k !== null && end - start <= k.ids.length) return this.forwardKernel(k, tokens, start, end, skipStart, skipEnd, out, at);
    const dim = this.dim;
    const e = this.embeddings;
    const w = this.weights;
    out.fill(0, at, at + dim);
    let n = 0;
    for (let t = start; t < end; t++) {
      if (t === skipStart && skipEnd > t) {
        t = skipEnd - 1;
        continue;
      }
      const id = tokens[t]!;
      const wt = w[id]!;
      const base = id * dim;
      for (let j = 0; j < dim; j++) out[at + j]! += wt * e[base + j]!;
      n++;
    }
    return normalizeMean(out, at, dim, n);
  }

  private forwardKernel(
    k: TrainingKernels,
    tokens: Int32Array,
    start: number,
    end: number,
    skipStart: number,
    skipEnd: number,
    out: Float32Array,
    at: number,
  ): number {
    const n = gatherBag(k.ids, tokens, start, end, skipStart, skipEnd);
    const dim = this.dim;
    const inPlace = k.holds(out);
    const target = inPlace ? out.byteOffset + 4 * at : k.pooled.byteOffset;
    k.k.pool_weighted_f32(this.embeddings.byteOffset, this.weights.byteOffset, dim, k.ids.byteOffset, n, target);
    if (!inPlace) out.set(k.pooled, at);
    return normalizeMean(out, at, dim, n);
  }

  /**
   * Adds to `grads` the gradient of a loss with respect to the rows and weights
   * of the bag's tokens, given the bag's normalized vector `vec[at..]`, its
   * pooled norm (as `forward` returned) and dLoss/dvector `dVec[at..]`.
   * `scratch` holds `dim` floats.
   */
  backward(
    tokens: Int32Array,
    start: number,
    end: number,
    skipStart: number,
    skipEnd: number,
    vec: Float32Array,
    dVec: Float32Array,
    at: number,
    norm: number,
    grads: RowGradients,
    scratch: Float32Array,
  ): void {
    if (norm === 0) return;
    const dim = this.dim;
    let n = 0;
    for (let t = start; t < end; t++) if (t < skipStart || t >= skipEnd) n++;
    // d(u/|u|)/du applied to dVec: (dv − v (v·dv)) / |u|, then the mean's 1/n
    let vd = 0;
    for (let j = 0; j < dim; j++) vd += vec[at + j]! * dVec[at + j]!;
    const scale = 1 / (norm * n);
    for (let j = 0; j < dim; j++) scratch[j] = (dVec[at + j]! - vec[at + j]! * vd) * scale;
    const k = this.kernels;
    if (k !== null && grads.inKernelMemory && end - start <= k.ids.length) {
      const count = gatherBag(k.ids, tokens, start, end, skipStart, skipEnd);
      for (let i = 0; i < count; i++) k.slots[i] = grads.slot(k.ids[i]!);
      k.g.set(scratch.length === dim ? scratch : scratch.subarray(0, dim));
      k.k.pool_backward_f32(
        this.embeddings.byteOffset,
        this.weights.byteOffset,
        dim,
        k.ids.byteOffset,
        k.slots.byteOffset,
        count,
        k.g.byteOffset,
        grads.rows.byteOffset,
        grads.weights.byteOffset,
      );
      return;
    }
    const e = this.embeddings;
    const w = this.weights;
    for (let t = start; t < end; t++) {
      if (t === skipStart && skipEnd > t) {
        t = skipEnd - 1;
        continue;
      }
      const id = tokens[t]!;
      const slot = grads.slot(id);
      const g = grads.rows;
      const gb = slot * dim;
      const base = id * dim;
      const wt = w[id]!;
      let dw = 0;
      for (let j = 0; j < dim; j++) {
        g[gb + j]! += wt * scratch[j]!;
        dw += e[base + j]! * scratch[j]!;
      }
      grads.weights[slot]! += dw;
    }
  }
}

/** Copies the bag's token rows (tokens[start, end) without [skipStart, skipEnd)) into `ids`; returns how many. */
function gatherBag(ids: Int32Array, tokens: Int32Array, start: number, end: number, skipStart: number, skipEnd: number): number {
  let n = 0;
  for (let t = start; t < end; t++) {
    if (t === skipStart && skipEnd > t) {
      t = skipEnd - 1;
      continue;
    }
    ids[n++] = tokens[t]!;
  }
  return n;
}

/** Divides the pooled sum at out[at..] by n and scales it to unit length; returns its norm before that (0 for n = 0). */
function normalizeMean(out: Float32Array, at: number, dim: number, n: number): number {
  if (n === 0) {
    out.fill(0, at, at + dim);
    return 0;
  }
  let s = 0;
  for (let j = 0; j < dim; j++) {
    const x = out[at + j]! / n;
    out[at + j] = x;
    s += x * x;
  }
  const norm = Math.sqrt(s);
  const inv = 1 / Math.max(norm, MIN_NORM);
  for (let j = 0; j < dim; j++) out[at + j]! *= inv;
  return norm;
}
