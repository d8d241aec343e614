/**
 * Seeded random orthogonal embeddings, as RaBitQ (Gao and Long, SIGMOD 2024)
 * rotates vectors before taking their signs: a random rotation spreads every
 * vector's energy evenly over the coordinates, so that no sign carries much
 * more of it than another, and an embedding into more dimensions than the
 * vectors have (RaBitQ pads to a multiple of 64) gives each vector more signs.
 * Inner products are unchanged: the columns are orthonormal.
 */
import { KernelMemory } from '../kernels/wasm/kernel-memory.js';
import { standardNormal, xorshift32 } from '../kernels/xorshift.js';

/**
 * A `rows` x `cols` matrix (row-major, rows >= cols) with orthonormal columns,
 * drawn from the Haar measure: Gaussian columns orthonormalized in order
 * (modified Gram–Schmidt; a Gaussian matrix is well enough conditioned that
 * one pass leaves the columns orthogonal to ~1e-13). x -> M x maps cols-d
 * vectors into rows-d space keeping all inner products.
 */
export function randomOrthonormalColumns(rows: number, cols: number, seed: number): Float64Array {
  if (!Number.isInteger(cols) || cols < 1 || !Number.isInteger(rows) || rows < cols)
    throw new RangeError(`a ${rows} x ${cols} matrix cannot have orthonormal columns`);
  const rand = xorshift32(seed);
  // column-major while orthonormalizing, so each column is contiguous
  const q = new Float64Array(rows * cols);
  for (let i = 0; i < q.length; i++) q[i] = standardNormal(rand);
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let k = 0; k < j; k++) {
      const ck = k * rows;
      let s = 0;
      for (let i = 0; i < rows; i++) s += q[cj + i]! * q[ck + i]!;
      for (let i = 0; i < rows; i++) q[cj + i]! -= s * q[ck + i]!;
    }
    let s = 0;
    for (let i = 0; i < rows; i++) s += q[cj + i]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < rows; i++) q[cj + i]! *= inv;
  }
  const m = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) m[i * cols + j] = q[j * rows + i]!;
  return m;
}

/** Recently drawn matrices: every segment of a field draws the same one (same shape and seed). */
const recent = new Map<string, Float32Array>();
const RECENT_MAX = 4;

/**
 * randomOrthonormalColumns(rows, cols, seed) as float32, drawn once per process
 * for each shape and seed still among the few most recently asked for (drawing
 * costs O(rows x cols²): seconds at 1,536 dimensions). Callers must not modify it.
 */
export function sharedOrthonormalColumns(rows: number, cols: number, seed: number): Float32Array {
  const key = `${rows}x${cols}:${seed}`;
  let m = recent.get(key);
  if (m === undefined) {
    m = Float32Array.from(randomOrthonormalColumns(rows, cols, seed));
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value!);
  } else recent.delete(key);
  recent.set(key, m);
  return m;
}

/**
 * x -> M x for a fixed rows x cols matrix M (row-major), one vector at a time:
 * with the WebAssembly kernels on, the matrix sits in kernel memory and each
 * embedding is one call of the rows-dot kernel (M's rows against x).
 */
export class RowEmbedding {
  /** The matrix (in kernel memory when the kernels are on). */
  readonly matrix: Float32Array;
  private readonly mem: KernelMemory | null;
  private readonly input: Float32Array;
  private readonly output: Float32Array;

  /**
   * @param mem kernel memory to place the matrix and two vectors in (its creator
   *   budgets them with RowEmbedding.bytes), null for the TypeScript path, or
   *   undefined for a memory of the embedding's own
   */
  constructor(
    matrix: Float32Array,
    readonly rows: number,
    readonly cols: number,
    mem?: KernelMemory | null,
  ) {
    if (matrix.length !== rows * cols) throw new RangeError(`a ${rows} x ${cols} matrix has ${rows * cols} values, not ${matrix.length}`);
    const m = mem === undefined ? KernelMemory.create(KernelMemory.bytesFor(RowEmbedding.arrays(rows, cols))) : mem;
    this.mem = m;
    this.matrix = m === null ? matrix : m.adopt(matrix);
    this.input = m === null ? new Float32Array(cols) : m.array(Float32Array, cols);
    this.output = m === null ? new Float32Array(rows) : m.array(Float32Array, rows);
  }

  /** The arrays an embedding places in kernel memory (for KernelMemory.bytesFor). */
  static arrays(rows: number, cols: number): Array<{ byteLength: number }> {
    return [{ byteLength: 4 * rows * cols }, { byteLength: 4 * cols }, { byteLength: 4 * rows }];
  }

  /**
   * Embeds the cols floats of `src` from `srcOff`. The result is valid until the
   * next call; `dst` (from `dstOff`) receives a copy when given.
   */
  embed(src: Float32Array, srcOff: number, dst?: Float32Array, dstOff = 0): Float32Array {
    const { rows, cols, output } = this;
    if (this.mem !== null) {
      const input = this.input;
      // element by element: a subarray() view per row or query would be an allocation each
      for (let j = 0; j < cols; j++) input[j] = src[srcOff + j]!;
      this.mem.k.dot_f32_rows(this.input.byteOffset, this.matrix.byteOffset, cols, rows, output.byteOffset);
    } else {
      const m = this.matrix;
      for (let i = 0; i < rows; i++) {
        const mi = i * cols;
        let acc = 0;
        for (let j = 0; j < cols; j++) acc += m[mi + j]! * src[srcOff + j]!;
        output[i] = acc;
      }
    }
    dst?.set(output, dstOff);
    return output;
  }
}
