// parseRunLine finds the columns in place; it must agree with splitting the line on blanks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunLine } from '../../src/eval/run.js';
import { splitWhitespace } from '../../src/io/line-reader.js';
import { errorOf } from '../helpers/errors.js';

describe('parseRunLine', () => {
  it('reads the columns splitting on blanks gives, with qids repeated or not', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9._-]{1,8}$/);
    const blank = fc.constantFrom(' ', '\t', '  ', ' \t', '\r');
    const line = fc.tuple(
      fc.constantFrom('7', '7', '12', 'q-3'),
      token,
      token,
      fc.integer({ min: 1, max: 999 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      token,
      fc.array(token, { maxLength: 2 }),
      blank,
      blank,
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
        for (const [qid, q0, docno, rank, score, tag, extra, b1, b2] of lines) {
          const text = `${b1}${[qid, q0, docno, rank, score, tag, ...extra].join(b2)}${b1}`;
          const cols = splitWhitespace(text);
          expect(parseRunLine(text, 'run', 1)).toEqual({ qid: cols[0], docno: cols[2], score: Number(cols[4]), tag: cols[5] });
        }
      }),
    );
  });

  it('skips blank lines and names short lines and bad scores', () => {
    expect(parseRunLine(' \t ', 'run', 3)).toBeNull();
    expect(errorOf(() => parseRunLine('1 Q0 d 1 2.5', 'r.run', 4)).message).toBe(
      'r.run:4: expected 6 columns (qid Q0 docno rank score tag), found 5',
    );
    expect(errorOf(() => parseRunLine('1 Q0 d 1 x t', 'r.run', 5)).message).toBe('r.run:5: score "x" is not a finite number');
  });
});
