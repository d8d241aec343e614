// Compressed postings: every term's documents and frequencies come back
// exactly, through next(), advance() (with in-block skip points and block
// skipping) and exhaustive block draining.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { InvertedField, InvertedFieldBuilder, readInvertedField, writeInvertedField } from '../../src/index/inverted/index.js';
import { NO_MORE_DOCS, PostingsCursor } from '../../src/index/inverted/postings-cursor.js';
import { tempDir } from '../helpers/temp-dir.js';

function build(docs: string[][]): { field: InvertedField; expected: Map<string, [number, number][]> } {
  const b = new InvertedFieldBuilder();
  const expected = new Map<string, [number, number][]>();
  docs.forEach((terms, d) => {
    b.addDocument(terms);
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, c] of counts) {
      if (!expected.has(t)) expected.set(t, []);
      expected.get(t)!.push([d, c]);
    }
  });
  return { field: new InvertedField(b.finish()), expected };
}

// Terms of very different density, so blocks have gap widths from 0 to many bits.
const docArb = fc.array(
  fc.oneof(
    fc.constant('every'),
    fc.constantFrom('a', 'b', 'c'),
    fc.integer({ min: 0, max: 400 }).map((i) => `r${i}`),
  ),
  { minLength: 0, maxLength: 12 },
);

describe('compressed postings', () => {
  it('next() returns every posting with its frequency', () => {
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 700 }), (docs) => {
        const { field, expected } = build(docs);
        const c = new PostingsCursor();
        for (const [term, postings] of expected) {
          c.reset(field.data, field.termId(term));
          const got: [number, number][] = [];
          for (; c.doc !== NO_MORE_DOCS; c.next()) got.push([c.doc, c.freq()]);
          expect(got).toEqual(postings);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('advance(target) lands on the first posting >= target', () => {
    fc.assert(
      fc.property(
        fc.array(docArb, { minLength: 1, maxLength: 900 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
        (docs, targets) => {
          const { field, expected } = build(docs);
          const c = new PostingsCursor();
          const sorted = [...targets].sort((a, b) => a - b);
          for (const [term, postings] of expected) {
            c.reset(field.data, field.termId(term));
            for (const t of sorted) {
              const want = postings.find(([d]) => d >= Math.max(t, 0));
              const got = c.advance(t);
              // targets ascend, so the cursor is never already past the first posting >= t
              if (want === undefined) expect(got).toBe(NO_MORE_DOCS);
              else {
                expect(got).toBe(want[0]);
                expect(c.freq()).toBe(want[1]);
              }
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('drainBlock() decodes whole blocks for exhaustive scoring', () => {
    const docs = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? ['x', 'x'] : i % 7 === 0 ? ['x'] : ['y']));
    const { field, expected } = build(docs);
    const c = new PostingsCursor();
    c.reset(field.data, field.termId('x'));
    c.advance(5); // start mid-block
    const d = new Uint32Array(128);
    const f = new Uint32Array(128);
    const got: [number, number][] = [];
    for (let n = c.drainBlock(d, f); n > 0; n = c.drainBlock(d, f)) for (let j = 0; j < n; j++) got.push([d[j]!, f[j]!]);
    expect(got).toEqual(expected.get('x')!.filter(([doc]) => doc >= 5));
  });

  it('one-posting blocks (a term seen once, or the 129th document of a term) and skip points survive a file round trip', () => {
    const dir = tempDir();
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 5 }),
        (dfs, repeat) => {
          // term tK occurs in dfs[K] documents spread over the collection, `repeat` times in its last one
          const numDocs = 400;
          const docs: string[][] = Array.from({ length: numDocs }, () => ['pad']);
          dfs.forEach((df, k) => {
            for (let j = 0; j < df; j++) {
              const d = Math.floor((j * numDocs) / df);
              for (let r = j === df - 1 ? repeat : 1; r > 0; r--) docs[d]!.push(`t${k}`);
            }
          });
          const { field, expected } = build(docs);
          const path = join(dir, `f${n++}.inv`);
          writeInvertedField(path, field.data);
          const back = new InvertedField(readInvertedField(path));
          const c = new PostingsCursor();
          const d = new Uint32Array(128);
          const f = new Uint32Array(128);
          for (const [term, want] of expected) {
            const t = back.termId(term);
            c.reset(back.data, t);
            const walked: [number, number][] = [];
            for (let doc = c.doc; doc !== NO_MORE_DOCS; doc = c.next()) walked.push([doc, c.freq()]);
            expect(walked).toEqual(want);
            c.reset(back.data, t);
            const drained: [number, number][] = [];
            for (let m = c.drainBlock(d, f); m > 0; m = c.drainBlock(d, f)) for (let j = 0; j < m; j++) drained.push([d[j]!, f[j]!]);
            expect(drained).toEqual(want);
            for (const [doc, freq] of want.filter((_, i) => i % 37 === 0 || i === want.length - 1)) {
              c.reset(back.data, t);
              expect(c.advance(doc)).toBe(doc);
              expect(c.freq()).toBe(freq);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
