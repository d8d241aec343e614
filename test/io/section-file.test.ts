// Section files read whole and read in parts (some sections left on disk) agree:
// every in-memory section has the same values, and every section left on disk is
// found at the byte offset that holds its values and reads back deferred.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferSection, materialize, type SectionArrayType } from '../../src/io/deferred-array.js';
import { narrowUint32, readSectionFile, writeSectionFile, type SectionArray } from '../../src/io/section-file.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const CTORS = [Uint8Array, Uint16Array, Uint32Array, Int32Array, Float32Array, Float64Array] as const;

const section = fc.tuple(
  fc.integer({ min: 0, max: CTORS.length - 1 }),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }),
  fc.boolean(),
);

describe('section files read in parts', () => {
  let n = 0;
  it('match the whole-file read, section by section', () => {
    fc.assert(
      fc.property(fc.array(section, { minLength: 1, maxLength: 6 }), fc.boolean(), (specs, verify) => {
        const arrays: Record<string, SectionArray> = {};
        specs.forEach(([c, values], i) => (arrays[`s${i}`] = CTORS[c]!.from(values)));
        const path = join(dir, `f${n++}.bin`);
        writeSectionFile(path, 'TEST', 1, arrays, { note: 'x' });
        const onDisk = specs.flatMap(([, , disk], i) => (disk ? [`s${i}`] : []));
        const parts = readSectionFile(path, 'TEST', 1, { onDisk: onDisk.length > 0 ? onDisk : ['absent'], verifyChecksum: verify });
        const whole = readSectionFile(path, 'TEST', 1);
        expect(parts.meta).toEqual({ note: 'x' });
        const bytes = readFileSync(path);
        specs.forEach(([c], i) => {
          const name = `s${i}`;
          const ctor = CTORS[c]! as typeof Int32Array;
          if (onDisk.includes(name)) {
            const at = parts.locate(name, ctor);
            expect(at.length).toBe(arrays[name]!.length);
            const copy = new Uint8Array(at.length * ctor.BYTES_PER_ELEMENT);
            copy.set(bytes.subarray(at.byteOffset, at.byteOffset + copy.length));
            expect(Array.from(new ctor(copy.buffer))).toEqual(Array.from(arrays[name]!));
            expect(() => parts.get(name, ctor)).toThrow(`section "${name}" was left on disk`);
            // deferred: read into a new array, or into a view inside a larger buffer
            const deferred = deferSection(parts, name, ctor as SectionArrayType<SectionArray>);
            expect(Array.from(deferred.read())).toEqual(Array.from(arrays[name]!));
            const host = new ctor(new ArrayBuffer(ctor.BYTES_PER_ELEMENT * (at.length + 3)), 2 * ctor.BYTES_PER_ELEMENT, at.length);
            deferred.fill(host);
            expect(Array.from(host)).toEqual(Array.from(arrays[name]!));
            expect(Array.from(materialize(deferred))).toEqual(Array.from(arrays[name]!));
          } else expect(Array.from(parts.get(name, ctor))).toEqual(Array.from(whole.get(name, ctor)));
        });
      }),
      { numRuns: 60 },
    );
  });

  it('name what is wrong: missing sections, wrong types', () => {
    const path = join(dir, 'typed.bin');
    writeSectionFile(path, 'TEST', 1, { a: Float32Array.of(1, 2), b: Uint8Array.of(3) });
    const f = readSectionFile(path, 'TEST', 1, { onDisk: ['a'] });
    expect(() => f.locate('a', Uint32Array)).toThrow('section "a" has type f32');
    expect(() => f.locate('zz', Float32Array)).toThrow('missing section "zz"');
    expect(() => deferSection(f, 'a', Uint32Array)).toThrow('section "a" has type f32');
    expect(() => f.get('zz', Uint8Array)).toThrow('missing section "zz"');
    expect(() => readSectionFile(path, 'NOPE', 1, { onDisk: ['a'] })).toThrow('expected a "NOPE" file, found "TEST"');
    // a table of contents naming a type that does not exist (checksum not verified)
    const bad = join(dir, 'bad-type.bin');
    writeFileSync(bad, Buffer.from(readFileSync(path).toString('latin1').replace('"u8"', '"u9"'), 'latin1'));
    expect(() => readSectionFile(bad, 'TEST', 1, { onDisk: ['a'], verifyChecksum: false })).toThrow('section "b" has an unknown type "u9"');
    expect(() => readSectionFile(bad, 'TEST', 1)).toThrow(/checksum mismatch/);
  });
});

describe('narrowed unsigned sections', () => {
  let n = 0;
  it('take the narrowest type that holds every value and read back as the same 32-bit values', () => {
    const magnitude = fc.constantFrom(0xff, 0xffff, 0xffffffff);
    fc.assert(
      fc.property(
        magnitude.chain((max) => fc.array(fc.integer({ min: 0, max }), { maxLength: 50 })),
        fc.boolean(),
        (values, inParts) => {
          const a = Uint32Array.from(values);
          const narrow = narrowUint32(a);
          const max = values.reduce((m, v) => Math.max(m, v), 0);
          expect(narrow.BYTES_PER_ELEMENT).toBe(max <= 0xff ? 1 : max <= 0xffff ? 2 : 4);
          const path = join(dir, `narrow${n++}.bin`);
          writeSectionFile(path, 'TEST', 1, { a: narrow, f: Float32Array.of(1) });
          const f = readSectionFile(path, 'TEST', 1, inParts ? { onDisk: ['f'] } : undefined);
          const back = f.getUint32('a');
          expect(back).toBeInstanceOf(Uint32Array);
          expect(Array.from(back)).toEqual(values);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuse a section of another element type, or a missing one, naming it', () => {
    const path = join(dir, 'narrow-bad.bin');
    writeSectionFile(path, 'TEST', 1, { f: Float32Array.of(1), i: Int32Array.of(-1) });
    const f = readSectionFile(path, 'TEST', 1);
    expect(() => f.getUint32('f')).toThrow('section "f" has type f32, not an unsigned integer type');
    expect(() => f.getUint32('i')).toThrow('section "i" has type i32, not an unsigned integer type');
    expect(() => f.getUint32('zz')).toThrow('missing section "zz"');
  });
});
