// Structured queries over several segments with deletions: the pruned top k
// (MaxScore over clause bounds, with or without required clauses; MaxScore
// over terms) equals the exhaustive top k and the head of the full ranking, for random queries of every kind (a fast-check property), and
// a required clause, an excluded one, a phrase and the multi-term parts
// (wildcards, regular expressions, ranges) keep their meaning.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { QuarryError } from '../../src/core/quarry-error.js';

const WORDS = ['solar', 'wind', 'grid', 'storage', 'battery', 'hydro', 'panel', 'turbine', 'policy', 'energy', 'cost', 'market'];

function documents(n: number, seed: number): { _id: string; title: string; text: string }[] {
  // mulberry32: the low bits of a plain LCG repeat too soon for word choices
  let x = seed;
  const next = () => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % 1000;
  };
  return Array.from({ length: n }, (_, i) => {
    const len = 3 + (next() % 25);
    const words = Array.from({ length: len }, () => WORDS[next() % (next() < 500 ? 4 : WORDS.length)]!);
    return { _id: `d${i}`, title: '', text: words.join(' ') };
  });
}

const root = tempDir();
const docs = documents(400, 7);
const c = buildCollection(root, docs, undefined, { flushDocs: 90, backgroundMerges: false });
const w = c.writer({ backgroundMerges: false });
for (let i = 0; i < 400; i += 7) w.delete(`d${i}`);
w.commit();
w.close();
const snap = c.reader();

const word = fc.constantFrom(...WORDS);
const clause = fc.oneof(
  word,
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
  fc.tuple(word, word, fc.integer({ min: 1, max: 4 })).map(([a, b, s]) => `"${a} ${b}"~${s}`),
  word.map((a) => `${a.slice(0, 3)}*`),
  word.map((a) => `${a.slice(0, -1)}~1`),
  fc.constantFrom('*:*', '*:*^0.5'),
  word.map((a) => `${a.slice(0, 2)}?${a.slice(3, 5)}*`),
  word.map((a) => `*${a.slice(-3)}^2`),
  fc.constantFrom('/[a-m].*/', '/(solar|wind)&.{4}/^0.5', '/~(s.*)/'),
  fc.tuple(word, word).map(([a, b]) => (a < b ? `[${a} TO ${b}}` : `{${b} TO *]`)),
  fc.tuple(word, word, fc.constantFrom('2', '0.5', '3')).map(([a, b, boost]) => `(${a} ${b})^${boost}`),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('', '', '', '+', '-'), clause), { minLength: 1, maxLength: 6 })
  .filter((cs) => cs.some(([op]) => op !== '-'))
  .map((cs) => cs.map(([op, q]) => op + q).join(' '));

describe('structured search', () => {
  it('the pruned top k is the exhaustive top k and the head of the full ranking, ids and scores', () => {
    fc.assert(
      fc.property(query, fc.integer({ min: 1, max: 12 }), (q, k) => {
        const full = snap.search(q, { syntax: 'lucene', k: 400, includeStored: false });
        const top = snap.search(q, { syntax: 'lucene', k, includeStored: false });
        const exact = snap.search(q, { syntax: 'lucene', k, includeStored: false, mode: 'exhaustive' });
        expect(top.map((h) => [h.id, h.score])).toEqual(exact.map((h) => [h.id, h.score]));
        expect(top.map((h) => [h.id, h.score])).toEqual(full.slice(0, k).map((h) => [h.id, h.score]));
      }),
      { numRuns: 400 },
    );
  });

  it('required, excluded and phrase clauses keep their meaning; deleted documents never come back', () => {
    const hits = snap.search('+"solar wind" -grid', { syntax: 'lucene', k: 400 });
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) {
      const text = h.stored!.text as string;
      expect(text).toMatch(/\bsolar wind\b/);
      expect(text).not.toMatch(/\bgrid\b/);
      expect(Number(h.id.slice(1)) % 7).not.toBe(0);
    }
    const expected = docs.filter((d, i) => i % 7 !== 0 && /\bsolar wind\b/.test(d.text) && !/\bgrid\b/.test(d.text)).map((d) => d._id);
    expect(hits.map((h) => h.id).sort()).toEqual(expected.sort());
  });

  it('any text either searches or is refused with a QuarryError naming where: never a crash', () => {
    const piece = fc.oneof(
      fc.constantFrom(...WORDS),
      fc.constantFrom(
        '"',
        '(',
        ')',
        '[',
        ']',
        '{',
        '}',
        '/',
        '\\',
        '*',
        '?',
        '~',
        '^',
        ':',
        '+',
        '-',
        '!',
        '&&',
        '||',
        ' AND ',
        ' OR ',
        ' NOT ',
        ' TO ',
        ' ',
        '<',
        '>',
        '@',
        '#',
        '|',
        '&',
        '.',
        '2',
        '0.5',
        'text:',
        '\\u00e9',
        '\\u00',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 12 }).map((ps) => ps.join('')),
        (q) => {
          try {
            snap.search(q, { syntax: 'lucene', k: 5, includeStored: false });
          } catch (e) {
            expect(e, q).toBeInstanceOf(QuarryError);
            expect((e as QuarryError).message, q).toMatch(/^text: /);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('wildcards, regular expressions and ranges match the documents holding a matching term, each scoring its boost', () => {
    const live = docs.filter((_, i) => i % 7 !== 0);
    // patterns match index terms: the analyzer's stems
    const english = createAnalyzer('english');
    const holding = (re: RegExp) =>
      live
        .filter((d) => english.analyze(d.text).some((w) => re.test(w)))
        .map((d) => d._id)
        .sort();
    const ids = (q: string) => snap.search(q, { syntax: 'lucene', k: 400, includeStored: false });
    for (const [q, re] of [
      ['tur?in', /^tur.in$/],
      ['*ar^3', /ar$/],
      ['/(sol|pol)[a-z]+/', /^(sol|pol)[a-z]+$/],
      ['[grid TO panel]', /^(grid|hydro|market|panel)$/],
      ['{grid TO panel}', /^(hydro|market)$/],
    ] as const) {
      const hits = ids(q);
      expect(hits.map((h) => h.id).sort(), q).toEqual(holding(re));
      expect(new Set(hits.map((h) => h.score)), q).toEqual(new Set([q.startsWith('*ar') ? 3 : 1]));
    }
  });
});
