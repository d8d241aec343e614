import { describe, expect, it } from 'vitest';
import { WordVectorEncoder } from '../../src/encode/word-vectors.js';

const table = { cell: [1, 0, 0], cells: [0, 1, 0], protein: [0, 0, 2] };

describe('WordVectorEncoder', () => {
  it('averages known words (case-folded) and L2-normalizes', () => {
    const e = new WordVectorEncoder(table);
    const { vector, words } = e.encode('Cell, protein; unknownword PROTEIN');
    expect(words).toBe(3);
    // mean of (1,0,0), (0,0,2), (0,0,2) = (1/3, 0, 4/3), normalized
    const n = Math.hypot(1 / 3, 4 / 3);
    expect(Array.from(vector)).toEqual([1 / 3 / n, 0, 4 / 3 / n].map((x) => Math.fround(x)));
  });

  it('returns the mean without normalization, and zeros when no word is known', () => {
    const e = new WordVectorEncoder(new Map(Object.entries(table)), { normalize: false });
    expect(Array.from(e.encode('cell cells').vector)).toEqual([0.5, 0.5, 0]);
    const none = e.encode('nothing here');
    expect(none.words).toBe(0);
    expect(Array.from(none.vector)).toEqual([0, 0, 0]);
  });

  it('gives one row per known word, in order, up to a limit', () => {
    const e = new WordVectorEncoder(table);
    const t = e.encodeTokens('Protein and cells; cell!');
    expect(t.rows).toBe(3);
    expect(Array.from(t.data)).toEqual([0, 0, 2, 0, 1, 0, 1, 0, 0]);
    expect(e.encodeTokens('cell cell cell', 2).rows).toBe(2);
  });

  it('reuses the output buffer and rejects ragged tables', () => {
    const e = new WordVectorEncoder(table);
    const out = new Float32Array(3);
    expect(e.encode('cell', out).vector).toBe(out);
    expect(() => new WordVectorEncoder({ a: [1, 2], b: [1] })).toThrow('vectors: vector of "b" has 1 dimensions, expected 2');
    expect(() => new WordVectorEncoder({})).toThrow('empty');
  });
});
