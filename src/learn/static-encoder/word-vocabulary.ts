/**
 * A word-level vocabulary counted from a corpus, written as a BERT WordPiece
 * `tokenizer.json` (BertNormalizer, BertPreTokenizer, WordPiece model) so a
 * trained static encoder loads anywhere a Model2Vec folder does. Whole words
 * seen often enough become tokens; every character seen becomes a token and a
 * `##` continuation, so a word outside the vocabulary splits into its
 * longest known prefix and single characters instead of vanishing.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { WordPieceTokenizer } from '../../text/wordpiece-tokenizer.js';

/** The special tokens of a BERT vocabulary, first in every vocabulary built here. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** How a vocabulary is counted. */
export interface WordVocabularyOptions {
  /** Fewest occurrences a word needs to be a token (default 2). */
  minCount?: number;
  /** Most whole-word tokens kept, the most frequent first (default 200,000). */
  maxWords?: number;
}

/** A `tokenizer.json` object (the parts Quarry and Hugging Face tokenizers read). */
export type TokenizerJson = Record<string, unknown> & {
  model: Record<string, unknown> & { type: 'WordPiece'; vocab: Record<string, number> };
};

/** Counts words as the WordPiece tokenizer pre-tokenizes them. */
export class WordCounter {
  private readonly splitter = new WordPieceTokenizer({ model: { type: 'WordPiece', vocab: {} } });
  private readonly counts = new Map<string, number>();

  /** Counts the words of one text. */
  add(text: string): void {
    for (const w of this.splitter.words(text)) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
  }

  /** The `tokenizer.json` of the counted words. */
  tokenizerJson(opts: WordVocabularyOptions = {}): TokenizerJson {
    const minCount = opts.minCount ?? 2;
    const maxWords = opts.maxWords ?? 200_000;
    if (this.counts.size === 0)
      throw new QuarryError('BAD_INPUT', 'the corpus has no words to build a vocabulary from', {}, 'give a corpus with text in it');
    const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
    let next = 0;
    const add = (t: string): void => {
      if (!Object.hasOwn(vocab, t)) vocab[t] = next++;
    };
    SPECIAL_TOKENS.forEach(add);
    const chars = new Set<string>();
    for (const w of this.counts.keys()) for (const ch of w) chars.add(ch);
    for (const ch of [...chars].sort()) {
      add(ch);
      add(`##${ch}`);
    }
    const words = [...this.counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    for (const [w] of words.slice(0, maxWords)) add(w);
    return wordPieceTokenizerJson(vocab);
  }
}

/** A BERT-style (lower-casing, accent-stripping) WordPiece `tokenizer.json` over `vocab`. */
export function wordPieceTokenizerJson(vocab: Record<string, number>): TokenizerJson {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.filter((t) => vocab[t] !== undefined).map((t) => ({
      id: vocab[t],
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}
