/**
 * The WebAssembly SIMD kernels' view of static-encoder training: one kernel
 * memory holds the embedding rows and pooling weights, the touched rows'
 * gradients, and a batch's vectors and scores, so pooling, its gradient and the
 * batch's score matrix run in the kernels without copying per call. Null where
 * the kernels are off (QUARRY_KERNELS=ts, no SIMD) or the model does not fit one
 * wasm32 memory; training then runs its TypeScript loops, which compute the same.
 */
import { KernelMemory } from '../../kernels/wasm/kernel-memory.js';
import type { KernelExports } from '../../kernels/wasm/kernel-module.js';
import { MAX_TEXT_TOKENS } from './tokenized-texts.js';

/** Arrays of one training run in kernel memory. */
export class TrainingKernels {
  readonly k: KernelExports;
  readonly buffer: ArrayBuffer;
  /** vocabSize rows of dim, and vocabSize weights: the model's parameters. */
  readonly embeddings: Float32Array;
  readonly weights: Float32Array;
  /** Gradient rows and weights by slot (at most one slot per row). */
  readonly gradRows: Float32Array;
  readonly gradWeights: Float32Array;
  /** One bag's token rows and their gradient slots. */
  readonly ids: Int32Array;
  readonly slots: Int32Array;
  /** dim floats: a pooled sum, or the gradient sent back into one. */
  readonly pooled: Float32Array;
  readonly g: Float32Array;
  /** The batch: query and candidate vectors and their gradients, one query's scores and score gradients. */
  readonly qv: Float32Array;
  readonly cv: Float32Array;
  readonly dq: Float32Array;
  readonly dc: Float32Array;
  readonly scores: Float32Array;
  readonly scoreGrads: Float32Array;

  private constructor(mem: KernelMemory, vocabSize: number, dim: number, maxQueries: number, capacity: number) {
    this.k = mem.k;
    this.buffer = mem.buffer;
    const f = (n: number): Float32Array => mem.array(Float32Array, n);
    this.embeddings = f(vocabSize * dim);
    this.weights = f(vocabSize);
    this.gradRows = f(vocabSize * dim);
    this.gradWeights = f(vocabSize);
    this.ids = mem.array(Int32Array, MAX_TEXT_TOKENS);
    this.slots = mem.array(Int32Array, MAX_TEXT_TOKENS);
    this.pooled = f(dim);
    this.g = f(dim);
    this.qv = f(maxQueries * dim);
    this.cv = f(capacity * dim);
    this.dq = f(maxQueries * dim);
    this.dc = f(capacity * dim);
    this.scores = f(capacity);
    this.scoreGrads = f(capacity);
  }

  /** Kernel memory for a model of `vocabSize` rows of `dim` and batches of `maxQueries` × `capacity`, or null (TypeScript loops then). */
  static create(vocabSize: number, dim: number, maxQueries: number, capacity: number): TrainingKernels | null {
    const floats = 2 * vocabSize * (dim + 1) + 2 * dim + 2 * (maxQueries + capacity) * dim + 2 * capacity;
    const bytes = 4 * floats + 8 * MAX_TEXT_TOKENS + 16 * 20;
    const mem = KernelMemory.create(bytes);
    return mem === null ? null : new TrainingKernels(mem, vocabSize, dim, maxQueries, capacity);
  }

  /** True when `a` lives in this memory (kernels can then read or write it in place). */
  holds(a: Float32Array): boolean {
    return a.buffer === this.buffer;
  }
}
