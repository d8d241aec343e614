/** Adam (Kingma & Ba, ICLR 2015): the optimizer of Quarry's small trained models (drift MLPs, RQ-VAE). */

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** Adam's moment estimates for one parameter array, updated from the gradient array beside it. */
export class AdamSlot {
  /** First-moment (mean) estimate of each gradient entry. */
  readonly m: Float32Array;
  /** Second-moment (uncentred variance) estimate of each gradient entry. */
  readonly v: Float32Array;

  constructor(
    readonly param: Float32Array,
    readonly grad: Float32Array,
  ) {
    this.m = new Float32Array(param.length);
    this.v = new Float32Array(param.length);
  }

  /** Step `t` (from 1) with learning rate `lr` on `grad * scale`; then zeroes the gradient. */
  step(lr: number, t: number, scale: number): void {
    const c1 = 1 / (1 - BETA1 ** t);
    const c2 = 1 / (1 - BETA2 ** t);
    const { m, v, grad, param } = this;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i]! * scale;
      m[i] = BETA1 * m[i]! + (1 - BETA1) * g;
      v[i] = BETA2 * v[i]! + (1 - BETA2) * g * g;
      param[i]! -= (lr * m[i]! * c1) / (Math.sqrt(v[i]! * c2) + EPSILON);
    }
    grad.fill(0);
  }
}
