/**
 * Multi-vector (late-interaction) token embeddings, ColBERT-style (Khattab &
 * Zaharia, SIGIR 2020; ColBERTv2): every token's last hidden state, through the
 * model's linear projection when the folder has one (1_Dense/model.safetensors,
 * the sentence-transformers / PyLate layout), L2-normalized. Documents drop
 * punctuation tokens (the skip-list); queries are padded with [MASK] tokens to a
 * fixed length (query augmentation), whose output vectors are kept as query tokens.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import { readSafeTensors } from '../io/safetensors.js';
import type { Encoder } from './encoder.js';
import { runBatches, specialIdsOf, vocabularyOf, type EncodeProgress, type TransformerBatchOptions } from './transformer-batches.js';
import { loadTransformerModel, type HfTensor, type TransformerModel } from './transformer-model.js';

/** Token encoder settings. */
export interface TokenTransformerOptions extends TransformerBatchOptions {
  /** Query length after [MASK] augmentation (default 32; 0 turns augmentation off). */
  queryLength?: number;
  /** Let queries attend to their [MASK] expansion tokens (default false, as PyLate). */
  attendToExpansion?: boolean;
  /** Drop punctuation tokens from documents (default true). */
  skipPunctuation?: boolean;
  /** Keep the special tokens ([CLS], [SEP]) of documents (default true, as ColBERT). */
  keepSpecial?: boolean;
  queryPrefix?: string;
  documentPrefix?: string;
  dtype?: string;
}

/** Token vectors of one text: `count` rows of `dim` floats. */
export interface TokenVectors {
  count: number;
  dim: number;
  data: Float32Array;
}

const PUNCTUATION = /^[\p{P}\p{S}]+$/u;

/** Text to token vectors. */
export class TransformerTokenEncoder implements Encoder<TokenVectors> {
  /** Output dimension (after projection). */
  readonly dim: number;
  private readonly skip: Set<number>;
  private readonly special: Set<number>;

  private constructor(
    readonly model: TransformerModel,
    private readonly projection: { weight: Float32Array; bias: Float32Array | null; out: number; in: number } | null,
    private readonly opts: TokenTransformerOptions,
  ) {
    const hidden = model.config.hidden_size;
    this.dim = projection?.out ?? (typeof hidden === 'number' ? hidden : 0);
    this.special = specialIdsOf(model);
    const vocab = vocabularyOf(model);
    this.skip = new Set<number>();
    vocab.forEach((token, id) => {
      if (token !== undefined && PUNCTUATION.test(token)) this.skip.add(id);
    });
  }

  /** Loads a model folder and its projection (1_Dense/model.safetensors) when present. */
  static async load(folder: string, opts: TokenTransformerOptions = {}): Promise<TransformerTokenEncoder> {
    const model = await loadTransformerModel(folder, 'base', opts.dtype);
    const file = join(model.folder, '1_Dense', 'model.safetensors');
    let projection = null;
    if (existsSync(file)) {
      const tensors = readSafeTensors(file);
      const w = tensors.info('linear.weight');
      if (w === undefined || w.shape.length !== 2)
        throw new QuarryError(
          'BAD_INPUT',
          `${file} has no 2-d linear.weight`,
          { file },
          'a PyLate/sentence-transformers Dense layer stores linear.weight [out, in]',
        );
      const hasBias = tensors.info('linear.bias') !== undefined;
      projection = {
        weight: tensors.floats('linear.weight'),
        bias: hasBias ? tensors.floats('linear.bias') : null,
        out: w.shape[0]!,
        in: w.shape[1]!,
      };
    }
    return new TransformerTokenEncoder(model, projection, opts);
  }

  /** Query token vectors: [MASK]-augmented to queryLength, every position kept. */
  encodeQueries(texts: readonly string[], onProgress?: EncodeProgress): Promise<TokenVectors[]> {
    const queryLength = this.opts.queryLength ?? 32;
    const maskId = this.model.tokenizer.mask_token_id;
    const augment = queryLength > 0 && typeof maskId === 'number';
    return this.encode(
      texts.map((t) => (this.opts.queryPrefix ?? '') + t),
      augment
        ? {
            padTo: queryLength,
            prepare: (inputs) => this.augment(inputs, maskId),
          }
        : {},
      (id, real) => augment || real,
      onProgress,
    );
  }

  /** Document token vectors: real tokens only, punctuation skipped. */
  encodeDocuments(texts: readonly string[], onProgress?: EncodeProgress): Promise<TokenVectors[]> {
    const skipPunct = this.opts.skipPunctuation ?? true;
    const keepSpecial = this.opts.keepSpecial ?? true;
    return this.encode(
      texts.map((t) => (this.opts.documentPrefix ?? '') + t),
      {},
      (id, real) => real && !(skipPunct && this.skip.has(id)) && (keepSpecial || !this.special.has(id)),
      onProgress,
    );
  }

  /** Replaces padding by [MASK] (ColBERT query augmentation). */
  private augment(inputs: Record<string, HfTensor>, maskId: number): void {
    const ids = inputs.input_ids!.data as BigInt64Array;
    const mask = inputs.attention_mask!.data as BigInt64Array;
    const attend = this.opts.attendToExpansion ?? false;
    for (let i = 0; i < ids.length; i++) {
      if (mask[i] === 0n) {
        ids[i] = BigInt(maskId);
        if (attend) mask[i] = 1n;
      }
    }
  }

  private async encode(
    texts: readonly string[],
    extra: { padTo?: number; prepare?: (inputs: Record<string, HfTensor>) => void },
    keep: (id: number, real: boolean) => boolean,
    onProgress?: EncodeProgress,
  ): Promise<TokenVectors[]> {
    const out: TokenVectors[] = new Array<TokenVectors>(texts.length);
    const p = this.projection;
    const padTo = extra.padTo;
    await runBatches(
      this.model,
      texts,
      { ...this.opts, ...extra, outputName: 'last_hidden_state' },
      (b, first) => {
        const hidden = b.dims[2]!;
        if (p !== null && p.in !== hidden)
          throw new QuarryError('BAD_INPUT', `the projection expects ${p.in}-d states, the model gives ${hidden}`, {
            file: this.model.folder,
          });
        for (let i = 0; i < b.batch; i++) {
          const rows: number[] = [];
          for (let t = 0; t < b.seq; t++) {
            // with augmentation the [MASK] positions count as real query tokens even when not attended
            const real = b.mask[i * b.seq + t] === 1 || padTo !== undefined;
            if (keep(b.ids[i * b.seq + t]!, real)) rows.push(t);
          }
          const data = new Float32Array(rows.length * this.dim);
          rows.forEach((t, r) => {
            const off = (i * b.seq + t) * hidden;
            const row = data.subarray(r * this.dim, (r + 1) * this.dim);
            if (p === null) row.set(b.output.subarray(off, off + hidden));
            else {
              for (let o = 0; o < p.out; o++) {
                let s = p.bias?.[o] ?? 0;
                for (let h = 0; h < hidden; h++) s += p.weight[o * hidden + h]! * b.output[off + h]!;
                row[o] = s;
              }
            }
            let n = 0;
            for (let d = 0; d < this.dim; d++) n += row[d]! * row[d]!;
            const len = Math.sqrt(n);
            if (len > 0) for (let d = 0; d < this.dim; d++) row[d]! /= len;
          });
          out[first + i] = { count: rows.length, dim: this.dim, data };
        }
      },
      onProgress,
    );
    return out;
  }
}
