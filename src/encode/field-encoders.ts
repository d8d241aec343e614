/**
 * Transformer encoders that sparse and multi-vector fields can name in a schema
 * (dense fields use dense-text-encoder.ts): their settings as validated schema
 * objects, and per-process cached loaders. All of them run asynchronously.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { QuarryError } from '../core/quarry-error.js';
import type { Encoder } from './encoder.js';
import { InferenceFreeQueryEncoder } from './inference-free.js';
import { TransformerSparseEncoder, type TokenWeights } from './transformer-sparse-encoder.js';
import { TransformerTokenEncoder, type TokenVectors } from './transformer-token-encoder.js';

const common = {
  /** Model folder (Hugging Face layout); made absolute when the collection is created. */
  path: z.string().min(1),
  /** Document properties whose text is encoded, joined by a newline. */
  from: z.array(z.string().min(1)).min(1),
  queryPrefix: z.string().default(''),
  documentPrefix: z.string().default(''),
  maxLength: z.number().int().min(2).max(8192).optional(),
  dtype: z.string().min(1).default('fp32'),
  batchSize: z.number().int().positive().max(1024).default(32),
};

/** A sparse field's encoder: SPLADE expansion or per-token weights, optionally an inference-free query side. */
export const sparseEncoderSpecSchema = z
  .object({
    type: z.enum(['splade', 'term-weights']),
    ...common,
    topK: z.number().int().min(0).default(0),
    threshold: z.number().min(0).default(0),
    literalMinWeight: z.number().min(0).default(0),
    /** An IDF table (token -> weight): queries are then encoded without the model (inference-free), by the model folder's tokenizer. */
    idf: z.string().min(1).optional(),
  })
  .strict();

/** A multi-vector field's encoder: ColBERT-style token vectors. */
export const tokenEncoderSpecSchema = z
  .object({
    type: z.literal('colbert'),
    ...common,
    queryLength: z.number().int().min(0).max(1024).default(32),
    attendToExpansion: z.boolean().default(false),
    skipPunctuation: z.boolean().default(true),
  })
  .strict();

/** Settings of a sparse field's encoder (defaults filled). */
export type SparseEncoderSpec = z.infer<typeof sparseEncoderSpecSchema>;
/** Settings of a multi-vector field's encoder (defaults filled). */
export type TokenEncoderSpec = z.infer<typeof tokenEncoderSpecSchema>;

/** A sparse field's encoder, loaded. */
export type SparseFieldEncoder = Encoder<TokenWeights>;

const sparseCache = new Map<string, Promise<SparseFieldEncoder>>();
const tokenCache = new Map<string, Promise<TransformerTokenEncoder>>();

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (p === undefined) {
    p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Loads (once per process) a sparse field's encoder. */
export function loadSparseFieldEncoder(spec: SparseEncoderSpec): Promise<SparseFieldEncoder> {
  return cached(sparseCache, JSON.stringify(spec), async () => {
    const model = await TransformerSparseEncoder.load(spec.path, {
      mode: spec.type,
      topK: spec.topK,
      threshold: spec.threshold,
      literalMinWeight: spec.literalMinWeight,
      queryPrefix: spec.queryPrefix,
      documentPrefix: spec.documentPrefix,
      dtype: spec.dtype,
      batchSize: spec.batchSize,
      ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
    });
    if (spec.idf === undefined) return model;
    const tokenizer = join(spec.path, 'tokenizer.json');
    if (!existsSync(tokenizer))
      throw new QuarryError('NOT_FOUND', `no tokenizer.json next to the model for the inference-free query side`, { file: tokenizer });
    const free = InferenceFreeQueryEncoder.fromFiles(tokenizer, spec.idf);
    return {
      encodeQueries: async (texts) => texts.map((t) => Object.fromEntries(free.weights(spec.queryPrefix + t))),
      encodeDocuments: (texts, onProgress) => model.encodeDocuments(texts, onProgress),
    };
  });
}

/** Loads (once per process) a multi-vector field's encoder and checks its token dimension. */
export async function loadTokenFieldEncoder(field: string, spec: TokenEncoderSpec, dim: number): Promise<TransformerTokenEncoder> {
  const enc = await cached(tokenCache, JSON.stringify(spec), () =>
    TransformerTokenEncoder.load(spec.path, {
      queryLength: spec.queryLength,
      attendToExpansion: spec.attendToExpansion,
      skipPunctuation: spec.skipPunctuation,
      queryPrefix: spec.queryPrefix,
      documentPrefix: spec.documentPrefix,
      dtype: spec.dtype,
      batchSize: spec.batchSize,
      ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
    }),
  );
  if (enc.dim !== dim)
    throw new QuarryError(
      'BAD_SCHEMA',
      `the encoder produces ${enc.dim}-d token vectors but the field has dim ${dim}`,
      { field: `fields.${field}.encoder` },
      `set "dim": ${enc.dim}`,
    );
  return enc;
}

/** Token vectors as the rows a multivector query leg takes. */
export function tokenRowsOf(v: TokenVectors): number[][] {
  const rows: number[][] = [];
  for (let r = 0; r < v.count; r++) rows.push(Array.from(v.data.subarray(r * v.dim, (r + 1) * v.dim)));
  return rows;
}

/** Resolves the model and IDF paths of a field encoder against the current directory. */
export function absoluteEncoderPaths(spec: { path: string; idf?: string }, resolvePath: (p: string) => string): void {
  spec.path = resolvePath(spec.path);
  if (spec.idf !== undefined) spec.idf = resolvePath(spec.idf);
}
