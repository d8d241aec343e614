// The server commits a finished background merge by itself (when no write waits for a
// commit), so searches see the merged segment without waiting for the next write.
import { describe, expect, it, vi } from 'vitest';
import { BEIR_FLAT_SCHEMA } from '../../src/collection/index.js';
import { CollectionRegistry } from '../../src/server/collection-registry.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('server: background merges', () => {
  it('installs a finished merge on its own, but not while writes wait for a commit', async () => {
    const registry = new CollectionRegistry(tempDir(), 10);
    const c = registry.create('merging', BEIR_FLAT_SCHEMA);
    for (let i = 0; i < 11; i++) {
      c.writer().add({ _id: `d${i}`, text: `document number ${i} about merging` });
      c.commit();
    }
    // The 11th commit left 11 segments and started merging the 10 smallest.
    expect(c.reader().segments.length).toBe(11);
    c.writer().add({ _id: 'pending', text: 'not committed yet' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.stats.mergesInstalled).toBe(0);
    expect(c.reader().segments.length).toBe(11);
    c.commit(); // installs the merge together with the pending document: 1 merged + 1 + 1
    expect(c.reader().segments.length).toBe(3);
    expect(c.reader().numDocs).toBe(12);

    let n = 12;
    while (!c.writer().mergeRunning) {
      c.writer().add({ _id: `d${n}`, text: `document number ${n} about merging` });
      n++;
      c.commit();
    }
    const before = c.reader().segments.length;
    expect(before).toBe(11);
    await vi.waitFor(() => expect(c.stats.mergesInstalled).toBe(1), { timeout: 20_000, interval: 20 });
    expect(c.reader().segments.length).toBe(before - 9);
    expect(c.reader().search('merging', { k: 100 }).length).toBe(n - 1);
    expect(c.stats.lastMergeCommitError).toBe(null);
    registry.closeAll(false);
  }, 30_000);
});
