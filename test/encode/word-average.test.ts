import { describe, expect, it } from 'vitest';
import { WordAverageEncoder } from '../../src/encode/word-average.js';

const table = { cell: [1, 0, 0], cells: [0, 1, 0], protein: [0, 0, 2] };

describe('WordAverageEncoder', () => {
  it('averages known words (case-folded) and L2-normalizes', () => {
    const e = new WordAverageEncoder(table);
    const { vector, words } = e.encode('Cell, protein; unknownword PROTEIN');
    expect(words).toBe(3);
    // mean of (1,0,0), (0,0,2), (0,0,2) = (1/3, 0, 4/3), normalized
    const n = Math.hypot(1 / 3, 4 / 3);
    expect(Array.from(vector)).toEqual([1 / 3 / n, 0, 4 / 3 / n].map((x) => Math.fround(x)));
  });

  it('returns the mean without normalization, and zeros when no word is known', () => {
    const e = new WordAverageEncoder(new Map(Object.entries(table)), { normalize: false });
    expect(Array.from(e.encode('cell cells').vector)).toEqual([0.5, 0.5, 0]);
    const none = e.encode('nothing here');
    expect(none.words).toBe(0);
    expect(Array.from(none.vector)).toEqual([0, 0, 0]);
  });

  it('reuses the output buffer and rejects ragged tables', () => {
    const e = new WordAverageEncoder(table);
    const out = new Float32Array(3);
    expect(e.encode('cell', out).vector).toBe(out);
    expect(() => new WordAverageEncoder({ a: [1, 2], b: [1] })).toThrow('vectors: vector of "b" has 1 dimensions, expected 2');
    expect(() => new WordAverageEncoder({})).toThrow('empty');
  });
});
