/** Text analysis: tokenizers, stopwords, stemmers and analyzers. */
export * from './analyzer.js';
export { porterStem } from './porter-stemmer.js';
export { standardTokenize, MAX_TOKEN_LENGTH } from './standard-tokenizer.js';
export { unicodeTokenize, whitespaceTokenize } from './unicode-tokenizer.js';
export { LUCENE_ENGLISH_STOPWORDS } from './stopwords.js';
export { WordPieceTokenizer } from './wordpiece-tokenizer.js';
