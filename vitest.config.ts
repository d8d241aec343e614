// Test runner settings. Vitest's default in run mode is one worker fewer than the cores, which on
// a two-core machine (CI's) runs the files one at a time; the suite spends much of its time in
// spawned CLI processes and file I/O, so two workers there finish in about two thirds the time.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
  },
});
