/**
 * One training pair's forward and backward passes through the residual MLP
 * adapter y = W x + b + V relu(U x + c) (see drift-mlp.ts), in TypeScript or
 * with the WebAssembly kernels: the kernels run the matrix-vector products and
 * the gradients' rank-1 updates, which are nearly all of the arithmetic.
 */
import { KernelMemory } from '../../kernels/wasm/kernel-memory.js';

/** The parameters in order: W (q x p), b (q), U (h x p), c (h), V (q x h). */
export type MlpParams = [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];

/** Passes over pairs (x_r, y_r), with the parameters and the gradients they accumulate into. */
export interface MlpPasses {
  /** The parameters, where training updates them (not the arrays given, on the kernels path). */
  readonly params: MlpParams;
  /** Their gradients, the same shapes, summed over the pairs passed backward since the last reset. */
  readonly grads: MlpParams;
  /** Forward pass of pair r: returns ½|f(x_r) − y_r|² and keeps what backward(r) needs. */
  forward(r: number): number;
  /** Backward pass of the pair forward() last saw: adds its gradients. */
  backward(r: number): void;
}

/** Shapes: pairs (x rows of p, y rows of q) and h hidden units. */
interface Shapes {
  p: number;
  q: number;
  h: number;
}

/** The kernels' passes when WebAssembly is available, else the TypeScript ones. */
export function mlpPasses(x: Float32Array, y: Float32Array, shapes: Shapes, params: MlpParams): MlpPasses {
  return kernelPasses(x, y, shapes, params) ?? typeScriptPasses(x, y, shapes, params);
}

/** The reference passes: plain loops, sums in float64. */
export function typeScriptPasses(x: Float32Array, y: Float32Array, { p, q, h }: Shapes, params: MlpParams): MlpPasses {
  const [W, b, U, c, V] = params;
  const grads = params.map((a) => new Float32Array(a.length)) as MlpParams;
  const [gW, gb, gU, gc, gV] = grads;
  const pre = new Float32Array(h);
  const out = new Float32Array(q);
  const dr = new Float32Array(h);
  return {
    params,
    grads,
    forward(r) {
      for (let k = 0; k < h; k++) {
        let s = c[k]!;
        for (let j = 0; j < p; j++) s += U[k * p + j]! * x[r * p + j]!;
        pre[k] = s;
      }
      let loss = 0;
      for (let i = 0; i < q; i++) {
        let s = b[i]!;
        for (let j = 0; j < p; j++) s += W[i * p + j]! * x[r * p + j]!;
        for (let k = 0; k < h; k++) if (pre[k]! > 0) s += V[i * h + k]! * pre[k]!;
        out[i] = s;
        const e = s - y[r * q + i]!;
        loss += 0.5 * e * e;
      }
      return loss;
    },
    backward(r) {
      dr.fill(0);
      for (let i = 0; i < q; i++) {
        const g = out[i]! - y[r * q + i]!;
        if (g === 0) continue;
        gb[i]! += g;
        for (let j = 0; j < p; j++) gW[i * p + j]! += g * x[r * p + j]!;
        for (let k = 0; k < h; k++) {
          if (pre[k]! <= 0) continue;
          gV[i * h + k]! += g * pre[k]!;
          dr[k]! += g * V[i * h + k]!;
        }
      }
      for (let k = 0; k < h; k++) {
        const d = dr[k]!;
        if (d === 0 || pre[k]! <= 0) continue;
        gc[k]! += d;
        for (let j = 0; j < p; j++) gU[k * p + j]! += d * x[r * p + j]!;
      }
    },
  };
}

/**
 * The kernels' passes: pairs, parameters, gradients and per-pair vectors in one
 * kernel memory; per pair three rows-dot calls forward, and three rank-1
 * updates and one transposed product backward. Null without the kernels.
 */
function kernelPasses(x: Float32Array, y: Float32Array, { p, q, h }: Shapes, given: MlpParams): MlpPasses | null {
  const perPair = [h, h, q, q, q, h, h].map((len) => ({ byteLength: 4 * len }));
  const mem = KernelMemory.create(KernelMemory.bytesFor([x, y, ...given, ...given, ...perPair]));
  if (mem === null) return null;
  const xs = mem.adopt(x);
  const ys = mem.adopt(y);
  const params = given.map((a) => mem.adopt(a)) as MlpParams;
  const grads = given.map((a) => mem.array(Float32Array, a.length)) as MlpParams;
  const [W, b, U, c, V] = params;
  const [gW, gb, gU, gc, gV] = grads;
  const [pre, act, out, tmp, g, dr, d] = [h, h, q, q, q, h, h].map((len) => mem.array(Float32Array, len)) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const k = mem.k;
  return {
    params,
    grads,
    forward(r) {
      const xr = xs.byteOffset + 4 * r * p;
      k.dot_f32_rows(xr, U.byteOffset, p, h, pre.byteOffset);
      for (let j = 0; j < h; j++) {
        const s = pre[j]! + c[j]!;
        pre[j] = s;
        act[j] = s > 0 ? s : 0;
      }
      k.dot_f32_rows(xr, W.byteOffset, p, q, out.byteOffset);
      k.dot_f32_rows(act.byteOffset, V.byteOffset, h, q, tmp.byteOffset);
      let loss = 0;
      for (let i = 0; i < q; i++) {
        const s = out[i]! + b[i]! + tmp[i]!;
        out[i] = s;
        const e = s - ys[r * q + i]!;
        loss += 0.5 * e * e;
      }
      return loss;
    },
    backward(r) {
      const xr = xs.byteOffset + 4 * r * p;
      for (let i = 0; i < q; i++) {
        const e = out[i]! - ys[r * q + i]!;
        g[i] = e;
        gb[i]! += e;
      }
      k.ger_f32(gW.byteOffset, q, p, g.byteOffset, xr);
      k.ger_f32(gV.byteOffset, q, h, g.byteOffset, act.byteOffset);
      dr.fill(0);
      k.gemv_t_f32(V.byteOffset, q, h, g.byteOffset, dr.byteOffset);
      for (let j = 0; j < h; j++) {
        const v = pre[j]! > 0 ? dr[j]! : 0;
        d[j] = v;
        gc[j]! += v;
      }
      k.ger_f32(gU.byteOffset, h, p, d.byteOffset, xr);
    },
  };
}
