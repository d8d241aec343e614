// The automata behind wildcard and regular-expression queries, against
// references: random Lucene regular expressions against JavaScript's RegExp on
// the syntax both share; complement and intersection by their definitions;
// numeric intervals and wildcards against direct checks; and the dictionary
// walks (with their jumps over dead and universal prefixes, and a term range
// in code point order) against filtering every term, non-ASCII and astral
// terms included. All fast-check properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvertedField, InvertedFieldBuilder, regexpAutomaton, wildcardAutomaton } from '../../src/index/inverted/index.js';
import { acceptedTerms, compareCodePoints, termsInRange } from '../../src/index/inverted/term-enumeration.js';
import { parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A random regular expression written both in Lucene's syntax and in JavaScript's. */
type Pattern = { lucene: string; js: string };
const leaf: fc.Arbitrary<Pattern> = fc.oneof(
  fc.constantFrom('a', 'b', 'c').map((c) => ({ lucene: c, js: c })),
  fc.constant({ lucene: '.', js: '[\\s\\S]' }),
  fc.constantFrom('[ab]', '[^a]', '[a-c]', '[^bc]').map((c) => ({ lucene: c, js: c })),
  fc.constantFrom('ab', 'ca').map((s) => ({ lucene: `"${s}"`, js: s })),
  fc.constant({ lucene: '()', js: '(?:)' }),
);
const { pattern } = fc.letrec<{ pattern: Pattern }>((tie) => ({
  pattern: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => ({ lucene: `(${x.lucene})(${y.lucene})`, js: `(?:${x.js})(?:${y.js})` })),
    fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => ({ lucene: `(${x.lucene}|${y.lucene})`, js: `(?:${x.js}|${y.js})` })),
    fc
      .tuple(tie('pattern'), fc.constantFrom('*', '+', '?', '{2}', '{1,2}', '{0,}'))
      .map(([x, op]) => ({ lucene: `(${x.lucene})${op}`, js: `(?:${x.js})${op}` })),
  ),
}));
const text = fc.stringMatching(/^[a-d]{0,6}$/);

describe('term automata', () => {
  it("match what JavaScript's RegExp matches, on the syntax both read", () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 20 }), (p, strings) => {
        const a = regexpAutomaton(p.lucene);
        const re = new RegExp(`^(?:${p.js})$`, 'u');
        for (const s of strings) expect(a.matches(s), `${p.lucene} on "${s}"`).toBe(re.test(s));
      }),
      { numRuns: 300 },
    );
  });

  it('complement and intersect as their definitions say', () => {
    fc.assert(
      fc.property(pattern, pattern, fc.array(text, { minLength: 1, maxLength: 20 }), (x, y, strings) => {
        const ax = regexpAutomaton(x.lucene);
        const ay = regexpAutomaton(y.lucene);
        const not = regexpAutomaton(`~(${x.lucene})`);
        const both = regexpAutomaton(`(${x.lucene})&(${y.lucene})`);
        for (const s of strings) {
          expect(not.matches(s)).toBe(!ax.matches(s));
          expect(both.matches(s)).toBe(ax.matches(s) && ay.matches(s));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('read numeric intervals as Lucene does: a fixed digit count when both bounds have it, leading zeros otherwise', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(300), fc.stringMatching(/^[0-9]{1,4}$/), (m, n, s) => {
        const [lo, hi] = [Math.min(m, n), Math.max(m, n)];
        const [wm, wn] = [String(m).padStart(3, '0'), String(n)];
        const a = regexpAutomaton(`<${wm}-${wn}>`);
        const fixed = wm.length === wn.length ? wm.length : 0;
        const want = (fixed === 0 || s.length === fixed) && Number(s) >= lo && Number(s) <= hi;
        expect(a.matches(s), `<${wm}-${wn}> on ${s}`).toBe(want);
      }),
      { numRuns: 500 },
    );
    expect(regexpAutomaton('x<1-12>').matches('x007')).toBe(true);
    expect(regexpAutomaton('<01-12>').matches('7')).toBe(false);
  });

  it("read the rest of Lucene's syntax: @ any string, # nothing, escapes, astral code points", () => {
    expect(regexpAutomaton('a@').matches('abc')).toBe(true);
    expect(regexpAutomaton('a#|b').matches('a')).toBe(false);
    expect(regexpAutomaton('a\\.b').matches('a.b')).toBe(true);
    expect(regexpAutomaton('a\\.b').matches('axb')).toBe(false);
    expect(regexpAutomaton('.').matches('😀')).toBe(true);
    expect(regexpAutomaton('[😀-😂]x').matches('😁x')).toBe(true);
    // a leading "*" is a literal character, as in Lucene's RegExp
    expect(regexpAutomaton('*a').matches('*a')).toBe(true);
  });

  it('match wildcard patterns: * any string, ? one code point, \\ a literal next character', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[ab*?]{0,6}$/),
        fc.array(fc.stringMatching(/^[ab*?]{0,6}$/), { minLength: 1, maxLength: 20 }),
        (p, strings) => {
          const re = new RegExp(`^${p.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'su');
          const a = wildcardAutomaton(p);
          for (const s of strings) expect(a.matches(s), `${p} on "${s}"`).toBe(re.test(s));
        },
      ),
      { numRuns: 300 },
    );
    expect(wildcardAutomaton('a\\*b').matches('a*b')).toBe(true);
    expect(wildcardAutomaton('a\\*b').matches('axb')).toBe(false);
    expect(wildcardAutomaton('?').matches('😀')).toBe(true);
  });

  it('refuse patterns too complex for the state limit with a clear error, in a search', () => {
    // (a|b)*a.{20} needs 2^21 states to decide; they are built as the dictionary is read
    let x = 12345;
    const word = () =>
      Array.from({ length: 24 }, () => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x & 0x10000 ? 'a' : 'b';
      }).join('');
    const docs = Array.from({ length: 1500 }, (_, i) => ({ _id: `d${i}`, body: word() }));
    const snap = buildCollection(
      tempDir(),
      docs,
      parseSchema({ id: '_id', fields: { body: { type: 'text', from: ['body'], analyzer: 'whitespace' } } }),
    ).reader();
    const e = errorOf(() => snap.search('/(a|b)*a.{20}/', { syntax: 'lucene' }));
    expect(e.message).toMatch(/regexp pattern "\(a\|b\)\*a\.\{20\}" is too complex: the pattern needs more than 10000 automaton states/);
    expect(e.hint).toMatch(/simpler pattern/);
    // and a pattern of the same terms that is not too complex still searches
    expect(snap.search('/(a|b)*a.{2}/', { syntax: 'lucene', k: 3 }).length).toBe(3);
  });
});

/** A field whose dictionary is exactly `terms` (one document each). */
function dictionary(terms: string[]): InvertedField {
  const b = new InvertedFieldBuilder({ positions: false });
  for (const t of terms) b.addDocument([t], [0]);
  return new InvertedField(b.finish());
}

const termChar = fc.constantFrom('a', 'b', 'c', 'é', 'ж', '中', '\uE000', '😀', '😁');
const term = fc.array(termChar, { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));

describe('dictionary walks', () => {
  it('find exactly the terms a pattern matches, jumping over dead and universal prefixes', () => {
    const patterns = fc.oneof(
      pattern.map((p) => regexpAutomaton(p.lucene)),
      // eslint-disable-next-line no-misleading-character-class -- code units on purpose: patterns may hold half of a surrogate pair
      fc.stringMatching(/^[abé中😀*?]{0,5}$/).map((p) => wildcardAutomaton(p)),
      fc.constantFrom('[^a].*', '~(a.*)', '.{2}', '😀@', '(a|中)+', '#', '@').map((p) => regexpAutomaton(p)),
    );
    fc.assert(
      fc.property(fc.uniqueArray(term, { minLength: 1, maxLength: 80 }), patterns, (terms, a) => {
        const fd = dictionary(terms);
        const got = Array.from(acceptedTerms(fd, a), (t) => fd.term(t));
        const all = Array.from({ length: fd.numTerms }, (_, t) => fd.term(t));
        expect(got).toEqual(all.filter((s) => a.matches(s)));
      }),
      { numRuns: 300 },
    );
  });

  it('find exactly the terms of a range in code point order, whatever the bounds hold', () => {
    const bound = fc.option(term, { nil: null });
    fc.assert(
      fc.property(
        fc.uniqueArray(term, { minLength: 1, maxLength: 80 }),
        bound,
        bound,
        fc.boolean(),
        fc.boolean(),
        (terms, lower, upper, includeLower, includeUpper) => {
          const fd = dictionary(terms);
          const got = Array.from(termsInRange(fd, { lower, upper, includeLower, includeUpper }), (t) => fd.term(t));
          const inRange = (s: string): boolean => {
            if (lower !== null) {
              const c = compareCodePoints(s, lower);
              if (c < 0 || (c === 0 && !includeLower)) return false;
            }
            if (upper !== null) {
              const c = compareCodePoints(s, upper);
              if (c > 0 || (c === 0 && !includeUpper)) return false;
            }
            return true;
          };
          const all = Array.from({ length: fd.numTerms }, (_, t) => fd.term(t));
          expect(got.sort(compareCodePoints)).toEqual(all.filter(inRange).sort(compareCodePoints));
        },
      ),
      { numRuns: 300 },
    );
    // code point order is UTF-8 byte order: an astral character sorts after U+E000
    expect(compareCodePoints('😀', '\uE000')).toBeGreaterThan(0);
    expect(Buffer.compare(Buffer.from('😀'), Buffer.from('\uE000'))).toBeGreaterThan(0);
  });
});
