/**
 * The residual MLP drift adapter of Drift-Adapter (Vejendla, EMNLP 2025):
 * y = W x + b + V relu(U x + c), started from the ridge affine fit (W, b) with
 * V = 0, so training only ever adds the non-linear correction the affine map
 * cannot express. Trained by minibatch Adam (Kingma & Ba, ICLR 2015) on the
 * squared error, with a held-out tenth of the pairs deciding when to stop.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { standardNormal, xorshift32 } from '../../kernels/xorshift.js';
import { mlpPasses } from './drift-mlp-passes.js';
import { AdamSlot } from '../adam.js';
import { checkPositiveInteger } from '../../core/checks.js';

/** The non-linear part of an MLP adapter. */
export interface ResidualMlp {
  hidden: number;
  /** U: hidden rows of inputDim. */
  inWeights: Float32Array;
  /** c: hidden values. */
  inBias: Float32Array;
  /** V: outputDim rows of hidden. */
  outWeights: Float32Array;
}

/** Training settings. */
export interface MlpTraining {
  hidden: number;
  epochs: number;
  learningRate: number;
  seed: number;
  /** Called after every epoch with the held-out loss. */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** A tenth of the pairs (every tenth, from 20 pairs up) decides when training stops; the rest train. */
export function stoppingPair(i: number, n: number): boolean {
  return n >= 20 && i % 10 === 9;
}

const BATCH = 128;
/** Epochs without a better held-out loss before training stops. */
const PATIENCE = 5;

/**
 * Trains the MLP (and fine-tunes W, b in place) on pairs x (rows of p) → y
 * (rows of q). Returns the parameters of the epoch with the best held-out loss.
 */
export function trainResidualMlp(
  x: Float32Array,
  p: number,
  y: Float32Array,
  q: number,
  matrix: Float32Array,
  bias: Float32Array,
  t: MlpTraining,
): ResidualMlp {
  const { hidden: h, epochs, learningRate } = t;
  if (!Number.isInteger(h) || h < 1 || h > 4096)
    throw new QuarryError('BAD_ARGUMENT', `hidden must be an integer from 1 to 4096, got ${h}`, { field: 'hidden' });
  checkPositiveInteger(epochs, 'epochs');
  if (!(learningRate > 0) || !Number.isFinite(learningRate))
    throw new QuarryError('BAD_ARGUMENT', `learningRate must be a positive number, got ${learningRate}`, { field: 'learningRate' });
  const n = x.length / p;
  const random = xorshift32(t.seed);
  const gauss = (): number => standardNormal(random);
  const inWeights = Float32Array.from({ length: h * p }, () => gauss() * Math.sqrt(2 / p));
  const passes = mlpPasses(x, y, { p, q, h }, [matrix, bias, inWeights, new Float32Array(h), new Float32Array(q * h)]);
  const slots = passes.params.map((param, i) => new AdamSlot(param, passes.grads[i]!));
  const order: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < n; i++) (stoppingPair(i, n) ? held : order).push(i);
  const heldLoss = (): number => {
    let s = 0;
    for (const r of held) s += passes.forward(r);
    return held.length > 0 ? s / held.length : 0;
  };
  let best = heldLoss();
  let bestParams = slots.map((s) => s.param.slice());
  let sinceBest = 0;
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < order.length; start += BATCH) {
      const end = Math.min(order.length, start + BATCH);
      for (let b = start; b < end; b++) {
        passes.forward(order[b]!);
        passes.backward(order[b]!);
      }
      step++;
      for (const s of slots) s.step(learningRate, step, 1 / (end - start));
    }
    const loss = heldLoss();
    t.onEpoch?.(epoch + 1, epochs, loss);
    if (held.length === 0 || loss < best) {
      best = loss;
      bestParams = slots.map((s) => s.param.slice());
      sinceBest = 0;
    } else if (++sinceBest >= PATIENCE) break;
  }
  // the best epoch's parameters, in arrays of their own (not views of the passes' memory)
  const [W, b, U, c, V] = bestParams as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  matrix.set(W);
  bias.set(b);
  return { hidden: h, inWeights: U, inBias: c, outWeights: V };
}

/** Adds V relu(U x + c) to `out` (the affine part already in it). */
export function addResidualMlp(
  mlp: ResidualMlp,
  vector: ArrayLike<number>,
  out: Float32Array,
  scratch = new Float32Array(mlp.hidden),
): void {
  const p = vector.length;
  const h = mlp.hidden;
  for (let k = 0; k < h; k++) {
    let s = mlp.inBias[k]!;
    for (let j = 0; j < p; j++) s += mlp.inWeights[k * p + j]! * vector[j]!;
    scratch[k] = s > 0 ? s : 0;
  }
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = 0; k < h; k++) s += mlp.outWeights[i * h + k]! * scratch[k]!;
    out[i]! += s;
  }
}
