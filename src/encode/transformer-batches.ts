/**
 * Shared plumbing of the transformer encoders: texts in batches through the
 * tokenizer (padding, truncation to maxLength) and the model, with progress.
 */
import { QuarryError } from '../core/quarry-error.js';
import type { EncodeProgressCallback } from './encoder.js';
import type { HfTensor, TransformerModel } from './transformer-model.js';
import { checkPositiveInteger } from '../core/checks.js';

/** Options every transformer encoder takes. */
export interface TransformerBatchOptions {
  /** Tokens per text (longer texts are truncated); default the tokenizer's model_max_length, at most 512. */
  maxLength?: number;
  /** Texts per model call (default 32). */
  batchSize?: number;
}

/** Progress callback: texts done so far, out of total. */
export type EncodeProgress = EncodeProgressCallback;

/** One model call's inputs and outputs, as plain arrays. */
export interface ModelBatch {
  /** Token ids, batch x seq (padded). */
  ids: Int32Array;
  /** 1 where a token is real, 0 for padding. */
  mask: Uint8Array;
  batch: number;
  seq: number;
  /** The model output (last_hidden_state or logits) and its dims. */
  output: Float32Array;
  dims: number[];
}

/** The maximum length to tokenize to. */
function maxLengthOf(model: TransformerModel, opts: TransformerBatchOptions): number {
  const fromTokenizer = model.tokenizer.model_max_length;
  const cap = typeof fromTokenizer === 'number' && Number.isFinite(fromTokenizer) && fromTokenizer > 0 ? Math.min(fromTokenizer, 512) : 512;
  const n = opts.maxLength ?? cap;
  if (!Number.isInteger(n) || n < 2)
    throw new QuarryError('BAD_ARGUMENT', `maxLength must be an integer >= 2, got ${n}`, { field: 'maxLength' });
  return n;
}

function toInt32(t: HfTensor): Int32Array {
  const out = new Int32Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/**
 * Runs texts (or text pairs) through the model in batches and hands each batch's
 * output to `consume`. `prepare` may edit the tokenized inputs before the model runs
 * (ColBERT query augmentation).
 */
export async function runBatches(
  model: TransformerModel,
  texts: readonly string[],
  opts: TransformerBatchOptions & {
    pairs?: readonly string[];
    outputName?: string;
    padTo?: number;
    prepare?: (inputs: Record<string, HfTensor>) => void;
  },
  consume: (b: ModelBatch, first: number) => void,
  onProgress?: EncodeProgress,
): Promise<void> {
  const batchSize = opts.batchSize ?? 32;
  checkPositiveInteger(batchSize, 'batchSize');
  const maxLength = maxLengthOf(model, opts);
  for (let first = 0; first < texts.length; first += batchSize) {
    const chunk = texts.slice(first, first + batchSize) as string[];
    const tokOpts: Record<string, unknown> = {
      padding: opts.padTo !== undefined ? 'max_length' : true,
      truncation: true,
      max_length: opts.padTo ?? maxLength,
    };
    if (opts.pairs !== undefined) tokOpts.text_pair = opts.pairs.slice(first, first + batchSize);
    const inputs = model.tokenizer(chunk, tokOpts) as unknown as Record<string, HfTensor>;
    restoreTrailingSpecials(model, inputs, opts.padTo ?? maxLength);
    opts.prepare?.(inputs);
    const outputs = await model.model(inputs);
    const out =
      (opts.outputName !== undefined ? outputs[opts.outputName] : undefined) ??
      outputs.last_hidden_state ??
      outputs.logits ??
      Object.values(outputs)[0];
    if (out === undefined || !(out.data instanceof Float32Array))
      throw new QuarryError(
        'BAD_INPUT',
        `the model in ${model.folder} returned no float output`,
        { file: model.folder },
        'feature-extraction, masked-LM or classification ONNX exports are supported',
      );
    const ids = toInt32(inputs.input_ids!);
    const maskI = toInt32(inputs.attention_mask!);
    const [batch, seq] = inputs.input_ids!.dims as [number, number];
    consume({ ids, mask: Uint8Array.from(maskI), batch, seq, output: out.data, dims: out.dims }, first);
    onProgress?.(Math.min(texts.length, first + batchSize), texts.length);
  }
}

const suffixCache = new WeakMap<TransformerModel, bigint[]>();

/** The special tokens a tokenizer appends to every sequence ([SEP] for BERT, </s> for XLM-R, none for most decoders). */
function trailingSpecials(model: TransformerModel): bigint[] {
  let suffix = suffixCache.get(model);
  if (suffix === undefined) {
    const special = new Set((model.tokenizer.all_special_ids ?? []).map((id) => BigInt(id)));
    const ids = Array.from(model.tokenizer(['a'], {}).input_ids.data as BigInt64Array);
    let n = 0;
    while (n < ids.length - 1 && special.has(ids[ids.length - 1 - n]!)) n++;
    suffix = ids.slice(ids.length - n);
    suffixCache.set(model, suffix);
  }
  return suffix;
}

/**
 * transformers.js truncates the finished sequence, dropping the closing special
 * token(s) that Hugging Face tokenizers keep; put them back at the end of every
 * sequence cut to maxLength, so truncated inputs match what the model was trained on.
 */
function restoreTrailingSpecials(model: TransformerModel, inputs: Record<string, HfTensor>, maxLength: number): void {
  const suffix = trailingSpecials(model);
  if (suffix.length === 0) return;
  const ids = inputs.input_ids!.data as BigInt64Array;
  const mask = inputs.attention_mask!.data as BigInt64Array;
  const [batch, seq] = inputs.input_ids!.dims as [number, number];
  if (seq < maxLength) return;
  for (let i = 0; i < batch; i++) {
    const row = i * seq;
    if (mask[row + seq - 1] !== 1n) continue; // shorter than maxLength: not truncated
    let ends = true;
    for (let j = 0; j < suffix.length; j++) if (ids[row + seq - suffix.length + j] !== suffix[j]) ends = false;
    if (!ends) for (let j = 0; j < suffix.length; j++) ids[row + seq - suffix.length + j] = suffix[j]!;
  }
}

/** Token id -> token string of the model's vocabulary. */
export function vocabularyOf(model: TransformerModel): string[] {
  const vocab = model.tokenizer.model.vocab;
  if (Array.isArray(vocab)) return vocab;
  const entries: [string, number][] = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
  const out: string[] = [];
  for (const [token, id] of entries) out[id] = token;
  return out;
}

/** Ids of the tokenizer's special tokens ([CLS], [SEP], [PAD], ...). */
export function specialIdsOf(model: TransformerModel): Set<number> {
  return new Set(model.tokenizer.all_special_ids ?? []);
}
