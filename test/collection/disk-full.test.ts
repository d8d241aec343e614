// A full disk fails the commit cleanly and keeps the previous generation
// (a small tmpfs; skipped where mounting is not permitted).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { QuarryError } from '../../src/core/quarry-error.js';

const mnt = mkdtempSync(join(tmpdir(), 'quarry-tinyfs-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt], { stdio: 'ignore' });
  mounted = true;
} catch {
  // not permitted here (not root, or no CAP_SYS_ADMIN)
}
afterAll(() => {
  if (mounted) execFileSync('umount', [mnt], { stdio: 'ignore' });
  rmSync(mnt, { recursive: true, force: true });
});

describe.skipIf(!mounted)('disk full', () => {
  it('a commit that runs out of space fails with ENOSPC and leaves the previous generation intact', () => {
    const dir = join(mnt, 'c');
    mkdirSync(dir);
    const c = Collection.create(dir, BEIR_FLAT_SCHEMA);
    const w = c.writer();
    for (let i = 0; i < 20; i++) w.add({ _id: `a${i}`, text: `small document ${i}` });
    w.commit();
    w.close();
    const before = readdirSync(dir).sort();
    const w2 = c.writer();
    let err: unknown;
    try {
      // ~3 MB of unique text does not fit in the 1 MB file system.
      for (let i = 0; i < 3000; i++) w2.add({ _id: `b${i}`, text: `${'x'.repeat(900)}${i} unique${i}` });
      w2.commit();
    } catch (e) {
      err = e;
      w2.abort();
    }
    expect(err).toBeInstanceOf(QuarryError);
    expect((err as QuarryError).message).toMatch(/no space left on device/);
    const r = Collection.open(dir).reader();
    expect(r.numDocs).toBe(20);
    expect(r.search('small document').length).toBeGreaterThan(0);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
