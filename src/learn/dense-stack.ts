/**
 * A feed-forward stack of dense layers (ReLU between them, a linear last
 * layer) with one row's forward and backward pass at a time: the encoder and
 * decoder of the RQ-VAE. The products run through {@link LinearOps}, so the
 * same code trains in plain loops or in the WebAssembly kernels.
 */
import { standardNormal } from '../kernels/xorshift.js';
import type { LinearOps } from './linear-ops.js';

/** One dense layer: y = W x + b, W `outputs` rows of `inputs`. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Floats and arrays a stack of these layer sizes allocates (for sizing a kernel memory). */
export function denseStackFloats(sizes: readonly number[]): { floats: number; arrays: number } {
  let floats = sizes[0]!; // the input row
  for (let i = 1; i < sizes.length; i++) floats += 2 * (sizes[i - 1]! * sizes[i]! + sizes[i]!) + 2 * sizes[i]!;
  return { floats, arrays: 1 + 6 * (sizes.length - 1) };
}

/** A stack's parameters, their summed gradients, and one row's activations. */
export class DenseStack {
  /** The row forward() reads: copy it here first (in the operations' memory). */
  readonly input: Float32Array;
  readonly layers: DenseLayer[];
  /** Gradients of the layers' weights and biases, summed over rows since the optimizer last zeroed them. */
  readonly grads: { weights: Float32Array; bias: Float32Array }[];
  /** acts[i]: layer i's output for the last row forward (after ReLU, except the last). */
  private readonly acts: Float32Array[];
  /** deltas[i]: the loss gradient at layer i's output (before ReLU). */
  private readonly deltas: Float32Array[];

  private constructor(
    private readonly ops: LinearOps,
    layers: readonly DenseLayer[],
  ) {
    this.input = ops.array(layers[0]!.inputs);
    this.layers = layers.map((l) => {
      const weights = ops.array(l.weights.length);
      weights.set(l.weights);
      const bias = ops.array(l.bias.length);
      bias.set(l.bias);
      return { inputs: l.inputs, outputs: l.outputs, weights, bias };
    });
    this.grads = layers.map((l) => ({ weights: ops.array(l.weights.length), bias: ops.array(l.bias.length) }));
    this.acts = layers.map((l) => ops.array(l.outputs));
    this.deltas = layers.map((l) => ops.array(l.outputs));
  }

  /** A stack over trained layers (copied into the operations' memory). */
  static of(ops: LinearOps, layers: readonly DenseLayer[]): DenseStack {
    return new DenseStack(ops, layers);
  }

  /** A new stack of the given sizes (input first): He-normal weights, zero biases. */
  static random(ops: LinearOps, sizes: readonly number[], random: () => number): DenseStack {
    const layers: DenseLayer[] = [];
    for (let i = 1; i < sizes.length; i++) {
      const inputs = sizes[i - 1]!;
      const outputs = sizes[i]!;
      const scale = Math.sqrt(2 / inputs);
      layers.push({
        inputs,
        outputs,
        weights: Float32Array.from({ length: inputs * outputs }, () => standardNormal(random) * scale),
        bias: new Float32Array(outputs),
      });
    }
    return new DenseStack(ops, layers);
  }

  /** The output of the row in `input`; the array is reused by the next call. */
  forward(): Float32Array {
    let x = this.input;
    const last = this.layers.length - 1;
    for (let i = 0; i <= last; i++) {
      const { inputs, outputs, weights, bias } = this.layers[i]!;
      const y = this.acts[i]!;
      this.ops.matVec(weights, outputs, inputs, x, y);
      for (let j = 0; j < outputs; j++) {
        const s = y[j]! + bias[j]!;
        y[j] = i < last && s < 0 ? 0 : s;
      }
      x = y;
    }
    return x;
  }

  /**
   * Adds the gradients of the row forward() last saw, given the loss gradient at
   * the output; when `inputGrad` is given, sets it to the gradient at the input.
   */
  backward(outputGrad: ArrayLike<number>, inputGrad?: Float32Array): void {
    const last = this.layers.length - 1;
    this.deltas[last]!.set(outputGrad);
    for (let i = last; i >= 0; i--) {
      const { inputs, outputs, weights } = this.layers[i]!;
      const delta = this.deltas[i]!;
      if (i < last) {
        // ReLU passes the gradient only where it passed the value
        const act = this.acts[i]!;
        for (let j = 0; j < outputs; j++) if (act[j]! <= 0) delta[j] = 0;
      }
      const g = this.grads[i]!;
      for (let j = 0; j < outputs; j++) g.bias[j]! += delta[j]!;
      const x = i === 0 ? this.input : this.acts[i - 1]!;
      this.ops.addOuter(g.weights, outputs, inputs, delta, x);
      const below = i === 0 ? inputGrad : this.deltas[i - 1]!;
      if (below === undefined) continue;
      below.fill(0);
      this.ops.addMatTVec(weights, outputs, inputs, delta, below);
    }
  }

  /** Copies of the layers (out of the operations' memory). */
  snapshot(): DenseLayer[] {
    return this.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, weights: l.weights.slice(), bias: l.bias.slice() }));
  }
}
