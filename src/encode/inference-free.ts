/**
 * Inference-free sparse query encoding ("Towards Competitive Search
 * Relevance for Inference-Free Learned Sparse Retrievers", Geng et al.): the
 * query is its WordPiece tokens, each distinct token weighted by an IDF
 * table (`idf.json`: token -> weight). No model runs at query time.
 */
import { readFileSync } from 'node:fs';
import { QuarryError } from '../core/quarry-error.js';
import { jsonSyntaxPlace } from '../io/json-syntax.js';
import type { TokenVocabulary } from '../io/sparse-files.js';
import { normalizeSparse, type SparseVector } from '../kernels/sparse-matrix.js';
import { WordPieceTokenizer } from '../text/wordpiece-tokenizer.js';

/** Encodes query text into a sparse vector over a vocabulary. */
export class InferenceFreeQueryEncoder {
  constructor(
    readonly tokenizer: WordPieceTokenizer,
    readonly idf: ReadonlyMap<string, number>,
  ) {}

  /** Loads `tokenizer.json` and `idf.json` (token -> weight). */
  static fromFiles(tokenizerPath: string, idfPath: string): InferenceFreeQueryEncoder {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(idfPath, 'utf8'));
    } catch (e) {
      const why = e instanceof SyntaxError ? `not valid JSON${jsonSyntaxPlace(e)}` : (e as Error).message;
      throw new QuarryError('BAD_INPUT', `cannot read IDF table: ${why}`, { file: idfPath });
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new QuarryError('BAD_INPUT', 'expected {token: weight}', { file: idfPath });
    const idf = new Map<string, number>();
    for (const [t, w] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof w !== 'number' || !Number.isFinite(w))
        throw new QuarryError('BAD_INPUT', `weight of "${t}" is not a finite number`, { file: idfPath });
      idf.set(t, w);
    }
    return new InferenceFreeQueryEncoder(WordPieceTokenizer.fromFile(tokenizerPath), idf);
  }

  /** Distinct query tokens with their IDF weights (tokens without a weight are dropped). */
  weights(text: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const tok of this.tokenizer.tokenize(text)) {
      const w = this.idf.get(tok);
      if (w !== undefined && w > 0) out.set(tok, w);
    }
    return out;
  }

  /** The query as a sparse vector over `vocab` (tokens outside the vocabulary are dropped). */
  encode(text: string, vocab: TokenVocabulary): SparseVector {
    const ids: number[] = [];
    const vals: number[] = [];
    for (const [tok, w] of this.weights(text)) {
      const id = vocab.ids.get(tok);
      if (id === undefined) continue;
      ids.push(id);
      vals.push(w);
    }
    return normalizeSparse(ids, vals, 'query');
  }
}
