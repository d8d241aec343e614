// The vocabulary hash table numbers strings exactly as a Map in first-seen order would,
// through its growth, for any strings (empty, non-ASCII, lone surrogates, hash collisions).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TermIds } from '../../src/kernels/term-ids.js';

describe('TermIds', () => {
  it('gives the ids a Map in first-seen order gives, and finds every string again (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('a', 'b', '')), {
          maxLength: 3000,
        }),
        (words) => {
          const ids = new TermIds(4);
          const reference = new Map<string, number>();
          for (const w of words) {
            if (!reference.has(w)) reference.set(w, reference.size);
            expect(ids.idOf(w)).toBe(reference.get(w));
          }
          expect(ids.size).toBe(reference.size);
          expect(ids.terms).toEqual([...reference.keys()]);
          for (const [w, id] of reference) expect(ids.get(w)).toBe(id);
          expect(ids.get('\u0000never added\u0000')).toBe(-1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('calls keep for new strings only, and forgets everything on clear()', () => {
    const ids = new TermIds();
    const kept: string[] = [];
    const keep = (t: string): string => (kept.push(t), `${t}`);
    expect(ids.idOf('abc', keep)).toBe(0);
    expect(ids.idOf('abc', keep)).toBe(0);
    expect(kept).toEqual(['abc']);
    for (let i = 0; i < 5000; i++) ids.idOf(`w${i}`);
    expect(ids.size).toBe(5001);
    ids.clear();
    expect(ids.size).toBe(0);
    expect(ids.get('w1')).toBe(-1);
    expect(ids.idOf('w1')).toBe(0);
  });
});
