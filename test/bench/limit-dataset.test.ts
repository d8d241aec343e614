// The LIMIT generator (Weller et al., 2025) at the paper's small size: 46 documents, 1000
// queries, each query's two relevant documents the only ones liking its thing, all pairs of
// core documents distinct, every document liking the same number of things, and no term shared
// between two things; seeded and reproducible.
import { describe, expect, it } from 'vitest';
import { generateLimit, LIMIT_SMALL } from '../../bench/limit/limit-dataset.js';
import { createAnalyzer } from '../../src/text/analyzer.js';

describe('generateLimit (small)', () => {
  const data = generateLimit(LIMIT_SMALL);

  it('has the paper’s sizes and one distinct pair of relevant documents per query', () => {
    expect(data.documents).toHaveLength(46);
    expect(data.queries).toHaveLength(1000);
    const pairs = new Set([...data.relevant.values()].map(([a, b]) => [a, b].sort().join('+')));
    expect(pairs.size).toBe(1000);
    expect(new Set(data.documents.map((d) => d.id)).size).toBe(46);
    expect(new Set(data.documents.map((d) => d.title)).size).toBe(46);
  });

  it('a query’s thing is liked by its two relevant documents and nobody else; all like the same number', () => {
    const analyzer = createAnalyzer('english');
    const termsOf = new Map(data.documents.map((d) => [d.id, new Set(analyzer.analyze(d.text))]));
    for (const q of data.queries) {
      const thing = /^Who likes (.*)\?$/.exec(q.text)![1]!;
      const holders = data.documents
        .filter(
          (d) =>
            d.text.includes(` ${thing},`) ||
            d.text.includes(` ${thing} and`) ||
            d.text.endsWith(` ${thing}.`) ||
            d.text.includes(`likes ${thing} `),
        )
        .map((d) => d.id);
      expect(holders.sort()).toEqual([...data.relevant.get(q.id)!].sort());
      // lexically: every document holding all the thing's terms is relevant
      const terms = analyzer.analyze(thing);
      const lexical = data.documents.filter((d) => terms.every((t) => termsOf.get(d.id)!.has(t))).map((d) => d.id);
      expect(lexical.sort()).toEqual([...data.relevant.get(q.id)!].sort());
    }
    for (const d of data.documents) expect(d.text.split(/, | and /).length).toBe(data.thingsPerDocument);
  });

  it('is reproducible for a seed and differs for another', () => {
    expect(generateLimit(LIMIT_SMALL)).toEqual(data);
    expect(generateLimit({ ...LIMIT_SMALL, seed: 2 }).queries[0]).not.toEqual(data.queries[0]);
  });

  it('refuses impossible settings', () => {
    expect(() => generateLimit({ ...LIMIT_SMALL, queries: 2000 })).toThrow('more than the 1035 pairs');
    expect(() => generateLimit({ ...LIMIT_SMALL, documents: 10 })).toThrow('core documents');
  });
});
