// Test runner settings. Vitest's default in run mode is one worker fewer than the cores, which on
// a two-core machine (CI's) runs the files one at a time; the suite spends much of its time in
// spawned CLI processes and file I/O, so two workers there finish in about two thirds the time.
// Test files share their worker's module cache (no isolation): loading the sources again for
// every file took about a fifth of the suite's time. A file that mocks or reloads modules
// (cleanup-failure, kernel-paths) resets the cache when it is done.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
    isolate: false,
    // CLI and server tests spawn processes: on a loaded two-core machine they need more than vitest's 5 s
    testTimeout: 30_000,
  },
});
