/**
 * One WebAssembly memory with its own kernels instance: index data is placed
 * here once (when a segment's index is built or opened) and per-query scratch
 * sits in front of it, so a query never copies vectors into the kernels.
 *
 * The memory is sized once and never grown: growing would detach every
 * typed-array view over it, and indexes hold such views as their data. An
 * index that grows (HNSW inserts) moves to a new, larger KernelMemory.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { kernelModule, type KernelExports } from './kernel-module.js';

const PAGE = 65536;
/** A wasm32 memory holds at most 65,536 pages (4 GiB); stay below it. */
const MAX_PAGES = 65535;

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array | Int8Array;
type TypedArrayOf<T extends TypedArray> = { new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/** Rounds n up to a multiple of `align` (a power of two). */
function alignUp(n: number, align: number): number {
  return (n + align - 1) & ~(align - 1);
}

/** A fixed-size WebAssembly memory holding index data and query scratch. */
export class KernelMemory {
  /** The kernels bound to this memory. */
  readonly k: KernelExports;
  readonly buffer: ArrayBuffer;
  private top = 16; // offset 0 means "absent" to the kernels
  private scratchTop = 0;
  private scratchBase = 0;

  private constructor(module: WebAssembly.Module, bytes: number) {
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.k = instance.exports as unknown as KernelExports;
    this.buffer = memory.buffer;
  }

  /**
   * A memory of at least `bytes` bytes, or null when the kernels are disabled or the
   * size exceeds one wasm32 memory (callers then keep their TypeScript path).
   */
  static create(bytes: number): KernelMemory | null {
    const module = kernelModule();
    if (module === null || bytes > MAX_PAGES * PAGE) return null;
    try {
      return new KernelMemory(module, bytes);
    } catch {
      return null; // the engine refused the memory (address space): fall back
    }
  }

  /** Bytes a plan of arrays needs, with the alignment padding alloc() adds. */
  static bytesFor(arrays: ReadonlyArray<{ byteLength: number }>, scratchBytes = 0): number {
    let n = 16 + alignUp(scratchBytes, 16);
    for (const a of arrays) n += alignUp(a.byteLength, 16);
    return n;
  }

  /** Capacity in bytes. */
  get byteLength(): number {
    return this.buffer.byteLength;
  }

  /** Reserves `bytes` (16-byte aligned) and returns their offset. */
  alloc(bytes: number): number {
    const at = alignUp(this.top, 16);
    if (at + bytes > this.buffer.byteLength)
      throw new QuarryError('IO', `kernel memory of ${this.buffer.byteLength} bytes cannot hold ${bytes} more`, { field: 'kernels' });
    this.top = at + bytes;
    return at;
  }

  /** A new zeroed array of `length` elements in this memory. */
  array<T extends TypedArray>(type: TypedArrayOf<T>, length: number): T {
    return new type(this.buffer, this.alloc(length * type.BYTES_PER_ELEMENT), length);
  }

  /** A copy of `source` in this memory (the one copy made when data is adopted). */
  adopt<T extends TypedArray>(source: T): T {
    const type = source.constructor as TypedArrayOf<T>;
    const view = this.array(type, source.length);
    (view as unknown as { set(a: ArrayLike<number>): void }).set(source);
    return view;
  }

  /**
   * Reserves the scratch area used by queries (call once, after or before data).
   * Scratch is handed out by scratch*() calls and reset by resetScratch().
   */
  reserveScratch(bytes: number): void {
    this.scratchBase = this.alloc(bytes);
    this.scratchTop = this.scratchBase;
    this.scratchEnd = this.scratchBase + bytes;
  }

  private scratchEnd = 0;

  /** Frees every scratch array (the start of each query). */
  resetScratch(): void {
    this.scratchTop = this.scratchBase;
  }

  /** Scratch bytes reserved in all (what is free after a reset). */
  get scratchCapacity(): number {
    return this.scratchEnd - this.scratchBase;
  }

  /** A scratch array valid until the next resetScratch(). */
  scratch<T extends TypedArray>(type: TypedArrayOf<T>, length: number): T {
    const at = alignUp(this.scratchTop, 16);
    const bytes = length * type.BYTES_PER_ELEMENT;
    if (at + bytes > this.scratchEnd)
      throw new QuarryError('IO', `kernel scratch of ${this.scratchEnd - this.scratchBase} bytes cannot hold ${bytes} more`, {
        field: 'kernels',
      });
    this.scratchTop = at + bytes;
    return new type(this.buffer, at, length);
  }
}
