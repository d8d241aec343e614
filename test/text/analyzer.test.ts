import { describe, expect, it } from 'vitest';
import { createAnalyzer, porterStem, standardTokenize } from '../../src/text/index.js';

const tokens = (s: string): string[] => {
  const out: string[] = [];
  standardTokenize(s, (t) => out.push(t));
  return out;
};

describe('standard tokenizer (Lucene StandardTokenizer / UAX #29)', () => {
  it.each([
    ['Wikipedia: the free encyclopedia', ['Wikipedia', 'the', 'free', 'encyclopedia']],
    ['some-dashed-phrase', ['some', 'dashed', 'phrase']],
    ['dogs,chase,cats', ['dogs', 'chase', 'cats']],
    ['ac/dc', ['ac', 'dc']],
    ["O'Reilly you're she's", ["O'Reilly", "you're", "she's"]],
    ['AT&T Excite@Home', ['AT', 'T', 'Excite', 'Home']],
    ['jdoe@apache.org www.nutch.org.', ['jdoe', 'apache.org', 'www.nutch.org']],
    ['21.35 1,000 1.2.3.4 R2D2 C3PO', ['21.35', '1,000', '1.2.3.4', 'R2D2', 'C3PO']],
    ['C++ C# e.g. U.S.A.', ['C', 'C', 'e.g', 'U.S.A']],
    ['foo_bar __init__ _', ['foo_bar', '__init__']],
    ['中文字 カタカナ ひらがな', ['中', '文', '字', 'カタカナ', 'ひ', 'ら', 'が', 'な']],
    ['café naïve Ελληνικά русский', ['café', 'naïve', 'Ελληνικά', 'русский']],
    ["dogs' tails", ['dogs', 'tails']],
    ['', []],
  ])('%j', (text, want) => {
    expect(tokens(text)).toEqual(want);
  });
  it('splits tokens longer than 255 characters', () => {
    expect(tokens('a'.repeat(300)).map((t) => t.length)).toEqual([255, 45]);
  });
});

describe('Porter stemmer (reference C version, as Lucene)', () => {
  it.each([
    ['caresses', 'caress'],
    ['ponies', 'poni'],
    ['ties', 'ti'],
    ['cats', 'cat'],
    ['feed', 'feed'],
    ['agreed', 'agre'],
    ['plastered', 'plaster'],
    ['motoring', 'motor'],
    ['sing', 'sing'],
    ['conflated', 'conflat'],
    ['hopping', 'hop'],
    ['falling', 'fall'],
    ['filing', 'file'],
    ['happy', 'happi'],
    ['relational', 'relat'],
    ['conditional', 'condit'],
    ['digitizer', 'digit'],
    ['conformabli', 'conform'],
    ['vietnamization', 'vietnam'],
    ['hopefulness', 'hope'],
    ['sensibiliti', 'sensibl'],
    ['electrical', 'electr'],
    ['adjustment', 'adjust'],
    ['adoption', 'adopt'],
    ['archaeology', 'archaeolog'],
    ['generalizations', 'gener'],
    ['probate', 'probat'],
    ['controll', 'control'],
    ['is', 'is'],
    ['a', 'a'],
    ['sky', 'sky'],
  ])('%s -> %s', (w, s) => expect(porterStem(w)).toBe(s));
});

describe('analyzers', () => {
  it('english = possessive, lowercase, Lucene stopwords, Porter (Anserini default)', () => {
    expect(createAnalyzer('english').analyze("The Running Dogs of John's relational databases")).toEqual([
      'run',
      'dog',
      'john',
      'relat',
      'databas',
    ]);
  });
  it('presets and custom settings', () => {
    expect(createAnalyzer('english-nostem').analyze('The Running Dogs')).toEqual(['running', 'dogs']);
    expect(createAnalyzer('standard').analyze('The Running Dogs')).toEqual(['the', 'running', 'dogs']);
    expect(createAnalyzer('whitespace').analyze('The  Running\tDogs')).toEqual(['The', 'Running', 'Dogs']);
    expect(createAnalyzer({ stopwords: ['running'], stemmer: 'none' }).analyze('The Running Dogs')).toEqual(['the', 'dogs']);
    expect(createAnalyzer('unicode').analyze('我们喜欢搜索 engines')).toContain('engines');
  });
  it('rejects unknown presets and bad settings', () => {
    expect(() => createAnalyzer('klingon')).toThrow(/unknown analyzer "klingon"/);
    expect(() => createAnalyzer({ stemmer: 'snowball' as 'porter' })).toThrow();
  });
});
