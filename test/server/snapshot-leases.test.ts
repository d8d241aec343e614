// The server closes the snapshot a commit replaces (releasing files of floats
// left on disk) unless a request that awaits between its searches still holds
// it; the last such request closes it when it is done.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectionRegistry } from '../../src/server/collection-registry.js';
import { tempDir } from '../helpers/temp-dir.js';

const SCHEMA = { fields: { text: { type: 'text' }, emb: { type: 'dense', dim: 4, metric: 'cosine', index: 'binary', floats: 'disk' } } };
const doc = (i: number): Record<string, unknown> => ({ _id: `d${i}`, text: `word ${i}`, emb: [1, i % 3, (i * 7) % 5, 1 + (i % 2)] });

describe('served snapshots', () => {
  it('closes a replaced snapshot at once, or when the last request holding it releases it', () => {
    const registry = new CollectionRegistry(join(tempDir('quarry-leases-'), 'data'));
    const c = registry.create('c', SCHEMA);
    for (let i = 0; i < 3; i++) c.writer().add(doc(i));
    c.commit();
    const first = c.reader();
    c.writer().add(doc(3));
    c.commit();
    expect(first.closed).toBe(true); // nobody held it
    const second = c.reader();
    expect(second.closed).toBe(false);

    const a = c.lease();
    const b = c.lease();
    expect(a.snapshot).toBe(second);
    c.writer().add(doc(4));
    c.commit();
    expect(c.reader()).not.toBe(second);
    // still held: searches on it (its floats are read from disk) keep working
    expect(second.closed).toBe(false);
    expect(a.snapshot.searchVector('emb', [1, 1, 1, 1], { k: 10 })).toHaveLength(4);
    a.release();
    a.release(); // twice counts once
    expect(second.closed).toBe(false);
    b.release();
    expect(second.closed).toBe(true);

    // a lease of the current snapshot does not close it on release
    const current = c.lease();
    current.release();
    expect(current.snapshot.closed).toBe(false);
    expect(c.reader().searchVector('emb', [1, 1, 1, 1], { k: 10 })).toHaveLength(5);

    // closing the server closes what it serves, unless a request holds it
    const held = c.lease();
    registry.closeAll(false);
    expect(held.snapshot.closed).toBe(false);
    held.release();
    expect(held.snapshot.closed).toBe(true);
  });
});
