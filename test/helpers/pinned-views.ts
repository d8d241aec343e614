/**
 * Finds typed arrays of an opened index that are views into a larger buffer other
 * than kernel memory: such a view keeps the whole file buffer it came from alive,
 * next to the kernel memory's copy of that file's bulk data (twice the memory).
 */
import { KernelMemory } from '../../src/kernels/wasm/kernel-memory.js';

/** Paths (index.field.field) of arrays pinning a larger foreign buffer; empty when none. */
export function pinnedViews(root: object): string[] {
  const kernelBuffers = new Set<ArrayBufferLike>();
  const arrays: [string, ArrayBufferView][] = [];
  const seen = new Set<object>();
  const walk = (x: unknown, path: string, depth: number): void => {
    if (x === null || typeof x !== 'object' || seen.has(x) || depth > 5) return;
    seen.add(x);
    if (x instanceof KernelMemory) kernelBuffers.add(x.buffer);
    if (ArrayBuffer.isView(x)) {
      arrays.push([path, x]);
      return;
    }
    if (Array.isArray(x)) x.forEach((v, i) => walk(v, `${path}[${i}]`, depth + 1));
    else for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`, depth + 1);
  };
  walk(root, 'index', 0);
  // with no kernel memory nothing is copied, and views of the file are the only copy
  if (kernelBuffers.size === 0) return [];
  return arrays.filter(([, a]) => a.byteLength < a.buffer.byteLength && !kernelBuffers.has(a.buffer)).map(([p]) => p);
}
