// Token positions: every posting's positions come back exactly after bit
// packing (a property over random documents), the analyzer counts removed
// stopwords, and positions survive segment merges with deletes. Phrase
// frequencies, and the fuzzy expansion's dictionary walk against brute force.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvertedField,
  InvertedFieldBuilder,
  PositionsReader,
  readInvertedField,
  writeInvertedField,
} from '../../src/index/inverted/index.js';
import { NO_MORE_DOCS, PostingsCursor } from '../../src/index/inverted/postings-cursor.js';
import { exactPhraseFreq, repeatGroups, SloppyPhraseMatcher } from '../../src/index/inverted/phrase-matcher.js';
import { editDistanceWithin, forEachTermWithin } from '../../src/index/inverted/fuzzy-terms.js';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { buildCollection } from '../helpers/build-collection.js';
import { parseSchema } from '../../src/collection/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { join } from 'node:path';

/** term -> [doc, positions][] of documents given as term lists (position = index, with gaps where a term is null). */
function expectedPositions(docs: (string | null)[][]): Map<string, [number, number[]][]> {
  const out = new Map<string, [number, number[]][]>();
  docs.forEach((tokens, d) => {
    const byTerm = new Map<string, number[]>();
    tokens.forEach((t, p) => {
      if (t !== null) byTerm.set(t, [...(byTerm.get(t) ?? []), p]);
    });
    for (const [t, ps] of byTerm) out.set(t, [...(out.get(t) ?? []), [d, ps]]);
  });
  return out;
}

function buildWithPositions(docs: (string | null)[][]): InvertedField {
  const b = new InvertedFieldBuilder({ positions: true });
  for (const tokens of docs) {
    const terms: string[] = [];
    const positions: number[] = [];
    tokens.forEach((t, p) => {
      if (t !== null) {
        terms.push(t);
        positions.push(p);
      }
    });
    b.addDocument(terms, positions);
  }
  return new InvertedField(b.finish());
}

function readAll(field: InvertedField, term: string): [number, number[]][] {
  const c = new PostingsCursor();
  const r = new PositionsReader(c);
  c.reset(field.data, field.termId(term));
  r.reset(field.data);
  const got: [number, number[]][] = [];
  for (; c.doc !== NO_MORE_DOCS; c.next()) {
    const count = r.read();
    got.push([c.doc, Array.from(r.positions.subarray(0, count))]);
  }
  return got;
}

// Dense and rare terms, long documents (large gaps) and removed tokens (null: a stopword's gap).
const tokenArb = fc.oneof(
  fc.constant(null),
  fc.constantFrom('a', 'b', 'c'),
  fc.integer({ min: 0, max: 300 }).map((i) => `r${i}`),
);
const docArb = fc.oneof(fc.array(tokenArb, { maxLength: 12 }), fc.array(tokenArb, { minLength: 200, maxLength: 600 }));

describe('token positions', () => {
  it('come back exactly for every posting, after a write and a read of the file', () => {
    const dir = tempDir();
    let n = 0;
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 300 }), (docs) => {
        const path = join(dir, `f${n++}.inv`);
        writeInvertedField(path, buildWithPositions(docs).data);
        const field = new InvertedField(readInvertedField(path));
        for (const [term, postings] of expectedPositions(docs)) expect(readAll(field, term)).toEqual(postings);
      }),
      { numRuns: 40 },
    );
  });

  it("count removed stopwords, as Lucene's position increments do", () => {
    const got: [string, number][] = [];
    createAnalyzer('english').forEachTerm('The University of Washington, in the state', (t, p) => got.push([t, p]));
    expect(got).toEqual([
      ['univers', 1],
      ['washington', 3],
      ['state', 6],
    ]);
  });

  it('survive merges that drop deleted documents', () => {
    const root = tempDir();
    const docs = Array.from({ length: 60 }, (_, i) => ({
      _id: `d${i}`,
      title: '',
      text: `${i % 2 === 0 ? 'black cat' : 'cat black'} number${i} and then a black cat again`,
    }));
    const c = buildCollection(root, docs, undefined, { flushDocs: 7, backgroundMerges: false });
    const w = c.writer({ backgroundMerges: false });
    for (let i = 0; i < 60; i += 3) w.delete(`d${i}`);
    w.optimize();
    w.close();
    const snap = c.reader();
    expect(snap.segments.length).toBe(1);
    expect(c.info().fields[0]).toMatchObject({ name: 'contents', positions: { segments: 1, of: 1 } });
    const hits = snap.search('"black cat"', { syntax: 'lucene', k: 100, includeStored: false });
    // even-numbered documents hold the phrase twice, odd ones once; deleted ones are gone
    const live = docs.filter((_, i) => i % 3 !== 0);
    expect(hits.map((h) => h.id).sort()).toEqual(live.map((d) => d._id).sort());
    const score = new Map(hits.map((h) => [h.id, h.score]));
    expect(score.get('d2')!).toBeGreaterThan(score.get('d1')!);
  });

  it('a field with "positions": false refuses phrases and still answers everything else', () => {
    const root = tempDir();
    const c = buildCollection(
      root,
      [{ _id: 'a', body: 'black cat' }],
      parseSchema({ id: '_id', fields: { body: { type: 'text', positions: false } }, store: 'all' }),
    );
    const snap = c.reader();
    expect(() => snap.search('"black cat"', { syntax: 'lucene' })).toThrow(/body.*without them.*"positions": true/);
    expect(snap.search('+black cat*', { syntax: 'lucene' }).map((h) => h.id)).toEqual(['a']);
    expect(c.info().fields[0]).toMatchObject({ name: 'body', positions: { segments: 0, of: 1 } });
  });
});

describe('phrase frequency', () => {
  const pp = (...lists: number[][]) => ({
    positions: lists.map((l) => Uint32Array.from(l)),
    counts: Uint32Array.from(lists.map((l) => l.length)),
  });

  it('exact: every start where all terms sit at their offsets, overlaps included', () => {
    expect(exactPhraseFreq(pp([0, 3, 7], [1, 4, 9]), [0, 1], new Uint32Array(2))).toBe(2);
    // "a a" in "a a a": starts 0 and 1
    expect(exactPhraseFreq(pp([0, 1, 2], [0, 1, 2]), [0, 1], new Uint32Array(2))).toBe(2);
    // a stopword gap: offsets 0 and 2
    expect(exactPhraseFreq(pp([5], [7]), [0, 2], new Uint32Array(2))).toBe(1);
    expect(exactPhraseFreq(pp([5], [6]), [0, 2], new Uint32Array(2))).toBe(0);
  });

  it('sloppy: 1 / (1 + distance) per match within the slop, reversed order costing two moves', () => {
    const freq = (slop: number, lists: number[][], offsets = [0, 1]) => new SloppyPhraseMatcher(offsets, slop, null).freq(pp(...lists));
    expect(freq(2, [[0], [1]])).toBe(1);
    expect(freq(2, [[1], [0]])).toBe(Math.fround(1 / 3));
    expect(freq(1, [[1], [0]])).toBe(0);
    expect(
      freq(1, [
        [0, 10],
        [2, 11],
      ]),
    ).toBe(Math.fround(Math.fround(1 / 2) + 1));
    // "a a"~1 in "a x a": the two occurrences of the repeated term may not share a position
    const repeated = new SloppyPhraseMatcher([0, 1], 1, repeatGroups(['a', 'a'], [0, 1]));
    expect(repeated.freq(pp([0, 2], [0, 2]))).toBe(Math.fround(1 / 2));
    expect(repeated.freq(pp([0], [0]))).toBe(0);
  });
});

describe('fuzzy expansion', () => {
  const cps = (s: string) => Uint32Array.from([...s], (c) => c.codePointAt(0)!);
  const distance = (a: string, b: string, max: number) =>
    editDistanceWithin(cps(a), [...a].length, cps(b), [...b].length, max, new Int32Array(3 * ([...b].length + 1)));

  it('edit distance counts transpositions of neighbours as one edit, in code points', () => {
    expect(distance('kitten', 'sitting', 5)).toBe(3);
    expect(distance('ca', 'ac', 5)).toBe(1);
    expect(distance('ca', 'abc', 5)).toBe(3); // optimal string alignment: no edits inside a transposition
    expect(distance('naïve', 'naive', 5)).toBe(1);
    expect(distance('𝔸b', 'b', 5)).toBe(1);
    expect(distance('kitten', 'sitting', 1)).toBe(2); // gives up past the limit
  });

  it('the prefix-sharing walk over a sorted dictionary finds exactly the terms within the edits', () => {
    const word = fc.array(fc.constantFrom('a', 'b', 'c', 'é', '𝔸'), { maxLength: 7 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 300 }),
        word,
        fc.integer({ min: 0, max: 2 }),
        (vocabulary, query, maxEdits) => {
          const b = new InvertedFieldBuilder();
          b.addDocument(vocabulary.filter((w) => w.length > 0));
          const field = new InvertedField(b.finish());
          const got: [string, number][] = [];
          forEachTermWithin(field, cps(query), [...query].length, maxEdits, (t, ed) => got.push([field.term(t), ed]));
          const want: [string, number][] = [];
          for (let t = 0; t < field.numTerms; t++) {
            const d = distance(field.term(t), query, maxEdits);
            if (d <= maxEdits) want.push([field.term(t), d]);
          }
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 400 },
    );
  });
});
