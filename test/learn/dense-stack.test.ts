// The RQ-VAE's dense layer stack: its backward pass is the gradient of its forward pass
// (against central differences of an independent float64 forward), with either linear ops.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { DenseStack, denseStackFloats, type DenseLayer } from '../../src/learn/dense-stack.js';
import { kernelLinearOps, typeScriptLinearOps, type LinearOps } from '../../src/learn/linear-ops.js';

/** The reference forward in float64: ReLU between layers, linear last. */
function forward64(
  layers: readonly { inputs: number; outputs: number; weights: Float64Array; bias: Float64Array }[],
  x: Float64Array,
): Float64Array {
  let a = x;
  layers.forEach((l, i) => {
    const y = new Float64Array(l.outputs);
    for (let o = 0; o < l.outputs; o++) {
      let s = l.bias[o]!;
      for (let j = 0; j < l.inputs; j++) s += l.weights[o * l.inputs + j]! * a[j]!;
      y[o] = i < layers.length - 1 && s < 0 ? 0 : s;
    }
    a = y;
  });
  return a;
}

const loss64 = (layers: Parameters<typeof forward64>[0], x: Float64Array, target: Float64Array): number => {
  const y = forward64(layers, x);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += 0.5 * (y[i]! - target[i]!) ** 2;
  return s;
};

const opsKinds: [string, (sizes: number[]) => LinearOps][] = [
  ['TypeScript loops', () => typeScriptLinearOps()],
  [
    'WebAssembly kernels',
    (sizes) => {
      const need = denseStackFloats(sizes);
      const ops = kernelLinearOps(need.floats + sizes[0]!, need.arrays + 1);
      if (ops === null) throw new Error('the kernels are unavailable');
      return ops;
    },
  ],
];

describe.each(opsKinds)('dense stack on %s', (_, makeOps) => {
  it('backward gives the gradient of ½|f(x) - t|² for every parameter and the input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 1e9 }),
        (sizes, seed) => {
          const random = xorshift32(seed);
          const ops = makeOps(sizes);
          const stack = DenseStack.random(ops, sizes, random);
          for (const l of stack.layers) for (let i = 0; i < l.bias.length; i++) l.bias[i] = random() - 0.5;
          const x = Float64Array.from({ length: sizes[0]! }, () => 2 * random() - 1);
          const target = Float64Array.from({ length: sizes[sizes.length - 1]! }, () => random() - 0.5);
          stack.input.set(x);
          const y = stack.forward();
          const inputGrad = ops.array(sizes[0]!);
          stack.backward(
            Array.from(y, (v, i) => v - target[i]!),
            inputGrad,
          );
          // float64 copies of the float32 parameters, nudged one at a time
          const ref = stack.layers.map((l) => ({
            inputs: l.inputs,
            outputs: l.outputs,
            weights: Float64Array.from(l.weights),
            bias: Float64Array.from(l.bias),
          }));
          const h = 1e-6;
          const numeric = (arr: Float64Array, i: number): number => {
            const keep = arr[i]!;
            arr[i] = keep + h;
            const up = loss64(ref, x, target);
            arr[i] = keep - h;
            const down = loss64(ref, x, target);
            arr[i] = keep;
            return (up - down) / (2 * h);
          };
          const close = (analytic: number, num: number): void => expect(Math.abs(analytic - num)).toBeLessThan(1e-3 * (1 + Math.abs(num)));
          ref.forEach((l, k) => {
            for (let i = 0; i < l.weights.length; i++) close(stack.grads[k]!.weights[i]!, numeric(l.weights, i));
            for (let i = 0; i < l.bias.length; i++) close(stack.grads[k]!.bias[i]!, numeric(l.bias, i));
          });
          for (let i = 0; i < x.length; i++) close(inputGrad[i]!, numeric(x, i));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('copies trained layers in and out unchanged', () => {
    const layers: DenseLayer[] = [{ inputs: 2, outputs: 1, weights: Float32Array.of(3, -1), bias: Float32Array.of(0.5) }];
    const stack = DenseStack.of(makeOps([2, 1]), layers);
    stack.input.set([2, 1]);
    expect(Array.from(stack.forward())).toEqual([5.5]);
    expect(stack.snapshot()).toEqual(layers);
  });
});
