/**
 * Memory a process holds: JavaScript heap plus buffers (typed arrays, WebAssembly
 * memory) after full collections. Unlike the resident set size it does not lag
 * behind freed memory; V8 frees array buffers on a background thread, hence the
 * collect-and-wait rounds. Needs node --expose-gc.
 */
export async function heldBytes(): Promise<number> {
  await settleMemory();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Full collections until garbage is really gone, buffers included (so that a
 * resident-set measurement taken next is not lowered later by garbage freed late).
 */
export async function settleMemory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run node with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
}
