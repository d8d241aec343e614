/**
 * The text-to-vector encoder a dense field can name in its schema: one
 * interface with a query side and a document side (which may differ by an
 * instruction prefix, as E5-style models expect), a loader for the encoder
 * kinds that run offline here (Model2Vec folders, GloVe-format word-vector
 * files), and a per-process cache so a model is read once.
 */
import { z } from 'zod';
import { QuarryError } from '../io/quarry-error.js';
import { Model2VecEncoder } from './model2vec.js';
import { WordVectorEncoder } from './word-vectors.js';

/** Encoder settings as stored in a dense field's schema. */
export const encoderSpecSchema = z
  .object({
    /** `model2vec` (a model folder) or `word-vectors` (a GloVe-format text file: word then numbers per line). */
    type: z.enum(['model2vec', 'word-vectors']),
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
export function loadEncoder(spec: EncoderSpec): DenseTextEncoder {
  const key = JSON.stringify(spec);
  let enc = cache.get(key);
  if (enc !== undefined) return enc;
  if (spec.type === 'model2vec') {
    const m = Model2VecEncoder.fromFolder(spec.path);
    const o = { maxLength: spec.maxLength };
    enc = { dim: m.dim, encodeQuery: (t) => m.encode(spec.queryPrefix + t, o), encodeDocument: (t) => m.encode(spec.documentPrefix + t, o) };
  } else {
    const w = WordVectorEncoder.fromGloveFile(spec.path);
    enc = { dim: w.dim, encodeQuery: (t) => w.encode(spec.queryPrefix + t).vector, encodeDocument: (t) => w.encode(spec.documentPrefix + t).vector };
  }
  cache.set(key, enc);
  return enc;
}

/** Loads a field's encoder and checks that it produces `dim` numbers. */
export function loadFieldEncoder(field: string, spec: EncoderSpec, dim: number): DenseTextEncoder {
  const enc = loadEncoder(spec);
  if (enc.dim !== dim) throw new QuarryError('BAD_SCHEMA', `the encoder produces ${enc.dim} numbers but the field has dim ${dim}`, { field: `fields.${field}.encoder` }, `set "dim": ${enc.dim}`);
  return enc;
}
