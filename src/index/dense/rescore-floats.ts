/**
 * Where a compressed index (int8, binary, IVF-PQ) keeps the float rows it
 * rescores its best candidates with: in memory next to the codes (in kernel
 * memory when the kernels are on), or left in the index file and read per query
 * (only rescore x k rows each), so that memory holds the codes alone.
 */
import { DiskRows } from '../../io/disk-rows.js';
import type { SectionFile, SectionReadOptions } from '../../io/section-file.js';
import type { KernelMemory } from '../../kernels/wasm/kernel-memory.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import type { DenseHits, DenseMetric } from './dense-types.js';
import { heapToHits } from './dense-hits.js';
import { rescoreExact, rescoreExactInKernels } from './rescoring.js';
import { similarity } from './dense-similarity.js';
import { type DeferredRows } from './kernel-placement.js';
import { DeferredArray } from '../../io/deferred-array.js';

/**
 * Rescoring floats as an index is given them: in memory, still to be read into
 * memory (placed straight into kernel memory), left on disk, or none.
 */
export type RescoreFloats = Float32Array | DeferredRows | DiskRows | null;

/** The section every compressed family stores its rescoring floats in. */
export const FLOATS_SECTION = 'floats';

/** The floats of `f` an index holds in memory (read or to be read), or null. */
export function floatsInMemory(f: RescoreFloats): Float32Array | DeferredRows | null {
  return f === null || f instanceof DiskRows ? null : f;
}

/** The on-disk floats of `f`, or null. */
export function floatsOnDisk(f: RescoreFloats): DiskRows | null {
  return f instanceof DiskRows ? f : null;
}

/** Every float row, wherever it lives (for writing the index again or merging segments). */
export function allFloats(memory: Float32Array | null, disk: DiskRows | null): Float32Array | null {
  return memory ?? disk?.readAll() ?? null;
}

/** How a compressed family's index file is read. */
export interface CompressedReadOptions {
  /** The size the manifest recorded. */
  bytes?: number;
  /** Check the CRC-32 (default true). */
  verifyChecksum?: boolean;
  /** Leave the rescoring floats in the file and read candidates' rows per query. */
  floatsOnDisk?: boolean;
}

/**
 * The section-file options for `opts`. The floats section, and the family's
 * other large sections (`deferred`: its codes), are always left out of the first
 * read: kept on disk, or read later straight to where the index keeps them.
 */
export function sectionOptions(opts: CompressedReadOptions | undefined, deferred: readonly string[] = []): SectionReadOptions {
  return { bytes: opts?.bytes, verifyChecksum: opts?.verifyChecksum, onDisk: [FLOATS_SECTION, ...deferred] };
}

/**
 * The rescoring floats of an index file: to be read into memory (by the index,
 * into its kernel memory), or (`leftOnDisk`) rows read per query. Null when the
 * file has none.
 */
export function readRescoreFloats(f: SectionFile, dim: number, leftOnDisk: boolean): RescoreFloats {
  if (!f.has(FLOATS_SECTION)) return null;
  const at = f.locate(FLOATS_SECTION, Float32Array);
  return leftOnDisk ? new DiskRows(at, dim) : new DeferredArray(at, Float32Array);
}

/**
 * Rescores candidates exactly from the floats the index keeps: in kernel memory
 * (`mem` given), in JavaScript memory, or read from disk row by row. The disk path
 * reads only the candidates' rows.
 */
export function rescoreCandidates(
  candidates: DenseHits,
  q: Float32Array,
  memory: Float32Array | null,
  disk: DiskRows | null,
  mem: KernelMemory | null,
  metric: DenseMetric,
  dim: number,
  k: number,
): DenseHits {
  if (memory !== null)
    return mem !== null
      ? rescoreExactInKernels(candidates, q, mem, memory, metric, dim, k)
      : rescoreExact(candidates, q, memory, metric, dim, k);
  if (disk === null) throw new Error('rescoreCandidates needs floats');
  const n = candidates.ids.length;
  const rows = new Float32Array(n * dim);
  disk.gather(candidates.ids, n, rows);
  const heap = new TopKHeap(k);
  for (let j = 0; j < n; j++) heap.offer(similarity(metric, q, 0, rows, j, dim), candidates.ids[j]!);
  return heapToHits(heap);
}

/** What a compressed index holds of its rescoring floats. */
export interface HeldFloats {
  readonly dim: number;
  readonly floats: Float32Array | null;
  readonly diskFloats: DiskRows | null;
}

/** Row `r` of a compressed index's rescoring floats: a view of memory, or one read from disk; null when it kept none. */
export function heldFloatRow(index: HeldFloats, r: number): Float32Array | null {
  if (index.floats === null && index.diskFloats !== null) {
    const row = new Float32Array(index.dim);
    index.diskFloats.gather([r], 1, row);
    return row;
  }
  return index.floats === null ? null : index.floats.subarray(r * index.dim, (r + 1) * index.dim);
}
