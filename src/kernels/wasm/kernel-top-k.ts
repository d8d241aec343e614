/**
 * Top-k selection and dense row scoring on a KernelMemory: the building blocks
 * the dense families' WebAssembly paths share. Scores are float32 (the kernels'
 * precision); ties go to the lower row number, as with TopKHeap.
 */
import type { Bitset } from '../bitset.js';
import type { KernelMemory } from './kernel-memory.js';

/** Rows scored per kernel call in a scan (bounds the scratch a scan needs). */
export const SCAN_CHUNK = 4096;
/** The largest k the kernel heap serves; larger requests take the TypeScript path. */
export const KERNEL_MAX_K = 16384;

/** Row numbers and scores, best first. */
export interface KernelHits {
  ids: Int32Array;
  scores: Float32Array;
}

/** How two rows are compared: larger dot product, or smaller squared distance. */
export type RowMeasure = 'dot' | 'l2';

/** Scratch bytes a scan over `rows` rows of `dim` floats needs (query, chunk scores and ids, filter, heap). */
export function scanScratchBytes(dim: number, rows: number): number {
  return 4 * dim + 8 * SCAN_CHUNK + 4 * (Math.ceil(rows / 32) + 1) + 8 * KERNEL_MAX_K + 256;
}

/** A bounded heap held in kernel scratch. */
export class KernelTopK {
  private readonly scores: Float32Array;
  private readonly ids: Int32Array;
  size = 0;

  constructor(
    private readonly mem: KernelMemory,
    readonly k: number,
  ) {
    this.scores = mem.scratch(Float32Array, k);
    this.ids = mem.scratch(Int32Array, k);
  }

  /** Offers n scores at `scoresPtr` for rows firstId.. (or ids at idsPtr), skipping rows outside allowPtr's bitset. */
  push(scoresPtr: number, n: number, firstId: number, idsPtr: number, allowPtr: number, negate: boolean): void {
    this.size = this.mem.k.topk_push(
      scoresPtr,
      n,
      firstId,
      idsPtr,
      allowPtr,
      negate ? 1 : 0,
      this.scores.byteOffset,
      this.ids.byteOffset,
      this.size,
      this.k,
    );
  }

  /** Best-first results (copied out of scratch); consumes the heap. */
  drain(): KernelHits {
    this.mem.k.topk_sort(this.scores.byteOffset, this.ids.byteOffset, this.size);
    const out = { ids: this.ids.slice(0, this.size), scores: this.scores.slice(0, this.size) };
    this.size = 0;
    return out;
  }
}

/**
 * Copies a filter over `rows` rows into scratch (zero-padded, so rows past the
 * bitset's end read as absent); returns its offset, or 0 for "no filter".
 */
export function allowToScratch(mem: KernelMemory, allow: Bitset | null | undefined, rows: number): number {
  if (allow === null || allow === undefined) return 0;
  const words = mem.scratch(Uint32Array, Math.ceil(rows / 32) + 1);
  words.fill(0);
  words.set(allow.words.length <= words.length ? allow.words : allow.words.subarray(0, words.length));
  return words.byteOffset;
}

/** Copies a query into scratch. */
export function queryToScratch(mem: KernelMemory, q: Float32Array): Float32Array {
  const v = mem.scratch(Float32Array, q.length);
  v.set(q);
  return v;
}

/**
 * The k best of `rows` rows scored chunk by chunk: `scoreChunk(from, len, out)` writes
 * the scores of rows from .. from + len - 1 into `out` (kernel scratch), which then go
 * through the kernel heap (negated first when they are distances). Call with scratch
 * reset; uses scanScratchBytes.
 */
export function scanInChunks(
  mem: KernelMemory,
  rows: number,
  k: number,
  allowPtr: number,
  negate: boolean,
  scoreChunk: (from: number, len: number, out: Float32Array) => void,
): KernelHits {
  const heap = new KernelTopK(mem, k);
  const out = mem.scratch(Float32Array, SCAN_CHUNK);
  for (let from = 0; from < rows; from += SCAN_CHUNK) {
    const len = Math.min(SCAN_CHUNK, rows - from);
    scoreChunk(from, len, out);
    heap.push(out.byteOffset, len, from, 0, allowPtr, negate);
  }
  return heap.drain();
}

/**
 * The k best of `rows` consecutive rows of `dim` floats at dataPtr against the
 * query at qPtr (exact scan). Call with scratch reset; uses scanScratchBytes.
 */
export function scanRowsTopK(
  mem: KernelMemory,
  measure: RowMeasure,
  qPtr: number,
  dataPtr: number,
  dim: number,
  rows: number,
  k: number,
  allowPtr: number,
): KernelHits {
  const kern = mem.k;
  return scanInChunks(mem, rows, k, allowPtr, measure === 'l2', (from, len, out) => {
    const base = dataPtr + from * dim * 4;
    if (measure === 'l2') kern.l2sq_f32_rows(qPtr, base, dim, len, out.byteOffset);
    else kern.dot_f32_rows(qPtr, base, dim, len, out.byteOffset);
  });
}

/**
 * The k best of the listed rows, scored exactly (rescoring candidates). Call with
 * scratch reset and the query already in scratch at qPtr.
 */
export function scoreRowIdsTopK(
  mem: KernelMemory,
  measure: RowMeasure,
  qPtr: number,
  dataPtr: number,
  dim: number,
  ids: ArrayLike<number>,
  k: number,
): KernelHits {
  const heap = new KernelTopK(mem, k);
  const idBuf = mem.scratch(Int32Array, SCAN_CHUNK);
  const out = mem.scratch(Float32Array, SCAN_CHUNK).byteOffset;
  for (let from = 0; from < ids.length; from += SCAN_CHUNK) {
    const n = Math.min(SCAN_CHUNK, ids.length - from);
    for (let j = 0; j < n; j++) idBuf[j] = ids[from + j]!;
    if (measure === 'l2') mem.k.l2sq_f32_ids(qPtr, dataPtr, dim, idBuf.byteOffset, n, out);
    else mem.k.dot_f32_ids(qPtr, dataPtr, dim, idBuf.byteOffset, n, out);
    heap.push(out, n, 0, idBuf.byteOffset, 0, measure === 'l2');
  }
  return heap.drain();
}
