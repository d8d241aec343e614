import { describe, expect, it } from 'vitest';
import { InferenceFreeQueryEncoder } from '../../src/encode/inference-free.js';
import { TokenVocabulary } from '../../src/io/sparse-files.js';
import { WordPieceTokenizer } from '../../src/text/wordpiece-tokenizer.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();
const tokenizerPath = dataset('model2vec-rs-fixtures/test-model-float32/tokenizer.json');

describe('WordPiece tokenizer (BERT tokenizer.json)', () => {
  it('normalizes, splits punctuation and produces ## pieces', () => {
    const t = WordPieceTokenizer.fromFile(tokenizerPath);
    expect(t.tokenize("What is Paula Deen's brother?")).toEqual(['what', 'is', 'paula', 'dee', '##n', "'", 's', 'brother', '?']);
    expect(t.tokenize('Naïve CAFÉ 中文')).toEqual(['naive', 'cafe', '中', '文']);
  });
  it('rejects a tokenizer that is not WordPiece', () => {
    const p = writeFile(dir, 'bpe.json', JSON.stringify({ model: { type: 'BPE', vocab: {} } }));
    expect(() => WordPieceTokenizer.fromFile(p)).toThrow(/model type is BPE, expected WordPiece/);
  });
});

describe('inference-free query encoder', () => {
  it('weights each distinct token by its IDF and maps it to the vocabulary', () => {
    const idf = writeFile(dir, 'idf.json', JSON.stringify({ paula: 5.5, dee: 3, '##n': 1.25, brother: 4, is: 0.1 }));
    const enc = InferenceFreeQueryEncoder.fromFiles(tokenizerPath, idf);
    expect(Object.fromEntries(enc.weights('is Paula Deen paula brother ?'))).toEqual({
      is: 0.1,
      paula: 5.5,
      dee: 3,
      '##n': 1.25,
      brother: 4,
    });
    const vocab = new TokenVocabulary(['brother', 'paula', 'other'], true);
    const v = enc.encode("paula deen's brother", vocab);
    expect(Array.from(v.ids)).toEqual([0, 1]);
    expect(Array.from(v.values)).toEqual([4, 5.5]);
  });
  it('names a bad IDF table', () => {
    const idf = writeFile(dir, 'bad-idf.json', '{"a": "high"}');
    expect(() => InferenceFreeQueryEncoder.fromFiles(tokenizerPath, idf)).toThrow(/weight of "a" is not a finite number/);
  });
});
