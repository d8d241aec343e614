/** Stopword lists. */

/** Lucene's English stopwords (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, 33 words), the list Anserini uses. */
export const LUCENE_ENGLISH_STOPWORDS: readonly string[] = [
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not', 'of', 'on',
  'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was', 'will', 'with',
];
