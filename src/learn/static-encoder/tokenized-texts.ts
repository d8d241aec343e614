/**
 * Texts turned into token ids once, before training: one flat array of ids,
 * each text a range of it, each range cut into segments (a document's title
 * and its sentences) so pre-training tasks can take a segment as a query and
 * the rest of the range as its positive without copying.
 */
import { GrowableU32 } from '../../kernels/growable-arrays.js';
import type { IdTokenizer } from '../../text/tokenizer-json.js';

/** Tokens kept per text, as `Model2VecEncoder` keeps (its default maxLength). */
export const MAX_TEXT_TOKENS = 512;

/** Token ids (or the model rows they map to) of many texts. */
export interface TokenizedTexts {
  /** Number of texts. */
  readonly count: number;
  /** Every text's ids, one after another. */
  readonly tokens: Int32Array;
  /** Text i is tokens[starts[i], starts[i + 1]). */
  readonly starts: Uint32Array;
  /** Segment boundaries of all texts, one after another: text i's segments start at cuts[cutStarts[i] .. cutStarts[i + 1]). */
  readonly cuts: Uint32Array;
  readonly cutStarts: Uint32Array;
}

/** Collects texts, each given as its segments, into `TokenizedTexts`. */
export class TokenizedTextsBuilder {
  private readonly tokens = new GrowableU32();
  private readonly starts = new GrowableU32();
  private readonly cuts = new GrowableU32();
  private readonly cutStarts = new GrowableU32();
  private readonly unk: number;

  /** `mapping` turns token ids into model rows (see stem-tied-rows); without it the ids are kept. */
  constructor(
    private readonly tokenizer: IdTokenizer,
    private readonly mapping: Int32Array | null = null,
    private readonly maxTokens = MAX_TEXT_TOKENS,
  ) {
    this.unk = tokenizer.unkId ?? -1;
  }

  /** Adds one text made of `segments` (ids of unknown tokens are dropped, as the encoder drops them; the text stops at maxTokens). */
  add(segments: readonly string[]): void {
    const start = this.tokens.length;
    this.starts.push(start);
    this.cutStarts.push(this.cuts.length);
    for (const seg of segments) {
      if (this.tokens.length - start >= this.maxTokens) break;
      const at = this.tokens.length;
      for (const id of this.tokenizer.encodeIds(seg)) {
        if (id === this.unk) continue;
        if (this.tokens.length - start >= this.maxTokens) break;
        this.tokens.push(this.mapping === null ? id : this.mapping[id]!);
      }
      if (this.tokens.length > at) this.cuts.push(at);
    }
  }

  /** The texts added so far. */
  build(): TokenizedTexts {
    const count = this.starts.length;
    const starts = new Uint32Array(count + 1);
    starts.set(this.starts.data.subarray(0, count));
    starts[count] = this.tokens.length;
    const cutStarts = new Uint32Array(count + 1);
    cutStarts.set(this.cutStarts.data.subarray(0, count));
    cutStarts[count] = this.cuts.length;
    return {
      count,
      tokens: Int32Array.from(this.tokens.view()),
      starts,
      cuts: this.cuts.view().slice(),
      cutStarts,
    };
  }
}

/** BM25's idf of every token over the texts (ln(1 + (N − df + 0.5)/(df + 0.5))), the unseen ones at the highest value. */
export function tokenIdf(texts: TokenizedTexts, vocabSize: number): Float32Array {
  const df = new Uint32Array(vocabSize);
  const last = new Int32Array(vocabSize).fill(-1);
  for (let d = 0; d < texts.count; d++)
    for (let t = texts.starts[d]!; t < texts.starts[d + 1]!; t++) {
      const id = texts.tokens[t]!;
      if (last[id] !== d) {
        last[id] = d;
        df[id]!++;
      }
    }
  const n = texts.count;
  const idf = new Float32Array(vocabSize);
  for (let i = 0; i < vocabSize; i++) idf[i] = Math.log(1 + (n - df[i]! + 0.5) / (df[i]! + 0.5));
  return idf;
}
