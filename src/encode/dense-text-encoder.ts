/**
 * The text-to-vector encoder a dense field can name in its schema: one
 * interface with a query side and a document side (which may differ by an
 * instruction prefix, as E5-style models expect), a loader for the encoder
 * kinds that run offline here (Model2Vec folders, GloVe-format word-vector
 * files), and a per-process cache so a model is read once.
 */
import { z } from 'zod';
import { QuarryError } from '../core/quarry-error.js';
import { Model2VecEncoder } from './model2vec.js';
import { WordVectorEncoder } from './word-vectors.js';
import { TransformerDenseEncoder } from './transformer-dense-encoder.js';
import type { Encoder } from './encoder.js';

/** Encoder settings as stored in a dense field's schema. */
export const encoderSpecSchema = z
  .object({
    /**
     * `model2vec` (a model folder), `word-vectors` (a GloVe-format text file: word then
     * numbers per line) or `transformer` (an ONNX model folder run by @huggingface/transformers;
     * asynchronous: documents go through addBatchAsync, queries through queryAsync).
     */
    type: z.enum(['model2vec', 'word-vectors', 'transformer']),
    /** Model folder or file; made absolute when the collection is created. */
    path: z.string().min(1),
    /** Document properties whose text is encoded, joined by a newline. */
    from: z.array(z.string().min(1)).min(1),
    /** Prepended to queries before encoding (e.g. "query: "). */
    queryPrefix: z.string().default(''),
    /** Prepended to documents before encoding (e.g. "passage: "). */
    documentPrefix: z.string().default(''),
    /** Tokens kept per text. */
    maxLength: z.number().int().positive().default(512),
    /** transformer: how token states become one vector. */
    pooling: z.enum(['cls', 'mean', 'last-token']).default('mean'),
    /** transformer: L2-normalize the pooled vector. */
    normalize: z.boolean().default(true),
    /** transformer: ONNX variant (fp32, q8, fp16, ...). */
    dtype: z.string().min(1).default('fp32'),
    /** transformer: texts per model call. */
    batchSize: z.number().int().positive().max(1024).default(32),
  })
  .strict();

/** An encoder spec with defaults filled. */
export type EncoderSpec = z.infer<typeof encoderSpecSchema>;

/** Turns text into dense vectors. */
export interface DenseTextEncoder {
  readonly dim: number;
  encodeQuery(text: string): Float32Array;
  encodeDocument(text: string): Float32Array;
}

const cache = new Map<string, DenseTextEncoder>();

/** Loads (once per process) the encoder a spec names. */
function loadEncoder(spec: EncoderSpec): DenseTextEncoder {
  const key = JSON.stringify(spec);
  let enc = cache.get(key);
  if (enc !== undefined) return enc;
  if (isAsyncEncoder(spec))
    throw new QuarryError('BAD_ARGUMENT', `a ${spec.type} encoder runs asynchronously`, { field: 'encoder' }, 'use loadAsyncFieldEncoder');
  if (spec.type === 'model2vec') {
    const m = Model2VecEncoder.fromFolder(spec.path);
    const o = { maxLength: spec.maxLength };
    enc = {
      dim: m.dim,
      encodeQuery: (t) => m.encode(spec.queryPrefix + t, o),
      encodeDocument: (t) => m.encode(spec.documentPrefix + t, o),
    };
  } else {
    const w = WordVectorEncoder.fromGloveFile(spec.path);
    enc = {
      dim: w.dim,
      encodeQuery: (t) => w.encode(spec.queryPrefix + t).vector,
      encodeDocument: (t) => w.encode(spec.documentPrefix + t).vector,
    };
  }
  cache.set(key, enc);
  return enc;
}

/** True for encoders that run a model asynchronously (transformers). */
export function isAsyncEncoder(spec: EncoderSpec): boolean {
  return spec.type === 'transformer';
}

/** Turns text into dense vectors, many at a time, asynchronously. */
export interface AsyncDenseTextEncoder extends Encoder<Float32Array> {
  readonly dim: number;
}

const asyncCache = new Map<string, Promise<AsyncDenseTextEncoder>>();

/** Loads (once per process) a field's asynchronous encoder and checks that it produces `dim` numbers. */
export async function loadAsyncFieldEncoder(field: string, spec: EncoderSpec, dim: number): Promise<AsyncDenseTextEncoder> {
  const key = JSON.stringify(spec);
  let enc = asyncCache.get(key);
  if (enc === undefined) {
    enc = TransformerDenseEncoder.load(spec.path, {
      pooling: spec.pooling,
      normalize: spec.normalize,
      dtype: spec.dtype,
      batchSize: spec.batchSize,
      maxLength: spec.maxLength,
      queryPrefix: spec.queryPrefix,
      documentPrefix: spec.documentPrefix,
    });
    asyncCache.set(key, enc);
    enc.catch(() => asyncCache.delete(key));
  }
  const loaded = await enc;
  if (loaded.dim !== dim)
    throw new QuarryError(
      'BAD_SCHEMA',
      `the encoder produces ${loaded.dim} numbers but the field has dim ${dim}`,
      { field: `fields.${field}.encoder` },
      `set "dim": ${loaded.dim}`,
    );
  return loaded;
}

/** Loads a field's encoder and checks that it produces `dim` numbers. */
export function loadFieldEncoder(field: string, spec: EncoderSpec, dim: number): DenseTextEncoder {
  if (isAsyncEncoder(spec)) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `field "${field}" is encoded by a transformer, which runs asynchronously`,
      { field },
      'add documents with writer.addBatchAsync (the CLI and the server do) and search with Snapshot.queryAsync',
    );
  }
  const enc = loadEncoder(spec);
  if (enc.dim !== dim)
    throw new QuarryError(
      'BAD_SCHEMA',
      `the encoder produces ${enc.dim} numbers but the field has dim ${dim}`,
      { field: `fields.${field}.encoder` },
      `set "dim": ${enc.dim}`,
    );
  return enc;
}
