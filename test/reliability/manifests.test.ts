// Manifests (issue: reliability and security, finding 9): a lost newest manifest is
// detected and refused, never read as an older or empty collection (nor its segments
// overwritten by the next add); a manifest edited after it was written fails its
// checksum; a manifest cannot name a segment outside the collection.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, checkCollection } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { quarry } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const root = tempDir();
const docs = Array.from({ length: 50 }, (_, i) => ({ _id: `d${i}`, title: 't', text: `solar ${i}` }));

describe('manifests', () => {
  it('refuses a collection whose newest manifest is gone, and the next add destroys nothing', () => {
    const c = buildCollection(root, docs);
    const newest = join(c.dir, 'manifest-2.json');
    expect(existsSync(newest)).toBe(true);
    rmSync(newest);
    const e = errorOf(() => Collection.open(c.dir).reader());
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('manifest-2.json is missing: the last commit was generation 2, the newest manifest left is 1');
    expect(() => checkCollection(c.dir)).toThrow(/is missing/);
    const add = quarry(['add', c.dir, writeFile(root, 'one.jsonl', '{"_id":"x","title":"t","text":"wind"}\n')]);
    expect(add.status).not.toBe(0);
    expect(add.stderr).toContain('manifest-2.json is missing');
    expect(existsSync(join(c.dir, 'seg-1'))).toBe(true);
  });

  it('detects a manifest edited after it was written', () => {
    const c = buildCollection(root, docs);
    const path = join(c.dir, 'manifest-2.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"numDocs": 50', '"numDocs": 49'));
    const e = errorOf(() => Collection.open(c.dir).reader());
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain('manifest checksum mismatch');
    writeFileSync(path, text);
    expect(Collection.open(c.dir).reader().numDocs).toBe(50);
  });

  it('refuses segment names outside the collection', () => {
    const c = buildCollection(root, docs);
    const path = join(c.dir, 'manifest-2.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as { segments: { name: string }[]; crc32?: number };
    m.segments[0]!.name = '../victim';
    delete m.crc32;
    writeFileSync(path, JSON.stringify(m, null, 1));
    expect(errorOf(() => Collection.open(c.dir).reader()).message).toContain(
      'manifest names a segment or file outside the collection: "../victim"',
    );
  });
});
