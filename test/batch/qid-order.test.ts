// Anserini's topic order, which `quarry run --sort-qids` reproduces.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sortQids } from '../../src/batch/qid-order.js';

const ids = (qids: string[]) => sortQids(qids, (q) => q);

describe('sortQids', () => {
  it('orders integer ids as integers and any other set as strings', () => {
    expect(ids(['1048585', '19335', '2', '-3'])).toEqual(['-3', '2', '19335', '1048585']);
    expect(ids(['10', '9', 'a1'])).toEqual(['10', '9', 'a1']);
    // beyond 2^53 Number would make these two equal
    expect(ids(['9007199254740993', '9007199254740992'])).toEqual(['9007199254740992', '9007199254740993']);
  });

  it('is a stable permutation into non-decreasing order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -1e6, max: 1e6 }).map(String), fc.string({ maxLength: 4 }))), (qids) => {
        const sorted = ids(qids);
        expect([...sorted].sort()).toEqual([...qids].sort());
        const numeric = qids.every((q) => /^-?\d+$/.test(q));
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!];
          expect(numeric ? BigInt(a) <= BigInt(b) : a <= b).toBe(true);
        }
      }),
    );
  });
});
