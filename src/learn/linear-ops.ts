/**
 * The three matrix operations a small dense network needs per training row
 * (product, transposed product, rank-1 gradient update), over float32 arrays
 * that live either in the JavaScript heap (plain loops) or in one kernel
 * memory (the WebAssembly SIMD kernels, which need their operands there).
 */
import { KernelMemory } from '../kernels/wasm/kernel-memory.js';

/** Row-major matrix operations and the memory their operands come from. */
export interface LinearOps {
  /** A new zeroed array of `length` floats that these operations can read and write. */
  array(length: number): Float32Array;
  /** out = W x, W rows x cols. */
  matVec(w: Float32Array, rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  /** out += Wᵀ u, W rows x cols (u: rows values, out: cols). */
  addMatTVec(w: Float32Array, rows: number, cols: number, u: Float32Array, out: Float32Array): void;
  /** g += u vᵀ, g rows x cols. */
  addOuter(g: Float32Array, rows: number, cols: number, u: Float32Array, v: Float32Array): void;
}

/** The reference operations: plain loops over heap arrays, sums in float64. */
export function typeScriptLinearOps(): LinearOps {
  return {
    array: (length) => new Float32Array(length),
    matVec(w, rows, cols, x, out) {
      for (let i = 0; i < rows; i++) {
        let s = 0;
        const o = i * cols;
        for (let j = 0; j < cols; j++) s += w[o + j]! * x[j]!;
        out[i] = s;
      }
    },
    addMatTVec(w, rows, cols, u, out) {
      for (let i = 0; i < rows; i++) {
        const ui = u[i]!;
        if (ui === 0) continue;
        const o = i * cols;
        for (let j = 0; j < cols; j++) out[j]! += ui * w[o + j]!;
      }
    },
    addOuter(g, rows, cols, u, v) {
      for (let i = 0; i < rows; i++) {
        const ui = u[i]!;
        if (ui === 0) continue;
        const o = i * cols;
        for (let j = 0; j < cols; j++) g[o + j]! += ui * v[j]!;
      }
    },
  };
}

/**
 * The kernels' operations in a new kernel memory of `floats` floats spread over
 * at most `arrays` arrays (alignment padding is added per array); null when
 * WebAssembly kernels are unavailable or the memory cannot be made.
 */
export function kernelLinearOps(floats: number, arrays: number): LinearOps | null {
  const mem = KernelMemory.create(4 * floats + 16 * arrays + 64);
  if (mem === null) return null;
  const k = mem.k;
  return {
    array: (length) => mem.array(Float32Array, length),
    matVec: (w, rows, cols, x, out) => k.dot_f32_rows(x.byteOffset, w.byteOffset, cols, rows, out.byteOffset),
    addMatTVec: (w, rows, cols, u, out) => k.gemv_t_f32(w.byteOffset, rows, cols, u.byteOffset, out.byteOffset),
    addOuter: (g, rows, cols, u, v) => k.ger_f32(g.byteOffset, rows, cols, u.byteOffset, v.byteOffset),
  };
}
