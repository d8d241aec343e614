import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { highlight, queryTermSet } from '../../src/search/highlight.js';

const english = createAnalyzer('english');
const marked = (frags: { text: string; match: boolean }[]): string[] => frags.filter((f) => f.match).map((f) => f.text);

describe('highlight', () => {
  it('marks words whose analyzed terms the query has (stemming, case, possessives)', () => {
    const terms = queryTermSet('retrieve Rankings', english);
    const frags = highlight("Retrieval systems rank documents; the system's ranking retrieves.", english, terms);
    expect(marked(frags)).toEqual(['Retrieval', 'rank', 'ranking', 'retrieves']);
    expect(frags.map((f) => f.text).join('')).toBe("Retrieval systems rank documents; the system's ranking retrieves.");
  });

  it('never marks stopwords and handles non-Latin scripts and astral characters', () => {
    const unicode = createAnalyzer('unicode');
    expect(marked(highlight('the and of', english, queryTermSet('the', english)))).toEqual([]);
    expect(marked(highlight('Καλημέρα κόσμε 𝔘nicode', unicode, queryTermSet('ΚΌΣΜΕ 𝔘nicode', unicode)))).toEqual(['κόσμε', '𝔘nicode']);
  });

  it('keeps the window with the most matches when the text is long', () => {
    const text = `${'filler '.repeat(100)}sparse retrieval with sparse vectors ${'padding '.repeat(100)}`;
    const frags = highlight(text, english, queryTermSet('sparse vectors', english), { maxWords: 10 });
    expect(frags[0]!.text).toBe('… ');
    expect(frags.at(-1)!.text).toBe(' …');
    expect(marked(frags)).toEqual(['sparse', 'sparse', 'vectors']);
    const words = frags
      .slice(1, -1)
      .map((f) => f.text)
      .join('')
      .trim()
      .split(/\s+/);
    expect(words.length).toBe(10);
  });

  it('reassembles any text exactly without a window (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ maxLength: 20 }), (text, query) => {
        const frags = highlight(text, english, queryTermSet(query, english));
        expect(frags.map((f) => f.text).join('')).toBe(text);
        for (const f of frags.filter((x) => x.match))
          expect(english.analyze(f.text).some((t) => queryTermSet(query, english).has(t))).toBe(true);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
