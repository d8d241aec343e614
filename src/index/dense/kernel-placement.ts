/**
 * Placing a dense family's arrays in WebAssembly memory for the SIMD kernels: adopted,
 * or read there straight from their file when deferred, with scratch for one query.
 */
import { DeferredArray, materialize } from '../../io/deferred-array.js';
import type { SectionArray } from '../../io/section-file.js';
import { KernelMemory } from '../../kernels/wasm/kernel-memory.js';
import { scanScratchBytes } from '../../kernels/wasm/kernel-top-k.js';

/** Rows still to be read from their file (see DeferredArray), so they are read straight to where they will live. */
export type DeferredRows = DeferredArray<Float32Array>;

/** An array placed in `mem` (adopted, or read there directly when deferred), or as a plain array without kernel memory. */
export function placeArray<T extends SectionArray>(mem: KernelMemory | null, data: T | DeferredArray<T>): T {
  if (mem === null) return materialize(data);
  if (!(data instanceof DeferredArray)) return mem.adopt(data);
  const view = mem.array(data.type, data.length);
  data.fill(view);
  return view;
}

/**
 * Dense rows placed in WebAssembly memory for the SIMD kernels, with scratch for
 * one query at a time (deferred rows are read there directly, without a copy);
 * null when the kernels are unavailable (TypeScript path).
 */
export function rowsInKernelMemory(
  data: Float32Array | DeferredRows,
  dim: number,
  extraScratch = 0,
): { mem: KernelMemory; data: Float32Array } | null {
  const rows = dim > 0 ? data.length / dim : 0;
  const scratch = scanScratchBytes(dim, rows) + extraScratch;
  const mem = KernelMemory.create(KernelMemory.bytesFor([data], scratch));
  if (mem === null) return null;
  const view = placeArray(mem, data);
  mem.reserveScratch(scratch);
  return { mem, data: view };
}

/**
 * A compressed family's codes and (optional) rescoring floats placed in one kernel
 * memory with `scratch` bytes of query scratch; the inputs come back unchanged (and
 * mem null) when the kernels are unavailable.
 */
export function codesInKernelMemory<C extends Uint8Array | Uint32Array>(
  codes: C | DeferredArray<C>,
  floats: Float32Array | DeferredRows | null,
  scratch: number,
): { mem: KernelMemory | null; codes: C; floats: Float32Array | null } {
  const mem = KernelMemory.create(KernelMemory.bytesFor(floats === null ? [codes] : [codes, floats], scratch));
  if (mem === null) return { mem, codes: materialize(codes), floats: floats === null ? null : materialize(floats) };
  const placed = { mem, codes: placeArray(mem, codes), floats: floats === null ? null : placeArray(mem, floats) };
  mem.reserveScratch(scratch);
  return placed;
}
