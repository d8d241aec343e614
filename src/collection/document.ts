/** Checks a raw document against a schema and splits it into what each part of a segment needs. */
import { QuarryError, type ErrorLocation } from '../core/quarry-error.js';
import { FLOAT32_MAX, isFloat32, parseJsonVector } from '../io/vector-files.js';
import { isAsyncEncoder, loadAsyncFieldEncoder, loadFieldEncoder, type DenseTextEncoder } from '../encode/dense-text-encoder.js';
import { loadSparseFieldEncoder, loadTokenFieldEncoder } from '../encode/field-encoders.js';
import { knownProperties, sourcesOf, type CollectionSchema, type FieldSpec, type MultiVectorFieldSpec } from './schema.js';

/** A metadata value: keyword fields may hold several strings. */
export type MetadataValue = string | string[] | number | boolean;

/** A document ready to be added to a segment. */
export interface PreparedDocument {
  id: string;
  /** Text of each text field (sources joined). */
  texts: Map<string, string>;
  /** Values of metadata fields present in the document. */
  metadata: Map<string, MetadataValue>;
  /** Vectors of dense fields. */
  vectors: Map<string, Float32Array>;
  /** Learned-sparse vectors: token -> weight. */
  sparse: Map<string, Map<string, number>>;
  /** Multi-vector fields: token vectors (rows of dim, already pruned). */
  multi: Map<string, Float32Array>;
  /** Properties kept for display. */
  stored: Record<string, unknown>;
}

/** What an asynchronous encoder produced for one document's field: a dense vector, sparse weights, or token rows. */
export type EncodedValue = Float32Array | Map<string, number>;

/** True for a field whose encoder runs a model asynchronously. */
export function isAsyncField(spec: FieldSpec): boolean {
  if (spec.type === 'dense') return spec.encoder !== undefined && isAsyncEncoder(spec.encoder);
  return (spec.type === 'sparse' || spec.type === 'multivector') && spec.encoder !== undefined;
}

/** Validates documents for one schema (caches the set of known properties). */
export class DocumentPreparer {
  private readonly known: Set<string>;

  private readonly vectorSources: Set<string>;
  /** Encoders of dense fields that encode text. */
  private readonly encoders = new Map<string, DenseTextEncoder>();

  constructor(private readonly schema: CollectionSchema) {
    this.known = knownProperties(schema);
    this.vectorSources = new Set(
      Object.entries(schema.fields).flatMap(([n, f]) =>
        (f.type === 'dense' && f.encoder === undefined) || f.type === 'sparse' || f.type === 'multivector' ? [f.from ?? n] : [],
      ),
    );
    for (const [name, f] of Object.entries(schema.fields)) {
      // asynchronous (transformer) encoders run before prepare(), which receives their vectors
      if (f.type === 'dense' && f.encoder !== undefined && !isAsyncEncoder(f.encoder))
        this.encoders.set(name, loadFieldEncoder(name, f.encoder, f.dim));
    }
  }

  /** The text an encoder reads from a document: its `from` properties joined by newlines (strings only). */
  textToEncode(raw: Record<string, unknown>, from: readonly string[], where: ErrorLocation = {}): string {
    const parts: string[] = [];
    for (const p of from) {
      const t = raw[p];
      if (t === undefined || t === null) continue;
      if (typeof t !== 'string')
        throw new QuarryError('BAD_INPUT', `expected a string to encode, found ${describe(t)}`, { ...where, field: p });
      parts.push(t);
    }
    return parts.join('\n');
  }

  /**
   * Vectors of the fields whose encoder is asynchronous, for a batch of documents
   * (one model run per field over the whole batch); pass each map to prepare().
   */
  async encodeAsyncFields(
    raws: readonly Record<string, unknown>[],
    whereOf: (i: number) => ErrorLocation,
    onProgress?: (done: number, total: number) => void,
  ): Promise<Map<string, EncodedValue>[]> {
    const out = raws.map(() => new Map<string, EncodedValue>());
    for (const [name, spec] of Object.entries(this.schema.fields)) {
      if (!isAsyncField(spec)) continue;
      const from = (spec as { encoder: { from: string[] } }).encoder.from;
      const texts = raws.map((raw, i) => this.textToEncode(raw, from, whereOf(i)));
      if (spec.type === 'dense') {
        const vectors = await (await loadAsyncFieldEncoder(name, spec.encoder!, spec.dim)).encodeDocuments(texts, onProgress);
        vectors.forEach((v, i) => out[i]!.set(name, v));
      } else if (spec.type === 'sparse') {
        const vectors = await (await loadSparseFieldEncoder(spec.encoder!)).encodeDocuments(texts, onProgress);
        vectors.forEach((v, i) => out[i]!.set(name, new Map(Object.entries(v))));
      } else if (spec.type === 'multivector') {
        const vectors = await (await loadTokenFieldEncoder(name, spec.encoder!, spec.dim)).encodeDocuments(texts, onProgress);
        vectors.forEach((v, i) => out[i]!.set(name, v.data));
      }
    }
    return out;
  }

  /** True when some field's encoder is asynchronous (documents must go through encodeAsyncFields). */
  get hasAsyncEncoders(): boolean {
    return Object.values(this.schema.fields).some(isAsyncField);
  }

  /**
   * Validates `raw`; errors name `where` (file and line) and the offending field.
   * `encoded` holds the vectors of fields whose encoder is asynchronous (see
   * encodeAsyncFields), already computed from this document's text.
   */
  prepare(raw: Record<string, unknown>, where: ErrorLocation = {}, encoded?: ReadonlyMap<string, EncodedValue>): PreparedDocument {
    const s = this.schema;
    const bad = (field: string, message: string, hint?: string): never => {
      throw new QuarryError('BAD_INPUT', message, { ...where, field }, hint);
    };
    for (const key of Object.keys(raw)) {
      if (!this.known.has(key))
        bad(key, 'unknown field', `declare "${key}" in the schema (fields, store or extra), or remove it from the document`);
    }
    let idValue = raw[s.id];
    if (idValue === undefined && s.id === '_id') idValue = raw.id;
    if (typeof idValue === 'number' && Number.isFinite(idValue)) idValue = String(idValue);
    if (typeof idValue !== 'string' || idValue === '') bad(s.id, 'document has no id', `every document needs a non-empty string "${s.id}"`);
    const id = idValue as string;
    const idProblem = documentIdProblem(id);
    if (idProblem !== null) bad(s.id, idProblem, 'ids are stored as UTF-8 and written into TREC runs, whose columns white space separates');

    const texts = new Map<string, string>();
    const metadata = new Map<string, MetadataValue>();
    const vectors = new Map<string, Float32Array>();
    const sparse = new Map<string, Map<string, number>>();
    const multi = new Map<string, Float32Array>();
    for (const [name, spec] of Object.entries(s.fields)) {
      if (spec.type === 'text') {
        const parts: string[] = [];
        for (const src of sourcesOf(name, spec)) {
          const v = raw[src];
          if (v === undefined || v === null) parts.push('');
          else if (typeof v === 'string') parts.push(v);
          else bad(src, `expected a string, found ${describe(v)}`);
        }
        texts.set(name, parts.join(spec.join));
        continue;
      }
      const src = spec.from ?? name;
      const v = raw[src];
      if ((spec.type === 'sparse' || spec.type === 'multivector') && spec.encoder !== undefined) {
        // encodeAsyncFields read (and checked) the text; here only its result is taken
        const e = encoded?.get(name);
        if (e === undefined)
          bad(
            name,
            `field "${name}" is encoded by a transformer, which runs asynchronously`,
            'add documents with writer.addBatchAsync (quarry index and the server do)',
          );
        if (spec.type === 'sparse') sparse.set(name, e as Map<string, number>);
        else multi.set(name, e as Float32Array);
        continue;
      }
      if (spec.type === 'sparse') {
        sparse.set(name, v === undefined || v === null ? new Map() : parseSparseValue(v, { ...where, field: src }));
        continue;
      }
      if (spec.type === 'multivector') {
        multi.set(name, v === undefined || v === null ? new Float32Array(0) : parseMultiVectorValue(v, spec, { ...where, field: src }));
        continue;
      }
      if (spec.type === 'dense' && spec.encoder !== undefined) {
        if (isAsyncEncoder(spec.encoder)) {
          const v = encoded?.get(name);
          if (v === undefined)
            bad(
              name,
              `field "${name}" is encoded by a transformer, which runs asynchronously`,
              'add documents with writer.addBatchAsync (quarry index and the server do)',
            );
          vectors.set(name, v as Float32Array);
        } else vectors.set(name, this.encoders.get(name)!.encodeDocument(this.textToEncode(raw, spec.encoder.from, where)));
        continue;
      }
      if (spec.type === 'dense') {
        if (v === undefined || v === null) bad(src, `missing vector (dense field "${name}" needs ${spec.dim} numbers)`);
        vectors.set(name, parseJsonVector(v, spec.dim, { ...where, field: src }));
        continue;
      }
      if (v === undefined || v === null) continue;
      if (spec.type === 'keyword') {
        if (typeof v === 'string') metadata.set(name, v);
        else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) metadata.set(name, v as string[]);
        else bad(src, `keyword field expects a string or an array of strings, found ${describe(v)}`);
      } else if (spec.type === 'number') {
        if (typeof v !== 'number' || !Number.isFinite(v)) bad(src, `number field expects a finite number, found ${describe(v)}`);
        metadata.set(name, v as number);
      } else {
        if (typeof v !== 'boolean') bad(src, `boolean field expects true or false, found ${describe(v)}`);
        metadata.set(name, v as boolean);
      }
    }

    const stored: Record<string, unknown> = {};
    if (s.store === 'all') {
      // Vectors are kept by their index, not duplicated as JSON.
      for (const [k, v] of Object.entries(raw))
        if (k !== s.id && !(s.id === '_id' && k === 'id') && !this.vectorSources.has(k)) stored[k] = v;
    } else {
      for (const k of s.store) if (raw[k] !== undefined) stored[k] = raw[k];
    }
    return { id, texts, metadata, vectors, sparse, multi, stored };
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * A sparse vector as `{token: weight}` or as parallel arrays
 * `{indices: [...], values: [...]}` (integer term ids become tokens "17").
 */
export function parseSparseValue(v: unknown, where: ErrorLocation & { field: string }): Map<string, number> {
  const out = new Map<string, number>();
  const check = (token: string, w: unknown): w is number => {
    if (typeof w !== 'number' || !Number.isFinite(w))
      throw new QuarryError('BAD_INPUT', `weight of "${token}" is ${JSON.stringify(w)}, not a finite number`, where);
    if (w < 0) throw new QuarryError('BAD_INPUT', `weight of "${token}" is negative`, where, 'learned sparse weights are non-negative');
    if (!isFloat32(w))
      throw new QuarryError(
        'BAD_INPUT',
        `weight of "${token}" is ${w}, outside the float32 range`,
        where,
        `weights are stored as float32: <= ${FLOAT32_MAX}`,
      );
    return w > 0;
  };
  // indices may repeat (their weights add up); object keys cannot
  const add = (token: string, w: unknown): void => {
    if (check(token, w)) out.set(token, (out.get(token) ?? 0) + w);
  };
  if (v === null || typeof v !== 'object') throw new QuarryError('BAD_INPUT', 'expected {token: weight} or {indices, values}', where);
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.indices) || Array.isArray(o.values)) {
    const idx = o.indices;
    const vals = o.values;
    if (!Array.isArray(idx) || !Array.isArray(vals) || idx.length !== vals.length) {
      throw new QuarryError('BAD_INPUT', '"indices" and "values" must be arrays of the same length', where);
    }
    idx.forEach((i, j) => {
      if (!Number.isInteger(i) || (i as number) < 0)
        throw new QuarryError('BAD_INPUT', `indices[${j}] is ${JSON.stringify(i)}, not a term id`, where);
      add(String(i), vals[j]);
    });
    return out;
  }
  if (Array.isArray(v)) throw new QuarryError('BAD_INPUT', 'expected {token: weight} or {indices, values}, found an array', where);
  for (const token of Object.keys(o)) {
    const w = o[token];
    if (check(token, w)) out.set(token, w);
  }
  return out;
}

/**
 * A multi-vector value: an array of token vectors, or `{vectors, tokens}`
 * with one label per vector (used by `skipTokens`). Applies the field's
 * pruning; returns the kept rows, in order, in one array.
 */
function parseMultiVectorValue(v: unknown, spec: MultiVectorFieldSpec, where: ErrorLocation & { field: string }): Float32Array {
  let vectors: unknown = v;
  let tokens: unknown[] | null = null;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (k !== 'vectors' && k !== 'tokens')
        throw new QuarryError(
          'BAD_INPUT',
          `unknown key "${k}" in a multi-vector value`,
          where,
          'give {"vectors": [[...], ...], "tokens": [...]} or just the array of vectors',
        );
    vectors = o.vectors;
    if (o.tokens !== undefined) {
      if (!Array.isArray(o.tokens)) throw new QuarryError('BAD_INPUT', 'tokens must be an array (one label per vector)', where);
      tokens = o.tokens;
    }
  }
  if (!Array.isArray(vectors))
    throw new QuarryError('BAD_INPUT', `expected an array of ${spec.dim}-number vectors, found ${describe(vectors)}`, where);
  if (tokens !== null && tokens.length !== vectors.length)
    throw new QuarryError('BAD_INPUT', `${vectors.length} vectors but ${tokens.length} tokens`, where, 'give one token label per vector');
  const skip = spec.skipTokens.length > 0 && tokens !== null ? new Set(spec.skipTokens) : null;
  const rows: Float32Array[] = [];
  vectors.forEach((row, i) => {
    const vec = parseJsonVector(row, spec.dim, { ...where, field: `${where.field}[${i}]` });
    if (skip === null || !skip.has(String(tokens![i]))) rows.push(vec);
  });
  let kept = rows;
  if (spec.keepTopByNorm > 0 && rows.length > spec.keepTopByNorm) {
    const norms = rows.map((r) => r.reduce((a, x) => a + x * x, 0));
    const order = rows.map((_, i) => i).sort((a, b) => norms[b]! - norms[a]! || a - b);
    const keep = new Set(order.slice(0, spec.keepTopByNorm));
    kept = rows.filter((_, i) => keep.has(i));
  }
  const out = new Float32Array(kept.length * spec.dim);
  kept.forEach((r, i) => out.set(r, i * spec.dim));
  return out;
}

const LONE_SURROGATE = /\p{Cs}/u;
const SPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/**
 * What is wrong with a document id, or null: half of a surrogate pair cannot be stored
 * as UTF-8 (it would become U+FFFD, and two ids one), and white space or a control
 * character would split or break the id's TREC run line.
 */
export function documentIdProblem(id: string): string | null {
  if (LONE_SURROGATE.test(id)) return `id ${JSON.stringify(id)} holds half of a surrogate pair (not valid Unicode)`;
  if (SPACE_OR_CONTROL.test(id)) return `id ${JSON.stringify(id)} holds white space or a control character`;
  return null;
}
