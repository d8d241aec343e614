/**
 * The two encoders the poisoning benchmark attacks, seen as what they are: a text's vector is
 * the direction of the sum of its tokens' rows (a trained static encoder's weight × row, or a
 * GloVe word's vector). The attacker differentiates through that sum.
 */
import { readSafeTensors } from '../../src/io/safetensors.js';
import { loadTokenizerJson } from '../../src/text/tokenizer-json.js';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { join } from 'node:path';

/** An encoder whose text vector is normalize(Σ rows of the text's tokens). */
export interface BagEncoder {
  readonly name: string;
  readonly dim: number;
  /** Words the attacker may write, each becoming exactly one token. */
  readonly words: readonly string[];
  /** Row of each word (weight × embedding): words.length × dim. */
  readonly rows: Float32Array;
  /** The unnormalized sum of a text's token rows. */
  sum(text: string): Float64Array;
}

/** The normalized vector of a text. */
export function encodeText(enc: BagEncoder, text: string): Float32Array {
  const s = enc.sum(text);
  let n = 0;
  for (const x of s) n += x * x;
  n = Math.sqrt(n) || 1;
  return Float32Array.from(s, (x) => x / n);
}

/** The trained static encoder of a Model2Vec folder (`quarry train` writes one). */
export function staticBagEncoder(folder: string): BagEncoder {
  const tokenizer = loadTokenizerJson(join(folder, 'tokenizer.json'));
  const st = readSafeTensors(join(folder, 'model.safetensors'));
  const name = st.info('embeddings') !== undefined ? 'embeddings' : '0';
  const dim = st.info(name)!.shape[1]!;
  const emb = st.floats(name);
  const weights = st.info('weights') !== undefined ? st.floats('weights') : null;
  const mapping = st.info('mapping') !== undefined ? st.ints('mapping') : null;
  const rowOf = (id: number, out: Float64Array | Float32Array, at: number, add: boolean): void => {
    const r = mapping !== null ? mapping[id]! : id;
    const w = weights !== null ? weights[id]! : 1;
    for (let j = 0; j < dim; j++) out[at + j] = (add ? out[at + j]! : 0) + w * emb[r * dim + j]!;
  };
  const words: string[] = [];
  const ids: number[] = [];
  for (const [tok, id] of tokenizer.vocab) {
    if (tok.startsWith('##') || tok.startsWith('[') || !/^[a-z][a-z-]+$/.test(tok)) continue;
    const back = tokenizer.encodeIds(tok);
    if (back.length === 1 && back[0] === id) {
      words.push(tok);
      ids.push(id);
    }
  }
  const rows = new Float32Array(words.length * dim);
  ids.forEach((id, i) => rowOf(id, rows, i * dim, false));
  return {
    name: 'static',
    dim,
    words,
    rows,
    sum(text) {
      const out = new Float64Array(dim);
      for (const id of tokenizer.encodeIds(text)) if (id !== tokenizer.unkId) rowOf(id, out, 0, true);
      return out;
    },
  };
}

/** Averages of GloVe word vectors, as the `word-vectors` field encoder computes them. */
export function gloveBagEncoder(vectors: ReadonlyMap<string, Float32Array>): BagEncoder {
  const analyzer = createAnalyzer({ tokenizer: 'unicode', lowercase: true, possessive: false, stopwords: 'none', stemmer: 'none' });
  const words = [...vectors.keys()].filter((w) => /^[a-z][a-z-]+$/.test(w));
  const dim = vectors.values().next().value!.length;
  const rows = new Float32Array(words.length * dim);
  words.forEach((w, i) => rows.set(vectors.get(w)!, i * dim));
  return {
    name: 'glove',
    dim,
    words,
    rows,
    sum(text) {
      const out = new Float64Array(dim);
      for (const w of analyzer.analyze(text)) {
        const v = vectors.get(w);
        if (v !== undefined) for (let j = 0; j < dim; j++) out[j]! += v[j]!;
      }
      return out;
    },
  };
}
