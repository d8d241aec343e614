// The term dictionary of an inverted field: binary search over the sorted terms
// (a newly opened segment's first lookups) and the hash map built once lookups are
// many answer every term, present or not, the same way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvertedField, type InvertedFieldData } from '../../src/index/inverted/inverted-field.js';

/** A field holding only a term list, sorted the way segments write it. */
function fieldOf(terms: readonly string[]): InvertedField {
  const sorted = [...new Set(terms)].sort();
  const encoded = sorted.map((t) => Buffer.from(t, 'utf8'));
  const termOffsets = new Uint32Array(sorted.length + 1);
  encoded.forEach((b, i) => (termOffsets[i + 1] = termOffsets[i]! + b.length));
  const termBytes = new Uint8Array(Buffer.concat(encoded));
  return new InvertedField({ termBytes, termOffsets } as unknown as InvertedFieldData);
}

// Words mixing ASCII, accents, CJK, characters above U+E000 and astral characters,
// whose UTF-16 order differs from their UTF-8 byte order.
const word = fc
  .array(fc.constantFrom('a', 'b', 'z', 'é', 'ß', '中', '\uE000', '\uFFFD', '😀', '𝔸', '0'), { minLength: 1, maxLength: 5 })
  .map((cs) => cs.join(''));

describe('term dictionary', () => {
  it('finds every term and rejects absent ones, before and after the map is built', () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 200 }), fc.array(word, { maxLength: 50 }), (terms, probes) => {
        const field = fieldOf(terms);
        const sorted = [...new Set(terms)].sort();
        // enough rounds that the field switches from binary search to its map
        for (let round = 0; round < 3; round++) {
          sorted.forEach((t, id) => expect(field.termId(t)).toBe(id));
          for (const p of probes) expect(field.termId(p)).toBe(sorted.indexOf(p));
        }
        sorted.forEach((t, id) => expect(field.term(id)).toBe(t));
      }),
      { numRuns: 100 },
    );
  });

  it('answers on an empty vocabulary', () => {
    expect(fieldOf([]).termId('a')).toBe(-1);
  });
});
