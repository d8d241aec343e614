// Test runner settings. Vitest's default in run mode is one worker fewer than the cores, which on
// a two-core machine (CI's) runs the files one at a time; the suite spends much of its time in
// spawned CLI processes and file I/O, so two workers there finish in about two thirds the time.
// Each file runs in a fresh worker (vitest's default isolation): sharing the module cache across
// files saved the module loading but lost more to garbage collection in the long-lived workers,
// and onnxruntime-node's native binding aborts a worker whose earlier files ran models.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
    // CLI and server tests spawn processes: on a loaded two-core machine they need more than vitest's 5 s
    testTimeout: 30_000,
  },
});
