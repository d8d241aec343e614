/**
 * Forward and backward passes of a recurrent binarizer (BEBR, Gan et al., KDD 2023) for one row:
 * plane t codes the residual u_t left by the planes before it with the sign of its encoder's
 * logits, and the reconstruction is x̂ = sum_t D_t b_t with a linear decoder D_t per plane. The sign has no gradient, so
 * training passes the gradient of b_t straight through to the logits (the straight-through
 * estimator); `soft` > 0 replaces the sign by tanh(z / soft), whose exact gradient the finite
 * difference tests check the same code against.
 */
import type { PlaneEncoder } from '../../quantize/plane-encoder.js';

/** Gradients of a binarizer's trainable arrays, laid out as the arrays. */
export interface BinarizerGradients {
  decoder: Float32Array;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** Zeroed gradient arrays for an encoder and its planes' scales. */
export function binarizerGradients(e: PlaneEncoder): BinarizerGradients {
  return {
    decoder: new Float32Array(e.planes * e.dim * e.dim),
    w1: new Float32Array(e.w1.length),
    b1: new Float32Array(e.b1.length),
    w2: new Float32Array(e.w2.length),
    b2: new Float32Array(e.b2.length),
  };
}

/** One row's pass through the planes, with what the backward pass needs kept. */
export class PlaneGraph {
  /** The reconstruction sum_t D_t b_t after forward(). */
  readonly xhat: Float32Array;
  private readonly u: Float32Array;
  private readonly pre: Float32Array;
  private readonly bits: Float32Array;
  private readonly gu: Float32Array;
  private readonly gz: Float32Array;
  private readonly gpre: Float32Array;
  private readonly ge: Float32Array;

  constructor(
    readonly planes: number,
    readonly dim: number,
    readonly hidden: number,
    /** 0: sign codes with straight-through gradients; > 0: tanh(z / soft) with exact ones. */
    readonly soft = 0,
  ) {
    this.xhat = new Float32Array(dim);
    this.u = new Float32Array((planes + 1) * dim);
    this.pre = new Float32Array(planes * hidden);
    this.bits = new Float32Array(planes * dim);
    this.gu = new Float32Array(dim);
    this.gz = new Float32Array(dim);
    this.gpre = new Float32Array(hidden);
    this.ge = new Float32Array(dim);
  }

  /** Codes `residual` (the row minus its centre, in coded space) with the encoder and decoder (see ResidualBinarizer.decoder). */
  forward(e: PlaneEncoder, decoder: Float32Array, residual: Float32Array): Float32Array {
    const { planes, dim, hidden, u, pre, bits, xhat, soft } = this;
    u.set(residual.subarray(0, dim), 0);
    xhat.fill(0);
    for (let t = 0; t < planes; t++) {
      const ut = t * dim;
      for (let i = 0; i < hidden; i++) {
        const row = (t * hidden + i) * dim;
        let s = e.b1[t * hidden + i]!;
        for (let d = 0; d < dim; d++) s += e.w1[row + d]! * u[ut + d]!;
        pre[t * hidden + i] = s;
      }
      for (let d = 0; d < dim; d++) {
        const row = (t * dim + d) * hidden;
        let z = u[ut + d]! + e.b2[t * dim + d]!;
        for (let i = 0; i < hidden; i++) {
          const h = pre[t * hidden + i]!;
          if (h > 0) z += e.w2[row + i]! * h;
        }
        bits[t * dim + d] = soft > 0 ? Math.tanh(z / soft) : z >= 0 ? 1 : -1;
      }
      for (let d = 0; d < dim; d++) {
        const row = (t * dim + d) * dim;
        let v = 0;
        for (let j = 0; j < dim; j++) v += decoder[row + j]! * bits[t * dim + j]!;
        xhat[d]! += v;
        u[ut + dim + d] = u[ut + d]! - v;
      }
    }
    return xhat;
  }

  /** After backward(): the gradient with respect to the residual forward() coded (its input). */
  get inputGradient(): Float32Array {
    return this.gu;
  }

  /** Adds the gradients of a loss whose gradient with respect to x̂ is `gx` (after forward()). */
  backward(e: PlaneEncoder, decoder: Float32Array, gx: Float32Array, g: BinarizerGradients): void {
    const { planes, dim, hidden, u, pre, bits, gu, gz, gpre, ge, soft } = this;
    // gu: the gradient with respect to the residual the next plane codes (none after the last)
    gu.fill(0);
    for (let t = planes - 1; t >= 0; t--) {
      const ut = t * dim;
      // x̂ gains and u_{t+1} loses D_t b_t: both carry the same product
      for (let d = 0; d < dim; d++) ge[d] = gx[d]! - gu[d]!;
      gz.fill(0);
      for (let d = 0; d < dim; d++) {
        const v = ge[d]!;
        if (v === 0) continue;
        const row = (t * dim + d) * dim;
        for (let j = 0; j < dim; j++) {
          g.decoder[row + j]! += v * bits[t * dim + j]!;
          gz[j]! += v * decoder[row + j]!;
        }
      }
      if (soft > 0)
        for (let j = 0; j < dim; j++) {
          const b = bits[t * dim + j]!;
          gz[j] = (gz[j]! * (1 - b * b)) / soft;
        }
      gpre.fill(0);
      for (let d = 0; d < dim; d++) {
        const v = gz[d]!;
        if (v === 0) continue;
        g.b2[t * dim + d]! += v;
        const row = (t * dim + d) * hidden;
        for (let i = 0; i < hidden; i++) {
          const h = pre[t * hidden + i]!;
          if (h <= 0) continue;
          g.w2[row + i]! += v * h;
          gpre[i]! += v * e.w2[row + i]!;
        }
      }
      // u_t feeds z_t directly, through the hidden layer, and into u_{t+1}
      for (let d = 0; d < dim; d++) gu[d]! += gz[d]!;
      for (let i = 0; i < hidden; i++) {
        const v = gpre[i]!;
        if (v === 0) continue;
        g.b1[t * hidden + i]! += v;
        const row = (t * hidden + i) * dim;
        for (let d = 0; d < dim; d++) {
          g.w1[row + d]! += v * u[ut + d]!;
          gu[d]! += v * e.w1[row + d]!;
        }
      }
    }
  }
}

/**
 * The estimate of <q, row> a binary index computes from a row's reconstruction x̂ (coded space):
 * <q, c> + <q, x̂> plainly, or with RaBitQ's per-row correction <q, c> + <r, c> + f <q - c, x̂>,
 * f = |r|² / <x̂, r> (see residualRowTerms). Writes d estimate / d x̂ into `gx` when given.
 */
export function codeEstimate(
  q: Float32Array,
  centre: Float32Array,
  centreAt: number,
  residual: Float32Array,
  xhat: Float32Array,
  correction: boolean,
  gx: Float32Array | null,
): number {
  const dim = xhat.length;
  let qc = 0;
  for (let d = 0; d < dim; d++) qc += q[d]! * centre[centreAt + d]!;
  if (!correction) {
    let qx = 0;
    for (let d = 0; d < dim; d++) qx += q[d]! * xhat[d]!;
    gx?.set(q.subarray(0, dim));
    return qc + qx;
  }
  let rr = 0;
  let xr = 0;
  let rc = 0;
  let a = 0;
  for (let d = 0; d < dim; d++) {
    const r = residual[d]!;
    const c = centre[centreAt + d]!;
    rr += r * r;
    xr += xhat[d]! * r;
    rc += r * c;
    a += (q[d]! - c) * xhat[d]!;
  }
  if (!(xr > 0)) {
    // the index scores such a row by its centre alone (f = 0)
    gx?.fill(0);
    return qc + rc;
  }
  const f = rr / xr;
  if (gx !== null) for (let d = 0; d < dim; d++) gx[d] = f * (q[d]! - centre[centreAt + d]! - (a / xr) * residual[d]!);
  return qc + rc + f * a;
}
