// Lucene's classic query syntax: what the parser reads (occurs, fields,
// phrases, slop, prefixes, boosts, escapes, AND/OR/NOT as Lucene combines
// them), what it refuses (naming the column and how to write it instead), and
// how the compiler shapes the query (Lucene's rewrite: single clauses stand
// alone, repeats add their boosts, pure disjunctions are inlined).
import { describe, expect, it } from 'vitest';
import { parseQuerySyntax } from '../../src/search/query-syntax.js';
import { compileTextQuery, describeTextQuery, fuzzyEdits } from '../../src/search/text-query-compiler.js';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { errorOf } from '../helpers/errors.js';

const english = createAnalyzer('english');
const oneField = { analyzers: new Map([['contents', english], ['title', english]]), defaultFields: new Map([['contents', 1]]) };
const compiled = (q: string, target = oneField): string => {
  const c = compileTextQuery(parseQuerySyntax(q), target);
  return c === null ? '(nothing)' : describeTextQuery(c);
};

describe('query syntax parser', () => {
  it('reads occurs, fields, phrases with slop, prefixes, boosts and escapes', () => {
    expect(parseQuerySyntax('+a -b !c NOT d e')).toMatchObject([
      { occur: 'must', query: { kind: 'word', text: 'a' } },
      { occur: 'mustNot', query: { text: 'b' } },
      { occur: 'mustNot', query: { text: 'c' } },
      { occur: 'mustNot', query: { text: 'd' } },
      { occur: 'should', query: { text: 'e' } },
    ]);
    expect(parseQuerySyntax('title:"black cat"~2^1.5 comput* wi-fi a\\:b \\"x\\"')).toEqual([
      { occur: 'should', query: { kind: 'phrase', field: 'title', text: 'black cat', slop: 2, boost: 1.5 } },
      { occur: 'should', query: { kind: 'word', text: 'comput', prefix: true, boost: 1 } },
      { occur: 'should', query: { kind: 'word', text: 'wi-fi', prefix: false, boost: 1 } },
      { occur: 'should', query: { kind: 'word', text: 'a:b', prefix: false, boost: 1 } },
      { occur: 'should', query: { kind: 'word', text: '"x"', prefix: false, boost: 1 } },
    ]);
    expect(parseQuerySyntax('roam~ roam~1 roam~0.8^2').map((c) => c.query)).toMatchObject([{ fuzzy: 2 }, { fuzzy: 1 }, { fuzzy: 0.8, boost: 2 }]);
    expect(parseQuerySyntax('*:* -b')[0]!.query).toEqual({ kind: 'all', boost: 1 });
    expect(parseQuerySyntax('title:(a OR b)^2')[0]!.query).toMatchObject({ kind: 'group', field: 'title', boost: 2, clauses: [{ occur: 'should' }, { occur: 'should' }] });
  });

  it('combines AND, OR and NOT as Lucene\'s QueryParser does with the OR default', () => {
    const occurs = (q: string) => parseQuerySyntax(q).map((c) => c.occur);
    expect(occurs('a AND b')).toEqual(['must', 'must']);
    expect(occurs('a && b || c')).toEqual(['must', 'must', 'should']);
    expect(occurs('a OR b AND c')).toEqual(['should', 'must', 'must']);
    expect(occurs('a NOT b')).toEqual(['should', 'mustNot']);
    expect(occurs('-a AND b')).toEqual(['mustNot', 'must']);
    // lower-case words are words
    expect(occurs('cats and dogs')).toEqual(['should', 'should', 'should']);
  });

  it('refuses what it cannot read, naming the column and the fix', () => {
    const cases: [string, RegExp][] = [
      ['"black cat', /column 1: this quote is not closed \(add the closing quote/],
      ['(a b', /column 5: a "\(" is not closed/],
      ['a b)', /column 4: this "\)" closes nothing/],
      ['te?t', /column 3: "\?" wildcards are not supported/],
      ['te*t', /column 3: wildcards are supported only at the end/],
      ['*foo', /column 1: a "\*" must follow the start of a word/],
      ['roam~1.5', /column 5: fuzzy edits are whole numbers/],
      ['year:[2000 TO 2010]', /range queries are not supported.*filter\.where/],
      ['a^x', /column 2: "\^" takes a non-negative number/],
      ['"a b"~x', /column 6: "~" after a phrase takes a whole number/],
      ['a AND', /column 6: AND needs a clause after it/],
      ['a - b', /"-" must be followed by a clause, without a space/],
      ['title: cat', /"title:" must be followed by what to search in it/],
      ["a\\", /a "\\" at the end escapes nothing/],
      ['('.repeat(65) + 'a' + ')'.repeat(65), /column 65: groups nest more than 64 deep/],
      ['a '.repeat(1025), /more than 1024 clauses in one group/],
    ];
    for (const [q, message] of cases) expect(errorOf(() => parseQuerySyntax(q)).message, q).toMatch(message);
  });
});

describe('query compiler', () => {
  it('analyzes words and phrases with the field\'s analyzer, keeping stopword gaps', () => {
    expect(compiled('"The University of Washington"')).toBe('contents:"univers washington"');
    const c = compileTextQuery(parseQuerySyntax('"university of washington"'), oneField);
    expect(c).toMatchObject({ kind: 'phrase', offsets: [0, 2] });
    expect(compiled('"Running"')).toBe('contents:run');
    expect(compiled('Comput*')).toBe('contents:comput*');
    expect(compiled('title:cats +dogs')).toBe('+contents:dog title:cat');
    expect(compiled('the of')).toBe('(nothing)');
    expect(compiled('*:*^2 -cats')).toBe('*:*^2 -contents:cat');
  });

  it('shapes the query as Lucene\'s rewrite does', () => {
    // one clause stands alone; a word of several terms is inlined into the disjunction
    expect(compiled('(cat)')).toBe('contents:cat');
    expect(compiled('wi-fi cat')).toBe('contents:wi contents:fi contents:cat');
    // repeats add their boosts
    expect(compiled('cat dog cat^2')).toBe('contents:cat^3 contents:dog');
    // boosts multiply down to the leaves
    expect(compiled('(cat "black dog"^2)^3')).toBe('contents:cat^3 contents:"black dog"^6');
    // several default fields: each part in any of them, with the field boosts
    const two = { ...oneField, defaultFields: new Map([['title', 2], ['contents', 1]]) };
    expect(compiled('+cat dog', two)).toBe('+(title:cat^2 contents:cat) title:dog^2 contents:dog');
  });

  it('expands fuzzy words with the index\'s terms: lower-cased, edits from Lucene\'s fuzzy value, boosts and blended frequencies kept', () => {
    const asked: [string, string, number][] = [];
    const target = {
      ...oneField,
      fuzzyTerms: (field: string, text: string, maxEdits: number) => {
        asked.push([field, text, maxEdits]);
        return text === 'nothing' ? [] : [{ term: 'roam', boost: 1, docFreq: 9 }, { term: 'foam', boost: 0.75, docFreq: 9 }];
      },
    };
    // the three expand alike here, so they merge into one group boosted 3 (as Lucene dedupes before it inlines)
    expect(compiled('Roam~ roam~1 roamer~0.8 +nothing~', target)).toBe('+() (contents:roam^3 contents:foam^2.25)');
    expect(asked).toEqual([['contents', 'roam', 2], ['contents', 'roam', 1], ['contents', 'roamer', 1], ['contents', 'nothing', 2]]);
    expect(compileTextQuery(parseQuerySyntax('roam~'), target)).toMatchObject({ kind: 'bool', should: [{ term: 'roam', docFreq: 9 }, { term: 'foam', boost: 0.75, docFreq: 9 }] });
    expect(fuzzyEdits(0.5, 5)).toBe(2);
    expect(fuzzyEdits(0.8, 4)).toBe(0);
    expect(fuzzyEdits(7, 4)).toBe(2);
  });

  it('refuses unknown fields and queries of exclusions alone', () => {
    expect(errorOf(() => compiled('body:cat')).message).toMatch(/"body" is not a text field of this collection \(text fields: contents, title\)/);
    expect(errorOf(() => compiled('-cat -dog')).message).toMatch(/excluded clauses alone matches nothing.*\*:\* -dogs/);
    // a required stopword leaves nothing to look for: no results, not an error
    expect(compiled('+the -dog')).toBe('(nothing)');
  });
});
