// Shutdown (issue: reliability and security, finding 3): one collection that cannot
// commit does not stop the others from committing, and every write lock is released.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { CollectionRegistry } from '../../src/server/collection-registry.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('closing every collection', () => {
  it('commits the healthy ones, reports the one that fails, and releases every lock', () => {
    const data = tempDir();
    const registry = new CollectionRegistry(data, 10);
    const names = ['first', 'broken', 'last'];
    for (const name of names) {
      const c = registry.create(name, BEIR_FLAT_SCHEMA);
      c.writer().add({ _id: `${name}-1`, text: `acknowledged write to ${name}` });
    }
    // the broken collection's folder disappears under the server: its commit cannot be written
    rmSync(join(data, 'broken'), { recursive: true, force: true });
    const { committed, failed } = registry.closeAll(true);
    expect(committed.sort()).toEqual(['first', 'last']);
    expect(failed.map((f) => f.name)).toEqual(['broken']);
    for (const name of ['first', 'last']) {
      expect(existsSync(join(data, name, 'write.lock'))).toBe(false);
      expect(
        Collection.open(join(data, name))
          .reader()
          .search('acknowledged')
          .map((h) => h.id),
      ).toEqual([`${name}-1`]);
    }
  });
});
