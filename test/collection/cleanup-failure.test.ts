// Removing old generations' files is clean-up after a commit is durable: when the
// operating system refuses a removal (a file held open elsewhere, permissions),
// the commit still succeeds and a later clean-up removes what was left.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';

const refuse = { on: false };
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const rmSync: typeof fs.rmSync = (path, opts) => {
    if (refuse.on && /seg-\d+$/.test(String(path)))
      throw Object.assign(new Error(`EBUSY: resource busy or locked, rm '${String(path)}'`), { code: 'EBUSY' });
    fs.rmSync(path, opts);
  };
  return { ...fs, default: { ...fs, rmSync }, rmSync };
});

afterEach(() => void (refuse.on = false));

describe('clean-up after a commit', () => {
  it('a segment folder that cannot be removed does not fail the commit; a later commit removes it', () => {
    const schema = parseSchema({ fields: { text: { type: 'text' } } });
    const docs = Array.from({ length: 30 }, (_, i) => ({ _id: `d${i}`, text: `word${i % 7} common` }));
    const c = buildCollection(tempDir(), docs, schema, { flushDocs: 10 });
    const before = readdirSync(c.dir).filter((e) => e.startsWith('seg-'));
    expect(before).toHaveLength(3);
    const w = c.writer();
    refuse.on = true;
    // optimize merges the three segments and commits twice over: their folders become unreferenced
    expect(() => w.optimize()).not.toThrow();
    w.add({ _id: 'x', text: 'after' });
    expect(() => w.commit()).not.toThrow();
    expect(before.every((s) => existsSync(join(c.dir, s)))).toBe(true);
    refuse.on = false;
    w.add({ _id: 'y', text: 'later' });
    w.commit();
    w.close();
    expect(before.some((s) => existsSync(join(c.dir, s)))).toBe(false);
    const snap = c.reader();
    expect(snap.numDocs).toBe(32);
    expect(snap.search('common', { k: 50 })).toHaveLength(30);
  });
});
