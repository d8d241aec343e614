// The stem cache gives the stems Porter gives, across its refills, and an analyzer with it
// gives the same terms as one without.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { porterStem } from '../../src/text/porter-stemmer.js';
import { StemCache } from '../../src/text/stem-cache.js';

describe('StemCache', () => {
  it('returns Porter stems, computing each word once until it is full, then starting over', () => {
    let computed = 0;
    const cache = new StemCache(3, (w) => {
      computed++;
      return porterStem(w);
    });
    const words = ['running', 'runs', 'running', 'generalizations', 'runs', 'ponies'];
    expect(words.map((w) => cache.get(w))).toEqual(words.map(porterStem));
    // running, runs, generalizations computed; ponies found the cache full and emptied it
    expect(computed).toBe(4);
    expect(cache.get('running')).toBe('run');
    expect(computed).toBe(5);
  });

  it('leaves the terms of any text unchanged', () => {
    const cached = createAnalyzer('english', { stemCache: 8 });
    const plain = createAnalyzer('english', { stemCache: 0 });
    const word = fc.constantFrom('running', 'Runs', "dog's", 'the', 'generalization', 'ponies', 'caresses', 'relational', 'x', 'ÉCOLE');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 60 }), (words) => {
        const text = words.join(' ');
        expect(cached.analyze(text)).toEqual(plain.analyze(text));
      }),
    );
  });
});
