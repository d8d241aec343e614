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
const oneField = {
  analyzers: new Map([
    ['contents', english],
    ['title', english],
  ]),
  defaultFields: new Map([['contents', 1]]),
};
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
    expect(parseQuerySyntax('roam~ roam~1 roam~0.8^2').map((c) => c.query)).toMatchObject([
      { fuzzy: 2 },
      { fuzzy: 1 },
      { fuzzy: 0.8, boost: 2 },
    ]);
    expect(parseQuerySyntax('*:* -b')[0]!.query).toEqual({ kind: 'all', boost: 1 });
    expect(parseQuerySyntax('title:(a OR b)^2')[0]!.query).toMatchObject({
      kind: 'group',
      field: 'title',
      boost: 2,
      clauses: [{ occur: 'should' }, { occur: 'should' }],
    });
  });

  it("reads wildcards, regular expressions and term ranges as Lucene's lexer cuts them", () => {
    const q = (text: string) => parseQuerySyntax(text).map((c) => c.query);
    // one trailing "*" is a prefix; any other "*" or "?" makes a wildcard pattern, escapes kept
    expect(q('te?t foo*bar* *ing foo** * a\\?b? a\\*b*')).toEqual([
      { kind: 'wildcard', pattern: 'te?t', boost: 1 },
      { kind: 'wildcard', pattern: 'foo*bar*', boost: 1 },
      { kind: 'wildcard', pattern: '*ing', boost: 1 },
      { kind: 'wildcard', pattern: 'foo**', boost: 1 },
      { kind: 'wildcard', pattern: '*', boost: 1 },
      { kind: 'wildcard', pattern: 'a\\?b?', boost: 1 },
      { kind: 'word', text: 'a*b', prefix: true, boost: 1 },
    ]);
    // a fuzzy "~" after a prefix or wildcard is read and ignored, as Lucene does
    expect(q('te?t~ comp*~1^2')).toEqual([
      { kind: 'wildcard', pattern: 'te?t', boost: 1 },
      { kind: 'word', text: 'comp', prefix: true, boost: 2 },
    ]);
    expect(q('title:/ab\\/c.*/^2 /[a-z]+/')).toEqual([
      { kind: 'regexp', field: 'title', pattern: 'ab\\/c.*', boost: 2 },
      { kind: 'regexp', pattern: '[a-z]+', boost: 1 },
    ]);
    expect(q('[a TO c] {a TO *] title:["b c" TO d}^3 [* TO \\*z] [TO TO TO]')).toEqual([
      { kind: 'range', lower: 'a', upper: 'c', includeLower: true, includeUpper: true, boost: 1 },
      { kind: 'range', lower: 'a', upper: null, includeLower: false, includeUpper: true, boost: 1 },
      { kind: 'range', field: 'title', lower: 'b c', upper: 'd', includeLower: true, includeUpper: false, boost: 3 },
      { kind: 'range', lower: null, upper: '*z', includeLower: true, includeUpper: true, boost: 1 },
      { kind: 'range', lower: 'TO', upper: 'TO', includeLower: true, includeUpper: true, boost: 1 },
    ]);
    // "\\uXXXX" escapes, as Lucene's discardEscapeChar
    expect(q('\\u0041bc "\\u0063at"')).toMatchObject([
      { kind: 'word', text: 'Abc' },
      { kind: 'phrase', text: 'cat' },
    ]);
  });

  it("combines AND, OR and NOT as Lucene's QueryParser does with the OR default", () => {
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
      ['roam~1.5', /column 5: fuzzy edits are whole numbers/],
      ['[a TO', /column 1: this range is not closed/],
      ['[a b]', /column 4: a range is written \[lower TO upper\]/],
      ['[a to b]', /column 4: a range is written \[lower TO upper\] \("TO" in capitals/],
      ['[a TO b', /column 1: this range is not closed/],
      ['[a TO b c]', /column 9: a range ends with "\]"/],
      ['a]', /column 2: this "\]" closes no range/],
      ['and/or', /column 4: this "\/" starts a regular expression that is not closed.*"\\\/"/],
      ['/ab(c/', /column 4: regular expression: this "\(" is not closed/],
      ['x /[b-a]/', /column 5: regular expression: the range b-a runs backwards/],
      ['/a{x}/', /column 4: regular expression: expected a number of repetitions/],
      ['/a)/', /column 3: regular expression: unexpected "\)"/],
      ['/<a-b>/', /column 2: regular expression: "<…>" takes a numeric interval/],
      ['\\u00g1', /column 1: "\\u" starts a Unicode escape and needs 4 hex digits/],
      ['te?t:cat', /"te\?t" is not a field name/],
      ['a^x', /column 2: "\^" takes a non-negative number/],
      ['"a b"~x', /column 6: "~" after a phrase takes a whole number/],
      ['a AND', /column 6: AND needs a clause after it/],
      ['a - b', /"-" must be followed by a clause, without a space/],
      ['title: cat', /"title:" must be followed by what to search in it/],
      ['a\\', /a "\\" at the end escapes nothing/],
      ['('.repeat(65) + 'a' + ')'.repeat(65), /column 65: groups nest more than 64 deep/],
      ['a '.repeat(1025), /more than 1024 clauses in one group/],
    ];
    for (const [q, message] of cases) expect(errorOf(() => parseQuerySyntax(q)).message, q).toMatch(message);
  });
});

describe('query compiler', () => {
  it("analyzes words and phrases with the field's analyzer, keeping stopword gaps", () => {
    expect(compiled('"The University of Washington"')).toBe('contents:"univers washington"');
    const c = compileTextQuery(parseQuerySyntax('"university of washington"'), oneField);
    expect(c).toMatchObject({ kind: 'phrase', offsets: [0, 2] });
    expect(compiled('"Running"')).toBe('contents:run');
    expect(compiled('Comput*')).toBe('contents:comput*');
    expect(compiled('title:cats +dogs')).toBe('+contents:dog title:cat');
    expect(compiled('the of')).toBe('(nothing)');
    expect(compiled('*:*^2 -cats')).toBe('*:*^2 -contents:cat');
  });

  it("lower-cases multi-term parts as Lucene's normalize does, without stemming them", () => {
    // a wildcard's escaped characters and wildcards are kept as written
    expect(compiled('Te?T RunN*ing a\\Bc?')).toBe('contents:te?t contents:runn*ing contents:a\\Bc?');
    expect(compiled('/[A-Z]+Ing/^2')).toBe('contents:/[a-z]+ing/^2');
    expect(compiled('[Apple TO Cherry} {* TO \\*]')).toBe('contents:[apple TO cherry} contents:{* TO \\*]');
    const two = {
      ...oneField,
      defaultFields: new Map([
        ['title', 2],
        ['contents', 1],
      ]),
    };
    expect(compiled('+comp?ter dog', two)).toBe('+(title:comp?ter^2 contents:comp?ter) title:dog^2 contents:dog');
  });

  it("shapes the query as Lucene's rewrite does", () => {
    // one clause stands alone; a word of several terms is inlined into the disjunction
    expect(compiled('(cat)')).toBe('contents:cat');
    expect(compiled('wi-fi cat')).toBe('contents:wi contents:fi contents:cat');
    // repeats add their boosts
    expect(compiled('cat dog cat^2')).toBe('contents:cat^3 contents:dog');
    // boosts multiply down to the leaves
    expect(compiled('(cat "black dog"^2)^3')).toBe('contents:cat^3 contents:"black dog"^6');
    // several default fields: each part in any of them, with the field boosts
    const two = {
      ...oneField,
      defaultFields: new Map([
        ['title', 2],
        ['contents', 1],
      ]),
    };
    expect(compiled('+cat dog', two)).toBe('+(title:cat^2 contents:cat) title:dog^2 contents:dog');
  });

  it("expands fuzzy words with the index's terms: lower-cased, edits from Lucene's fuzzy value, boosts and blended frequencies kept", () => {
    const asked: [string, string, number][] = [];
    const target = {
      ...oneField,
      fuzzyTerms: (field: string, text: string, maxEdits: number) => {
        asked.push([field, text, maxEdits]);
        return text === 'nothing'
          ? []
          : [
              { term: 'roam', boost: 1, docFreq: 9 },
              { term: 'foam', boost: 0.75, docFreq: 9 },
            ];
      },
    };
    // the three expand alike here, so they merge into one group boosted 3 (as Lucene dedupes before it inlines)
    expect(compiled('Roam~ roam~1 roamer~0.8 +nothing~', target)).toBe('+() (contents:roam^3 contents:foam^2.25)');
    expect(asked).toEqual([
      ['contents', 'roam', 2],
      ['contents', 'roam', 1],
      ['contents', 'roamer', 1],
      ['contents', 'nothing', 2],
    ]);
    expect(compileTextQuery(parseQuerySyntax('roam~'), target)).toMatchObject({
      kind: 'bool',
      should: [
        { term: 'roam', docFreq: 9 },
        { term: 'foam', boost: 0.75, docFreq: 9 },
      ],
    });
    expect(fuzzyEdits(0.5, 5)).toBe(2);
    expect(fuzzyEdits(0.8, 4)).toBe(0);
    expect(fuzzyEdits(7, 4)).toBe(2);
  });

  it('refuses unknown fields and queries of exclusions alone', () => {
    expect(errorOf(() => compiled('body:cat')).message).toMatch(
      /"body" is not a text field of this collection \(text fields: contents, title\)/,
    );
    expect(errorOf(() => compiled('-cat -dog')).message).toMatch(/excluded clauses alone matches nothing.*\*:\* -dogs/);
    // a required stopword leaves nothing to look for: no results, not an error
    expect(compiled('+the -dog')).toBe('(nothing)');
  });
});
