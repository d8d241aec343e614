/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR
 * 2019) over the rows a batch touched, as lazy Adam does for embedding
 * tables: moments of untouched rows are left as they are, so a step costs
 * the batch's rows, not the vocabulary's.
 */
import type { RowGradients } from './row-gradients.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** Adam moments of an embedding table and its pooling weights. */
export class SparseRowAdam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly mw: Float32Array;
  private readonly vw: Float32Array;
  private t = 0;

  constructor(
    private readonly embeddings: Float32Array,
    private readonly weights: Float32Array,
    private readonly dim: number,
  ) {
    this.m = new Float32Array(embeddings.length);
    this.v = new Float32Array(embeddings.length);
    this.mw = new Float32Array(weights.length);
    this.vw = new Float32Array(weights.length);
  }

  /** One step over the touched rows with learning rates for rows and weights and decoupled weight decay of rows; clears `grads`. */
  step(grads: RowGradients, rowRate: number, weightRate: number, weightDecay: number): void {
    this.t++;
    const c1 = 1 / (1 - BETA1 ** this.t);
    const c2 = 1 / (1 - BETA2 ** this.t);
    const { m, v, mw, vw, embeddings: e, weights: w, dim } = this;
    const g = grads.rows;
    for (let s = 0; s < grads.count; s++) {
      const id = grads.ids[s]!;
      const base = id * dim;
      const gb = s * dim;
      const decay = 1 - rowRate * weightDecay;
      for (let j = 0; j < dim; j++) {
        const gj = g[gb + j]!;
        const k = base + j;
        const mk = BETA1 * m[k]! + (1 - BETA1) * gj;
        const vk = BETA2 * v[k]! + (1 - BETA2) * gj * gj;
        m[k] = mk;
        v[k] = vk;
        e[k] = e[k]! * decay - (rowRate * mk * c1) / (Math.sqrt(vk * c2) + EPSILON);
      }
      const gw = grads.weights[s]!;
      const mk = BETA1 * mw[id]! + (1 - BETA1) * gw;
      const vk = BETA2 * vw[id]! + (1 - BETA2) * gw * gw;
      mw[id] = mk;
      vw[id] = vk;
      w[id]! -= (weightRate * mk * c1) / (Math.sqrt(vk * c2) + EPSILON);
    }
    grads.clear();
  }
}

/** The learning rate at `step` of `total`: linear warm-up over `warmup` steps, then linear decay to a tenth. */
export function scheduledRate(base: number, step: number, total: number, warmup: number): number {
  if (step < warmup) return (base * (step + 1)) / warmup;
  const rest = Math.max(1, total - warmup);
  return base * (1 - (0.9 * (step - warmup)) / rest);
}
