/** Loads a Hugging Face `tokenizer.json` as the tokenizer its model type names. */
import { readJsonFile } from '../io/json-file.js';
import { QuarryError } from '../core/quarry-error.js';
import { UnigramTokenizer } from './unigram-tokenizer.js';
import { WordPieceTokenizer } from './wordpiece-tokenizer.js';

/** What encoders need from a tokenizer. */
export interface IdTokenizer {
  /** Token → id. */
  readonly vocab: ReadonlyMap<string, number>;
  readonly unkId: number | null;
  /** Token ids of a text, without special tokens. */
  encodeIds(text: string): number[];
}

/** Reads `path` and builds a WordPiece or Unigram tokenizer. */
export function loadTokenizerJson(path: string): IdTokenizer {
  const json = readJsonFile(path, 'tokenizer') as { model?: { type?: string } };
  switch (json.model?.type) {
    case 'WordPiece':
      return new WordPieceTokenizer(json as ConstructorParameters<typeof WordPieceTokenizer>[0], path);
    case 'Unigram':
      return new UnigramTokenizer(json as ConstructorParameters<typeof UnigramTokenizer>[0], path);
    default:
      throw new QuarryError(
        'BAD_INPUT',
        `tokenizer model ${json.model?.type ?? '(missing)'} is not supported`,
        { file: path, field: 'model.type' },
        'supported: WordPiece, Unigram',
      );
  }
}
