/**
 * Gradients of the embedding rows and pooling weights touched by one batch:
 * a batch reads a few thousand of a vocabulary's rows, so gradients are kept
 * for those only and the optimiser updates those only (sparse row updates).
 */

import type { TrainingKernels } from './training-kernels.js';

/** The touched rows' gradients, slot by slot. */
export class RowGradients {
  /** Row gradient of slot s at [s·dim, (s+1)·dim). */
  rows: Float32Array;
  /** Pooling-weight gradient of slot s. */
  weights: Float32Array;
  /** Token id of slot s. */
  ids: Int32Array;
  /** Number of slots in use. */
  count = 0;
  /** True when rows and weights live in kernel memory (one slot per row reserved: they never grow). */
  readonly inKernelMemory: boolean;
  private readonly slotOf: Int32Array;

  /** With `kernels`, the gradients live in its memory, sized for every row. */
  constructor(
    vocabSize: number,
    private readonly dim: number,
    kernels: TrainingKernels | null = null,
  ) {
    this.slotOf = new Int32Array(vocabSize).fill(-1);
    this.inKernelMemory = kernels !== null;
    this.rows = kernels?.gradRows ?? new Float32Array(1024 * dim);
    this.weights = kernels?.gradWeights ?? new Float32Array(1024);
    this.ids = new Int32Array(kernels === null ? 1024 : vocabSize);
  }

  /** The slot of token `id`, opened (zeroed) on first touch. */
  slot(id: number): number {
    let s = this.slotOf[id]!;
    if (s >= 0) return s;
    s = this.count++;
    if (s === this.ids.length) this.grow();
    this.slotOf[id] = s;
    this.ids[s] = id;
    return s;
  }

  /** Forgets every slot (after the optimiser step). */
  clear(): void {
    for (let s = 0; s < this.count; s++) this.slotOf[this.ids[s]!] = -1;
    this.rows.fill(0, 0, this.count * this.dim);
    this.weights.fill(0, 0, this.count);
    this.count = 0;
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const rows = new Float32Array(cap * this.dim);
    rows.set(this.rows);
    this.rows = rows;
    const weights = new Float32Array(cap);
    weights.set(this.weights);
    this.weights = weights;
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    this.ids = ids;
  }
}
