// Text fields are merged term by term (one term's postings uncompressed at a time): the merged
// field file must be byte for byte what one segment built from the same live documents holds,
// with and without positions; and the writer's memory buffer flushes segments on its own.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { InvertedFieldEncoder } from '../../src/index/inverted/index.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
let serial = 0;

const wordArb = fc.oneof(
  fc.constant('every'),
  fc.constantFrom('a', 'b', 'c'),
  fc.integer({ min: 0, max: 300 }).map((i) => `r${i}`),
);
const docsArb = fc.array(fc.array(wordArb, { minLength: 0, maxLength: 30 }), { minLength: 1, maxLength: 400 });

function textFile(dir: string): Buffer {
  const c = Collection.open(dir);
  const seg = c.reader().segments[0]!.info.name;
  return readFileSync(join(dir, seg, 'body.inv'));
}

function build(docs: string[][], positions: boolean, flushDocs: number, deleted: ReadonlySet<number>): string {
  const dir = join(root, `c${serial++}`);
  const c = Collection.create(
    dir,
    parseSchema({ id: 'id', fields: { body: { type: 'text', from: ['text'], analyzer: 'whitespace', positions } } }),
  );
  const w = c.writer({ flushDocs, maxSegments: 1000, backgroundMerges: false });
  docs.forEach((words, i) => w.add({ id: `d${i}`, text: words.join(' ') }));
  w.commit();
  for (const i of deleted) w.delete(`d${i}`);
  w.optimize();
  w.close();
  return dir;
}

describe('streaming text-field merge', () => {
  it('merging several segments (with deletes) writes the same field file as one segment of the live documents', () => {
    fc.assert(
      fc.property(
        docsArb,
        fc.boolean(),
        fc.integer({ min: 1, max: 90 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (docs, positions, flushDocs, del) => {
          const deleted = new Set(del.map((d) => d % docs.length));
          if (deleted.size === docs.length) deleted.delete(0);
          const merged = build(docs, positions, flushDocs, deleted);
          const live = docs.filter((_, i) => !deleted.has(i));
          const single = build(live, positions, 1_000_000, new Set());
          expect(textFile(merged).equals(textFile(single))).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('the encoder refuses terms out of order, empty terms and missing positions', () => {
    const e = new InvertedFieldEncoder(new Uint8Array(4), false);
    e.addTerm('b', Uint32Array.of(0, 2), Uint32Array.of(1, 3), 2);
    expect(() => e.addTerm('a', Uint32Array.of(1), Uint32Array.of(1), 1)).toThrow(/after "b"/);
    expect(() => e.addTerm('c', new Uint32Array(0), new Uint32Array(0), 0)).toThrow(/no postings/);
    expect(() => e.addTerm('c', Uint32Array.of(1), Uint32Array.of(1), 1, Uint32Array.of(0))).toThrow(/positions/);
  });

  it('ramBufferMB flushes a segment once the buffered documents take that much memory', () => {
    const dir = join(root, 'ram');
    const c = Collection.create(dir, parseSchema({ id: 'id', fields: { body: { type: 'text', from: ['text'], analyzer: 'whitespace' } } }));
    const w = c.writer({ ramBufferMB: 1, maxSegments: 1000, backgroundMerges: false });
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}`);
    for (let i = 0; i < 20_000; i++)
      w.add({ id: `d${i}`, text: Array.from({ length: 20 }, (_, j) => words[(i * 7 + j * 131) % 5000]).join(' ') });
    w.commit();
    w.close();
    const segments = c.reader().segments;
    expect(segments.length).toBeGreaterThan(2);
    expect(segments.reduce((n, s) => n + s.numDocs, 0)).toBe(20_000);
    expect(() => c.writer({ ramBufferMB: 0 })).toThrow(/ramBufferMB must be a positive integer/);
  });
});
