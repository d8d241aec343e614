/**
 * The learned encoder of a recurrent binarizer, after BEBR (Gan et al., "Binary Embedding-based
 * Retrieval at Tencent", KDD 2023): bit plane t of a row is the sign of a small MLP of the residual
 * the planes before it left, z_t = u_t + W2_t relu(W1_t u_t + b1_t) + b2_t. The skip connection makes
 * the untrained encoder (W2 = 0, b2 = 0) the plain sign binarizer, so training starts from it; the
 * decoder stays the per-dimension scale of each plane, so trained codes are scored by the same
 * bit-plane kernels as fitted ones.
 */
import { standardNormal, xorshift32 } from '../kernels/xorshift.js';

/** Weights of a plane encoder: one MLP per bit plane over `dim`-d residuals, `hidden` units wide. */
export interface PlaneEncoder {
  planes: number;
  dim: number;
  hidden: number;
  /** w1[(t * hidden + i) * dim + d]. */
  w1: Float32Array;
  /** b1[t * hidden + i]. */
  b1: Float32Array;
  /** w2[(t * dim + d) * hidden + i]. */
  w2: Float32Array;
  /** b2[t * dim + d]. */
  b2: Float32Array;
}

/**
 * An encoder that codes exactly as the sign binarizer does (second layer zero), with first-layer
 * weights drawn with He scaling so that its hidden units carry gradient from the first step.
 */
export function initialPlaneEncoder(planes: number, dim: number, hidden: number, seed: number): PlaneEncoder {
  const rand = xorshift32(seed);
  const w1 = new Float32Array(planes * hidden * dim);
  const sd = Math.sqrt(2 / dim);
  for (let i = 0; i < w1.length; i++) w1[i] = sd * standardNormal(rand);
  return {
    planes,
    dim,
    hidden,
    w1,
    b1: new Float32Array(planes * hidden),
    w2: new Float32Array(planes * dim * hidden),
    b2: new Float32Array(planes * dim),
  };
}

/**
 * Plane t's logits for residual `u`: writes the hidden layer's pre-activations into `pre` (hidden)
 * and z into `z` (dim); bit d of the plane is z_d >= 0.
 */
export function planeLogits(e: PlaneEncoder, t: number, u: Float32Array, pre: Float32Array, z: Float32Array): void {
  const { dim, hidden, w1, b1, w2, b2 } = e;
  for (let i = 0; i < hidden; i++) {
    const row = (t * hidden + i) * dim;
    let s = b1[t * hidden + i]!;
    for (let d = 0; d < dim; d++) s += w1[row + d]! * u[d]!;
    pre[i] = s;
  }
  for (let d = 0; d < dim; d++) {
    const row = (t * dim + d) * hidden;
    let s = u[d]! + b2[t * dim + d]!;
    for (let i = 0; i < hidden; i++) {
      const h = pre[i]!;
      if (h > 0) s += w2[row + i]! * h;
    }
    z[d] = s;
  }
}

/** Whether an encoder's arrays have the lengths its shape asks for. */
export function planeEncoderShapeOk(e: PlaneEncoder): boolean {
  const { planes, dim, hidden } = e;
  return (
    Number.isInteger(planes) &&
    Number.isInteger(dim) &&
    Number.isInteger(hidden) &&
    planes >= 1 &&
    dim >= 1 &&
    hidden >= 1 &&
    e.w1.length === planes * hidden * dim &&
    e.b1.length === planes * hidden &&
    e.w2.length === planes * dim * hidden &&
    e.b2.length === planes * dim
  );
}
