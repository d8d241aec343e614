/**
 * Model2Vec static embeddings (Tulkens & van Dongen, "Model2Vec: Fast
 * State-of-the-Art Static Embeddings", MinishLab 2024): a text's vector is
 * the mean of its tokens' rows of a distilled embedding table (optionally
 * scaled per token and shared through a quantized vocabulary), normalized
 * when the model says so. Loads a model folder offline: `config.json`,
 * `tokenizer.json` (WordPiece or Unigram) and `model.safetensors`
 * (embeddings as float32, float16 or int8; optional `weights` and `mapping`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import { readSafeTensors } from '../io/safetensors.js';
import { readJsonFile } from '../io/json-file.js';
import { loadTokenizerJson, type IdTokenizer } from '../text/tokenizer-json.js';

/** Options of `Model2VecEncoder.encode`. */
export interface Model2VecEncodeOptions {
  /** Tokens kept per text (default 512, as the reference implementations). */
  maxLength?: number;
}

/** A loaded Model2Vec model. */
export class Model2VecEncoder {
  readonly dim: number;
  /** Characters kept before tokenizing: maxLength × the vocabulary's median token length (the reference's pre-truncation). */
  private readonly medianTokenLength: number;

  private constructor(
    readonly tokenizer: IdTokenizer,
    private readonly embeddings: Float32Array,
    private readonly weights: Float32Array | null,
    private readonly mapping: Int32Array | null,
    readonly normalize: boolean,
    dim: number,
  ) {
    this.dim = dim;
    const lens = [...tokenizer.vocab.keys()].map((t) => t.length).sort((a, b) => a - b);
    this.medianTokenLength = lens[Math.floor(lens.length / 2)] ?? 1;
  }

  /** Loads a model folder. `normalize` overrides config.json. */
  static fromFolder(dir: string, opts: { normalize?: boolean } = {}): Model2VecEncoder {
    for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) {
      if (!existsSync(join(dir, f)))
        throw new QuarryError(
          'NOT_FOUND',
          `the model folder has no ${f}`,
          { file: dir },
          'a Model2Vec folder holds config.json, tokenizer.json and model.safetensors',
        );
    }
    const config = readJsonFile(join(dir, 'config.json'), 'config') as { normalize?: boolean };
    const tokenizer = loadTokenizerJson(join(dir, 'tokenizer.json'));
    const st = readSafeTensors(join(dir, 'model.safetensors'));
    const name = st.info('embeddings') !== undefined ? 'embeddings' : '0';
    const info = st.info(name);
    if (info === undefined || info.shape.length !== 2)
      throw new QuarryError('BAD_INPUT', 'no 2-D "embeddings" tensor', { file: join(dir, 'model.safetensors') });
    const embeddings = st.floats(name);
    const weights = st.info('weights') !== undefined ? st.floats('weights') : null;
    const mapping = st.info('mapping') !== undefined ? st.ints('mapping') : null;
    const rows = info.shape[0]!;
    let maxRow = tokenizer.vocab.size;
    if (mapping !== null) {
      maxRow = 0;
      for (const r of mapping) maxRow = Math.max(maxRow, r + 1);
    }
    if (maxRow > rows)
      throw new QuarryError(
        'BAD_INPUT',
        `${maxRow} token rows are needed but the embeddings have ${rows}`,
        { file: join(dir, 'model.safetensors') },
        'the tokenizer and the model do not belong together',
      );
    return new Model2VecEncoder(tokenizer, embeddings, weights, mapping, opts.normalize ?? config.normalize ?? true, info.shape[1]!);
  }

  /** Embeds one text. */
  encode(text: string, opts: Model2VecEncodeOptions = {}, out: Float32Array = new Float32Array(this.dim)): Float32Array {
    const maxLength = opts.maxLength ?? 512;
    const chars = [...text];
    const clipped = chars.length > maxLength * this.medianTokenLength ? chars.slice(0, maxLength * this.medianTokenLength).join('') : text;
    const unk = this.tokenizer.unkId;
    let ids = this.tokenizer.encodeIds(clipped);
    if (unk !== null) ids = ids.filter((id) => id !== unk);
    if (ids.length > maxLength) ids.length = maxLength;
    out.fill(0);
    const dim = this.dim;
    for (const id of ids) {
      const row = this.mapping !== null ? (this.mapping[id] ?? id) : id;
      const scale = this.weights !== null ? (this.weights[id] ?? 1) : 1;
      const base = row * dim;
      for (let j = 0; j < dim; j++) out[j]! += this.embeddings[base + j]! * scale;
    }
    const n = Math.max(1, ids.length);
    for (let j = 0; j < dim; j++) out[j]! /= n;
    if (this.normalize) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += out[j]! * out[j]!;
      const norm = Math.max(Math.sqrt(s), 1e-12);
      for (let j = 0; j < dim; j++) out[j]! /= norm;
    }
    return out;
  }

  /**
   * One vector per distinct token of `text` (the token's row times its weight, unnormalized), in
   * order of first occurrence: the text as a multi-vector field's token vectors, whose MaxSim
   * matches each query token to its nearest document token instead of averaging them away.
   */
  encodeTokens(text: string, opts: Model2VecEncodeOptions = {}): Float32Array[] {
    const maxLength = opts.maxLength ?? 512;
    const unk = this.tokenizer.unkId;
    const seen = new Set<number>();
    const out: Float32Array[] = [];
    for (const id of this.tokenizer.encodeIds(text)) {
      if (id === unk || seen.has(id)) continue;
      if (out.length === maxLength) break;
      seen.add(id);
      const row = this.mapping !== null ? (this.mapping[id] ?? id) : id;
      const scale = this.weights !== null ? (this.weights[id] ?? 1) : 1;
      const v = this.embeddings.slice(row * this.dim, (row + 1) * this.dim);
      for (let j = 0; j < this.dim; j++) v[j]! *= scale;
      out.push(v);
    }
    return out;
  }

  /** Embeds several texts; rows of `dim` in one array. */
  encodeBatch(texts: readonly string[], opts: Model2VecEncodeOptions = {}): Float32Array {
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((t, i) => this.encode(t, opts, out.subarray(i * this.dim, (i + 1) * this.dim)));
    return out;
  }
}
