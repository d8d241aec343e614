// Gradients of the recurrent binarizer (BEBR) against finite differences, in its smooth form
// (tanh instead of sign), through the code estimate with and without RaBitQ's per-row correction.
import { describe, expect, it } from 'vitest';
import { xorshift32, standardNormal } from '../../src/kernels/xorshift.js';
import { initialPlaneEncoder, type PlaneEncoder } from '../../src/quantize/plane-encoder.js';
import { PlaneGraph, binarizerGradients, codeEstimate } from '../../src/learn/trained-codes/plane-graph.js';

const dim = 6;
const hidden = 5;
const planes = 2;

function setup(seed: number): { e: PlaneEncoder; decoder: Float32Array; r: Float32Array; q: Float32Array; c: Float32Array } {
  const rand = xorshift32(seed);
  const e = initialPlaneEncoder(planes, dim, hidden, seed);
  for (const a of [e.w2, e.b1, e.b2]) for (let i = 0; i < a.length; i++) a[i] = 0.3 * standardNormal(rand);
  const decoder = new Float32Array(planes * dim * dim);
  for (let i = 0; i < decoder.length; i++) decoder[i] = 0.2 * standardNormal(rand);
  const vec = (): Float32Array => Float32Array.from({ length: dim }, () => standardNormal(rand));
  return { e, decoder, r: vec(), q: vec(), c: vec() };
}

function loss(g: PlaneGraph, s: ReturnType<typeof setup>, correction: boolean): number {
  g.forward(s.e, s.decoder, s.r);
  // a smooth function of the estimate, so that its gradient is not constant
  const est = codeEstimate(s.q, s.c, 0, s.r, g.xhat, correction, null);
  return Math.sin(est);
}

describe('recurrent binarizer gradients', () => {
  for (const correction of [false, true]) {
    it(`match finite differences (${correction ? 'corrected' : 'plain'} estimate)`, () => {
      for (const seed of [3, 11, 29]) {
        const s = setup(seed);
        const g = new PlaneGraph(planes, dim, hidden, 0.7);
        g.forward(s.e, s.decoder, s.r);
        const gx = new Float32Array(dim);
        const est = codeEstimate(s.q, s.c, 0, s.r, g.xhat, correction, gx);
        for (let d = 0; d < dim; d++) gx[d]! *= Math.cos(est);
        const grads = binarizerGradients(s.e);
        g.backward(s.e, s.decoder, gx, grads);
        const arrays: [string, Float32Array, Float32Array][] = [
          ['decoder', s.decoder, grads.decoder],
          ['w1', s.e.w1, grads.w1],
          ['b1', s.e.b1, grads.b1],
          ['w2', s.e.w2, grads.w2],
          ['b2', s.e.b2, grads.b2],
        ];
        // and with respect to the coded residual itself (what a query map upstream learns from),
        // where the estimate depends on it through x̂ alone (the plain one)
        if (!correction) arrays.push(['residual', s.r, g.inputGradient.slice()]);
        for (const [name, param, grad] of arrays) {
          for (let i = 0; i < param.length; i += Math.max(1, Math.floor(param.length / 17))) {
            const keep = param[i]!;
            const h = 1e-3;
            param[i] = keep + h;
            const up = loss(g, s, correction);
            param[i] = keep - h;
            const down = loss(g, s, correction);
            param[i] = keep;
            const fd = (up - down) / (2 * h);
            expect(Math.abs(grad[i]! - fd), `${name}[${i}] seed ${seed}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
          }
        }
      }
    });
  }
});
