// A damaged segment is never rewritten as a healthy one (issue: reliability and
// security, finding 4): merges verify the checksums of what they read, so `add` and
// `optimize` of a collection with a flipped byte fail naming the file, and `check`
// still reports the damage afterwards.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCollection } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { quarry } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const root = tempDir();
const docs = Array.from({ length: 200 }, (_, i) => ({
  _id: `d${i}`,
  title: `title ${i % 7}`,
  text: `solar wind battery ${i} grid ${i % 13}`,
}));

describe('no laundered corruption', () => {
  it('optimize in the library refuses a segment with a flipped byte and leaves it as it was', () => {
    const c = buildCollection(root, docs);
    const inv = join(
      c.dir,
      'seg-1',
      readdirSync(join(c.dir, 'seg-1')).find((f) => f.endsWith('.inv'))!,
    );
    const bytes = readFileSync(inv);
    bytes[Math.floor(bytes.length * 0.6)]! ^= 0x20;
    writeFileSync(inv, bytes);
    const w = c.writer({ backgroundMerges: false });
    w.add({ _id: 'new', title: 't', text: 'solar' });
    w.commit();
    const e = errorOf(() => w.optimize());
    w.abort();
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toContain(inv);
    expect(() => checkCollection(c.dir)).toThrow(/CRC|checksum/i);
  });

  it('quarry add then quarry optimize fail on the damaged file, and quarry check still reports it', () => {
    const c = buildCollection(root, docs);
    const stored = join(c.dir, 'seg-1', 'stored.bin');
    const bytes = readFileSync(stored);
    bytes[Math.floor(bytes.length * 0.5)]! ^= 0x01;
    writeFileSync(stored, bytes);
    expect(quarry(['check', c.dir]).status).not.toBe(0);
    const more = writeFile(root, 'more.jsonl', '{"_id":"x1","title":"t","text":"wind"}\n');
    quarry(['add', c.dir, more]);
    const optimized = quarry(['optimize', c.dir]);
    expect(optimized.status).not.toBe(0);
    expect(optimized.stderr).toContain(stored);
    const check = quarry(['check', c.dir]);
    expect(check.status).not.toBe(0);
    expect(check.stderr).toContain(stored);
  });

  it('quarry add refuses a collection whose files are gone, instead of committing over them', () => {
    const c = buildCollection(root, docs);
    const stored = join(c.dir, 'seg-1', 'stored.bin');
    rmSync(stored);
    const gone = quarry(['add', c.dir, writeFile(root, 'more2.jsonl', '{"_id":"x2","title":"t","text":"wind"}\n')]);
    expect(gone.status).not.toBe(0);
    expect(gone.stderr).toContain(`${stored}: is missing`);
    expect(readdirSync(c.dir).filter((f) => f.startsWith('manifest-'))).toEqual(['manifest-1.json', 'manifest-2.json']);
  });
});
