/**
 * Per-row choice among randomized Hadamard transforms of the coded space, for
 * sign codes. RaBitQ's analysis (Gao and Long, SIGMOD 2024) shows the error of
 * the sign-code estimate of <q, r> growing with tan θ, θ the angle between the
 * residual r and its sign code; a random rotation leaves cos θ near
 * sqrt(2 / π) for every row. Here each row is coded in whichever of `count`
 * orthonormal bases T_0 = I, T_v = H diag(s_v) (H the normalized Walsh–Hadamard
 * transform over blocks of the largest power of two dividing the dimension,
 * s_v random signs) gives its sign code the smallest angle, at one byte per
 * row: inner products are the same in every basis, so the estimate only needs
 * the query in the row's basis, and a query costs `count` fast transforms.
 */
import { xorshift32 } from '../kernels/xorshift.js';
import { KernelMemory } from '../kernels/wasm/kernel-memory.js';

/** The multipliers and buffers of the WebAssembly path of l1Norms. */
interface VariantKernel {
  mem: KernelMemory;
  multipliers: Float32Array;
  x: Float32Array;
  work: Float32Array;
  sums: Float64Array;
}

/** The most variants a row's byte can name. */
export const MAX_VARIANTS = 256;

/** Smallest Hadamard block a variant may use: smaller blocks mix too few coordinates to change the angle much. */
export const MIN_VARIANT_BLOCK = 32;

/** Largest power of two dividing `dim` (the Hadamard block of the variants). */
export function variantBlock(dim: number): number {
  return dim & -dim;
}

/** `count` randomized Hadamard bases of a `dim`-d space (variant 0 the identity). */
export class HadamardVariants {
  /** The transform's block: the largest power of two dividing dim. */
  readonly block: number;
  private readonly work: Float32Array;
  /** ±1 / sqrt(block) per variant 1.. and dimension ((count - 1) x dim): the sign flip and the transform's normalization in one product. */
  readonly multipliers: Float32Array;
  /** Sums of best(), one per variant. */
  private readonly sums: Float64Array;
  /** Set on the first l1Norms call (builds only; searches transform queries with apply): null when the kernels are off. */
  private kernel: VariantKernel | null | undefined;

  /**
   * @param signs sign bits of variants 1.., (count - 1) x ceil(dim / 32) words; bit d set flips coordinate d
   */
  constructor(
    readonly count: number,
    readonly dim: number,
    readonly signs: Uint32Array,
  ) {
    this.block = variantBlock(dim);
    if (this.block < MIN_VARIANT_BLOCK)
      throw new RangeError(`Hadamard variants need a dimension divisible by ${MIN_VARIANT_BLOCK}, not ${dim}`);
    if (signs.length !== (count - 1) * Math.ceil(dim / 32))
      throw new RangeError(
        `${count} variants of ${dim} dimensions need ${(count - 1) * Math.ceil(dim / 32)} sign words, not ${signs.length}`,
      );
    this.work = new Float32Array(dim);
    const words = Math.ceil(dim / 32);
    const norm = 1 / Math.sqrt(this.block);
    this.sums = new Float64Array(count);
    this.multipliers = new Float32Array((count - 1) * dim);
    for (let v = 1; v < count; v++) {
      for (let d = 0; d < dim; d++)
        this.multipliers[(v - 1) * dim + d] = (signs[(v - 1) * words + (d >>> 5)]! >>> (d & 31)) & 1 ? -norm : norm;
    }
  }

  /** Seeded variants: the same count, dim and seed give the same bases. */
  static create(count: number, dim: number, seed: number): HadamardVariants {
    const words = Math.ceil(dim / 32);
    const rand = xorshift32(seed);
    const signs = new Uint32Array((count - 1) * words);
    for (let i = 0; i < signs.length; i++) signs[i] = Math.floor(rand() * 2 ** 32) >>> 0;
    return new HadamardVariants(count, dim, signs);
  }

  /** x <- T_v x, in place (an orthonormal map: lengths and inner products are kept). */
  apply(v: number, x: Float32Array | Float64Array, at = 0): void {
    if (v === 0) return;
    const dim = this.dim;
    const m = this.multipliers;
    const mBase = (v - 1) * dim - at;
    // the normalization is linear, so it is applied with the signs, before the butterflies
    for (let d = at; d < at + dim; d++) x[d]! *= m[mBase + d]!;
    const block = this.block;
    for (let b = at; b < at + dim; b += block) {
      for (let h = 1; h < block; h <<= 1) {
        for (let i = b; i < b + block; i += h << 1) {
          for (let j = i; j < i + h; j++) {
            const u = x[j]!;
            const w = x[j + h]!;
            x[j] = u + w;
            x[j + h] = u - w;
          }
        }
      }
    }
  }

  /**
   * out[v] = sum of |T_v x| for every variant v: |x|_1 / (|x|_2 sqrt(dim)) is the
   * cosine between x and its sign code in that basis. `x` is unchanged.
   */
  l1Norms(x: Float32Array, out: Float64Array): void {
    if (this.kernel === undefined) this.kernel = this.createKernel();
    const kernel = this.kernel;
    if (kernel !== null) {
      kernel.x.set(x);
      kernel.mem.k.hadamard_l1(
        kernel.x.byteOffset,
        kernel.multipliers.byteOffset,
        this.count,
        this.dim,
        this.block,
        kernel.work.byteOffset,
        kernel.sums.byteOffset,
      );
      out.set(kernel.sums);
      return;
    }
    const work = this.work;
    for (let v = 0; v < this.count; v++) {
      work.set(x);
      this.apply(v, work);
      let sum = 0;
      for (let d = 0; d < work.length; d++) sum += Math.abs(work[d]!);
      out[v] = sum;
    }
  }

  /** The variant in which `x`'s sign code is closest to it (largest sum of |T_v x|; the lowest on ties); `x` is unchanged. */
  best(x: Float32Array): number {
    const sums = this.sums;
    this.l1Norms(x, sums);
    return largestAt(sums);
  }

  private createKernel(): VariantKernel | null {
    const dim = this.dim;
    const mem = KernelMemory.create(KernelMemory.bytesFor([this.multipliers, this.work, this.work, this.sums]));
    if (mem === null) return null;
    return {
      mem,
      multipliers: mem.adopt(this.multipliers),
      x: mem.array(Float32Array, dim),
      work: mem.array(Float32Array, dim),
      sums: mem.array(Float64Array, this.count),
    };
  }
}

/** Index of the largest value (the first of equal ones). */
export function largestAt(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
