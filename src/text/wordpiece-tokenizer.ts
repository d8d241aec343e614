/**
 * BERT WordPiece tokenization from a Hugging Face `tokenizer.json`
 * (BertNormalizer + BertPreTokenizer + WordPiece model): clean control
 * characters, space out CJK characters, lower-case and strip accents, split
 * on white space and punctuation, then greedy longest-match-first word
 * pieces with the `##` continuation prefix. Used by inference-free sparse
 * query encoders, which need the tokens only.
 */
import { readJsonFile } from '../io/json-file.js';
import { QuarryError } from '../core/quarry-error.js';
import { bertNormalize } from './bert-normalizer.js';

interface TokenizerJson {
  normalizer?: {
    type?: string;
    lowercase?: boolean;
    strip_accents?: boolean | null;
    handle_chinese_chars?: boolean;
    clean_text?: boolean;
  } | null;
  model?: {
    type?: string;
    vocab?: Record<string, number>;
    unk_token?: string;
    continuing_subword_prefix?: string;
    max_input_chars_per_word?: number;
  };
}

/** A WordPiece tokenizer. */
export class WordPieceTokenizer {
  readonly vocab: Map<string, number>;
  private readonly unk: string;
  private readonly prefix: string;
  private readonly maxChars: number;
  private readonly lowercase: boolean;
  private readonly stripAccents: boolean;
  private readonly chinese: boolean;

  constructor(json: TokenizerJson, where = 'tokenizer.json') {
    const m = json.model;
    if (m?.type !== 'WordPiece' || m.vocab === undefined) {
      throw new QuarryError(
        'BAD_INPUT',
        `model type is ${m?.type ?? 'missing'}, expected WordPiece`,
        { file: where },
        'use a BERT-style tokenizer.json',
      );
    }
    this.vocab = new Map(Object.entries(m.vocab));
    this.unk = m.unk_token ?? '[UNK]';
    this.prefix = m.continuing_subword_prefix ?? '##';
    this.maxChars = m.max_input_chars_per_word ?? 100;
    const n = json.normalizer ?? {};
    this.lowercase = n.lowercase ?? true;
    this.stripAccents = n.strip_accents ?? this.lowercase;
    this.chinese = n.handle_chinese_chars ?? true;
  }

  /** Loads `tokenizer.json` from a file. */
  static fromFile(path: string): WordPieceTokenizer {
    return new WordPieceTokenizer(readJsonFile(path, 'tokenizer') as TokenizerJson, path);
  }

  /** Id of the unknown token, or null when the vocabulary lacks it. */
  get unkId(): number | null {
    return this.vocab.get(this.unk) ?? null;
  }

  /** Token ids of `text` (no special tokens; unknown words get the unknown token's id). */
  encodeIds(text: string): number[] {
    const unk = this.unkId ?? -1;
    return this.tokenize(text).map((t) => this.vocab.get(t) ?? unk);
  }

  /** Word pieces of `text` (unknown words become the unknown token). */
  tokenize(text: string): string[] {
    const out: string[] = [];
    for (const word of this.preTokenize(this.normalize(text))) {
      if (word.length > this.maxChars) {
        out.push(this.unk);
        continue;
      }
      const pieces: string[] = [];
      let start = 0;
      let bad = false;
      while (start < word.length) {
        let end = word.length;
        let found: string | null = null;
        while (start < end) {
          const sub = (start > 0 ? this.prefix : '') + word.slice(start, end);
          if (this.vocab.has(sub)) {
            found = sub;
            break;
          }
          end--;
        }
        if (found === null) {
          bad = true;
          break;
        }
        pieces.push(found);
        start = end;
      }
      if (bad) out.push(this.unk);
      else out.push(...pieces);
    }
    return out;
  }

  /** The words of `text` after normalization and pre-tokenization, before they are split into pieces (what a vocabulary is counted from). */
  words(text: string): string[] {
    return this.preTokenize(this.normalize(text));
  }

  private normalize(text: string): string {
    return bertNormalize(text, { lowercase: this.lowercase, stripAccents: this.stripAccents, chineseChars: this.chinese });
  }

  private preTokenize(text: string): string[] {
    const words: string[] = [];
    let cur = '';
    for (const ch of text) {
      if (ch === ' ') {
        if (cur !== '') words.push(cur);
        cur = '';
      } else if (isPunctuation(ch)) {
        if (cur !== '') words.push(cur);
        words.push(ch);
        cur = '';
      } else cur += ch;
    }
    if (cur !== '') words.push(cur);
    return words;
  }
}

function isPunctuation(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  // BERT treats all non-letter/number ASCII as punctuation, plus Unicode P*.
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return /^\p{P}$/u.test(ch);
}
