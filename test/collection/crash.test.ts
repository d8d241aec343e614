// Short crash test (bench/crash runs the long one): SIGKILL a writer that
// ingests, commits, deletes and merges; nothing committed may be lost, no
// partial commit may be visible, and searches must equal a clean rebuild.
import { describe, expect, it } from 'vitest';
import { crashTest } from '../helpers/crash-harness.js';

describe('crash safety', () => {
  it('survives SIGKILL at random moments of ingest, commit and merge', async () => {
    const results = await crashTest(8, 7);
    expect(results.length).toBe(8);
    for (const r of results) {
      expect(r.writerError, JSON.stringify(r)).toBe(null);
      expect(r.failedToOpen, JSON.stringify(r)).toBe(false);
      expect(r.lostCommitted, JSON.stringify(r)).toBe(0);
      expect(r.partialBatches, JSON.stringify(r)).toBe(0);
      expect(r.resultDifferences, JSON.stringify(r)).toBe(0);
    }
    expect(results.some((r) => r.visibleBatches > 0)).toBe(true);
  }, 120_000);
});
