// Pruned top-k (MaxScore + block-max) must return exactly what exhaustive
// scoring returns: same documents, same scores, same tie order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readQueries } from '../../src/io/beir.js';
import { buildCollection, indexCorpus } from '../helpers/build-collection.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { Snapshot } from '../../src/collection/index.js';

const root = tempDir();

function expectSame(snap: Snapshot, text: string, k: number): void {
  const a = snap.search(text, { k, mode: 'pruned', includeStored: false });
  const b = snap.search(text, { k, mode: 'exhaustive', includeStored: false });
  const c = snap.search(text, { k, mode: 'auto', includeStored: false });
  expect(
    a.map((h) => [h.doc, h.score]),
    `query "${text}" k=${k}`,
  ).toEqual(b.map((h) => [h.doc, h.score]));
  expect(
    c.map((h) => [h.doc, h.score]),
    `auto: query "${text}" k=${k}`,
  ).toEqual(b.map((h) => [h.doc, h.score]));
}

describe('pruned search equals exhaustive scoring on every shared collection', () => {
  for (const [name, corpus] of [
    ['scifact', 'scifact/corpus.jsonl'],
    ['cacm', 'cacm/corpus-anserini-html.jsonl'],
    ['vaswani', 'vaswani/corpus.jsonl'],
    ['cranfield', 'cranfield/corpus.jsonl'],
  ] as const) {
    it(`${name}: every query at k = 10 and k = 100 (two segments)`, () => {
      // A small flush threshold forces several segments, exercising the cross-segment merge of top-k.
      const snap = indexCorpus(root, dataset(corpus), { flushDocs: 2000 }).reader({ verifyChecksums: false });
      expect(snap.segments.length).toBeGreaterThan(0);
      const queries = readQueries(dataset(name, 'queries.jsonl'));
      for (const text of queries.values()) {
        expectSame(snap, text, 10);
        expectSame(snap, text, 100);
      }
    }, 120_000);
  }
});

describe('pruned search with heavy ties', () => {
  it('matches exhaustive scoring on random small collections', () => {
    const vocab = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...vocab), { minLength: 0, maxLength: 6 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.constantFrom(...vocab), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 5, max: 400 }),
        (docs, query, k, flushDocs) => {
          const snap = buildCollection(
            root,
            docs.map((words, i) => ({ _id: `d${i}`, text: words.join(' ') })),
            undefined,
            { flushDocs },
          ).reader({ verifyChecksums: false });
          expectSame(snap, query.join(' '), k);
        },
      ),
      { numRuns: 40 },
    );
  });
});
