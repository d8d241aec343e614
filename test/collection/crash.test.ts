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

  it('damage injected between kills is refused, harmless or a revert past an unacknowledged commit; never silent or laundered', async () => {
    const results = await crashTest(4, 11, 12, true);
    const judged = results.flatMap((r) => (r.corruption === undefined ? [] : [r.corruption]));
    expect(judged.length).toBeGreaterThan(0);
    for (const c of judged) {
      expect(c.silentLoss, JSON.stringify(c)).toBe(false);
      expect(c.laundered, JSON.stringify(c)).toBe(false);
      expect(c.detected || c.harmless || c.revertedToAcknowledged, JSON.stringify(c)).toBe(true);
    }
    for (const r of results) expect(r.lostCommitted, JSON.stringify(r)).toBe(0);
  }, 120_000);
});
