import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bm25AvgLength, bm25Idf, bm25NormInverseTable, bm25TermScore, lengthToNorm, normToLength } from '../../src/index/inverted/index.js';

describe("Lucene's one-byte length encoding", () => {
  it('is exact below 24 and matches SmallFloat on known values', () => {
    for (let i = 0; i < 24; i++) expect(normToLength(lengthToNorm(i))).toBe(i);
    // SmallFloat.intToByte4 / byte4ToInt reference points
    expect(lengthToNorm(24)).toBe(24);
    expect(normToLength(lengthToNorm(100))).toBe(96);
    expect(normToLength(lengthToNorm(1000))).toBe(984);
    expect(lengthToNorm(2147483647)).toBe(255);
  });
  it('never decodes above the length and is monotone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (a, b) => {
        expect(normToLength(lengthToNorm(a))).toBeLessThanOrEqual(a);
        if (a <= b) expect(lengthToNorm(a)).toBeLessThanOrEqual(lengthToNorm(b));
      }),
    );
  });
});

describe('BM25 as Lucene computes it', () => {
  it('matches a hand computation in float arithmetic', () => {
    const f = Math.fround;
    const idf = bm25Idf(10, 1000);
    expect(idf).toBe(f(Math.log(1 + (1000 - 10 + 0.5) / (10 + 0.5))));
    const avgdl = bm25AvgLength(120000, 1000);
    expect(avgdl).toBe(120);
    const table = bm25NormInverseTable({ k1: 0.9, b: 0.4 }, avgdl);
    const len = normToLength(lengthToNorm(100));
    const ni = f(1 / f(f(0.9) * f(f(1 - f(0.4)) + f(f(f(0.4) * len) / avgdl))));
    expect(table[lengthToNorm(100)]).toBe(ni);
    const s = bm25TermScore(idf, 3, ni);
    expect(s).toBeCloseTo((idf * 3) / (3 + 0.9 * (0.6 + (0.4 * 96) / 120)), 5);
  });
  it('term scores grow with frequency and shrink with length (needed for block-max bounds)', () => {
    const table = bm25NormInverseTable({ k1: 1.2, b: 0.75 }, 50);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 254 }), (freq, norm) => {
        expect(bm25TermScore(2.5, freq + 1, table[norm]!)).toBeGreaterThanOrEqual(bm25TermScore(2.5, freq, table[norm]!));
        expect(bm25TermScore(2.5, freq, table[norm + 1]!)).toBeLessThanOrEqual(bm25TermScore(2.5, freq, table[norm]!));
      }),
    );
  });
});
