import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Records, RecordsBuilder } from '../../src/collection/records.js';
import { readSectionFile, writeSectionFile } from '../../src/io/section-file.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

describe('record files (ids and stored documents)', () => {
  let n = 0;
  it('give back every record, empty and multi-byte ones too, with lengths in the narrowest type', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ minLength: 300, maxLength: 400 })), {
          maxLength: 40,
        }),
        (texts) => {
          const b = new RecordsBuilder();
          for (const t of texts) b.add(t);
          const path = join(dir, `r${n++}.bin`);
          b.write(path, 'TEST');
          const r = new Records(path, 'TEST');
          expect(r.count).toBe(texts.length);
          expect(texts.map((_, i) => r.text(i))).toEqual(texts);
          const longest = texts.reduce((m, t) => Math.max(m, Buffer.byteLength(t)), 0);
          // get() refuses a section of another type
          expect(
            readSectionFile(path, 'TEST', 2).get('lengths', (longest <= 255 ? Uint8Array : Uint16Array) as typeof Uint8Array).length,
          ).toBe(texts.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('read version 1 files (8-byte offsets)', () => {
    const path = join(dir, 'v1.bin');
    const bytes = Buffer.from('d1héllo{}', 'utf8');
    writeSectionFile(path, 'TEST', 1, { offsets: Float64Array.of(0, 2, 8, 10), bytes: new Uint8Array(bytes) });
    const r = new Records(path, 'TEST');
    expect([r.text(0), r.text(1), r.text(2)]).toEqual(['d1', 'héllo', '{}']);
  });

  it('refuse lengths that do not add up to the bytes held, naming the file', () => {
    const path = join(dir, 'bad.bin');
    writeSectionFile(path, 'TEST', 2, { lengths: Uint8Array.of(2, 9), bytes: new Uint8Array(Buffer.from('d1hello')) });
    const e = errorOf(() => new Records(path, 'TEST', { verifyChecksum: false }));
    expect(e.message).toContain(path);
    expect(e.message).toContain('records end at byte 11, the file holds 7');
  });
});
