/**
 * Collection schemas: which property of a document is its id, which text
 * fields are indexed for BM25 (from which properties, with which analyzer and
 * parameters), which metadata fields (keyword, number, boolean) are kept as
 * columns for filters, and which properties are stored for display.
 */
import { z } from 'zod';
import { QuarryError } from '../core/quarry-error.js';
import { DENSE_FAMILIES, denseFamily, FLOAT_RESCORING_FAMILIES } from '../index/dense/dense-registry.js';
import { paramRangeProblem, type ParamRanges } from '../index/param-ranges.js';
import { SPARSE_FAMILIES, sparseFamily } from '../index/sparse/sparse-registry.js';
import { ANALYZER_PRESETS, analyzerConfigSchema } from '../text/analyzer.js';
import { fdeDimension, muveraParamsSchema } from '../index/multivector/params.js';
import { encoderSpecSchema } from '../encode/dense-text-encoder.js';
import { sparseEncoderSpecSchema, tokenEncoderSpecSchema } from '../encode/field-encoders.js';
import { rerankerSchema } from '../encode/reranker-spec.js';
import { BM25_DEFAULTS } from '../index/inverted/params.js';

export type { RerankerSpec } from '../encode/reranker-spec.js';

const fieldName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'field names use letters, digits, "_", "." and "-", and start with a letter or "_"');

const textField = z
  .object({
    type: z.literal('text'),
    /** Document properties whose text is indexed, joined by `join` (default: the field's own name). */
    from: z.array(z.string().min(1)).min(1).optional(),
    join: z.string().default('\n'),
    /** Analyzer preset name or settings (default `english`, Anserini's analysis). */
    analyzer: z.union([z.string(), analyzerConfigSchema.partial()]).default('english'),
    k1: z.number().positive().default(BM25_DEFAULTS.k1),
    b: z.number().min(0).max(1).default(BM25_DEFAULTS.b),
    /** Keep each term's token positions, for phrase queries (default true; false saves their space). */
    positions: z.boolean().default(true),
  })
  .strict();

const keywordField = z.object({ type: z.literal('keyword'), from: z.string().min(1).optional() }).strict();
const numberField = z.object({ type: z.literal('number'), from: z.string().min(1).optional() }).strict();
const booleanField = z.object({ type: z.literal('boolean'), from: z.string().min(1).optional() }).strict();

const denseField = z
  .object({
    type: z.literal('dense'),
    from: z.string().min(1).optional(),
    dim: z.number().int().positive().max(65536),
    metric: z.enum(['cosine', 'dot', 'l2']).default('cosine'),
    /** Index family: flat (exact), hnsw, int8, binary, ivfpq. */
    index: z.enum(DENSE_FAMILIES).default('hnsw'),
    /** Family parameters, named as in the family's params.ts. */
    params: z.record(z.number()).default({}),
    /**
     * Where int8, binary and ivfpq keep the float rows they rescore candidates with
     * once a segment is open: `memory` (the default) or `disk` (left in the segment
     * file, only the candidates' rows read per query, so memory holds the codes alone).
     */
    floats: z.enum(['memory', 'disk']).optional(),
    /** Encode document text (and query text) into this field with a model, instead of reading vectors. */
    encoder: encoderSpecSchema.optional(),
    /**
     * Recall@10 that searches without explicit parameters aim for (default 0.95): each segment of an
     * approximate family measures its recall curve when it is built and searches with the cheapest
     * setting that reaches this.
     */
    targetRecall: z.number().gt(0).max(1).optional(),
    /**
     * The trained codebook the field's segments are encoded with (`codebooks/<field>.v<version>.safetensors`),
     * set by `quarry train-codes`: IVF-PQ codebooks (jpq, distill-vq) for ivfpq fields, a binarizer (bebr) for binary fields.
     */
    codebook: z
      .object({ version: z.number().int().positive(), method: z.enum(['jpq', 'distill-vq', 'bebr']) })
      .strict()
      .optional(),
  })
  .strict();

const sparseField = z
  .object({
    type: z.literal('sparse'),
    from: z.string().min(1).optional(),
    /** `exact` (inverted index, MaxScore) or `seismic` (approximate). */
    index: z.enum(SPARSE_FAMILIES).default('exact'),
    /** Seismic build parameters (nPostings, maxFraction, centroidFraction, summaryEnergy, minClusterSize, kmeansDocCut, valueBits, knn, seed). */
    params: z.record(z.number()).default({}),
    /** A transformer that encodes the text of `encoder.from` (SPLADE or term weights) instead of reading vectors. */
    encoder: sparseEncoderSpecSchema.optional(),
    /** Seismic: the recall@10 searches without search parameters aim for (default 0.95), as for dense fields. */
    targetRecall: z.number().gt(0).max(1).optional(),
  })
  .strict();

const multivectorField = z
  .object({
    type: z.literal('multivector'),
    from: z.string().min(1).optional(),
    /** Dimension of each token vector. */
    dim: z.number().int().positive().max(65536),
    /** Token similarity inside MaxSim: `cosine` (tokens normalized) or `dot`. */
    metric: z.enum(['cosine', 'dot']).default('cosine'),
    /** Token vectors as float32, int8 with one scale per token (4x smaller), or sign bits with one scale per token (32x smaller); the last two give approximate MaxSim. */
    storage: z.enum(['float32', 'int8', 'binary']).default('float32'),
    /** Document tokens dropped by label (e.g. punctuation), when documents give `tokens` with their vectors. */
    skipTokens: z.array(z.union([z.string(), z.number()]).transform(String)).default([]),
    /** Keep at most this many tokens per document, those with the largest norms (0 keeps all). */
    keepTopByNorm: z.number().int().min(0).default(0),
    /** MUVERA encodings for candidate generation; without them search is exhaustive MaxSim. */
    muvera: muveraParamsSchema.optional(),
    /** With MUVERA: the recall@10 searches without `candidates` aim for (default 0.95), as for dense fields. */
    targetRecall: z.number().gt(0).max(1).optional(),
    /** A ColBERT-style transformer that encodes the text of `encoder.from` instead of reading token vectors. */
    encoder: tokenEncoderSpecSchema.optional(),
  })
  .strict();

const fieldSchema = z.discriminatedUnion('type', [
  textField,
  keywordField,
  numberField,
  booleanField,
  denseField,
  sparseField,
  multivectorField,
]);

/** The JSON schema of a collection as users write it. */
export const collectionSchemaSchema = z
  .object({
    /** Property holding the document id; `_id` falls back to `id` when absent. */
    id: z.string().min(1).default('_id'),
    fields: z.record(fieldName, fieldSchema).refine((f) => Object.keys(f).length > 0, 'a schema needs at least one field'),
    /** Properties stored for display: `all` (every known property) or a list. */
    store: z.union([z.literal('all'), z.array(z.string().min(1))]).default('all'),
    /** Extra document properties accepted (stored when `store` is `all`) without being indexed. */
    extra: z.array(z.string().min(1)).default([]),
    /** Named cross-encoder rerankers for the query spec's `crossEncoder` stage. */
    rerankers: z.record(fieldName, rerankerSchema).optional(),
  })
  .strict();

/** A validated schema with defaults filled in. */
export type CollectionSchema = z.infer<typeof collectionSchemaSchema>;

/**
 * A schema as written by a user (docs/schema.md): every setting with a default may be
 * left out. `Collection.create` takes this and fills the defaults.
 */
export type SchemaInput = z.input<typeof collectionSchemaSchema>;
/** One field of a schema. */
export type FieldSpec = z.infer<typeof fieldSchema>;
/** A text field of a schema. */
export type TextFieldSpec = z.infer<typeof textField>;
/** A dense vector field of a schema. */
export type DenseFieldSpec = z.infer<typeof denseField>;
/** A learned-sparse vector field of a schema. */
export type SparseFieldSpec = z.infer<typeof sparseField>;
/** A multi-vector (late-interaction) field as stored (defaults filled). */
export type MultiVectorFieldSpec = z.infer<typeof multivectorField>;

/**
 * Checks a field's `params` against what `family` takes: unknown names and values
 * outside their ranges are schema errors naming `path.<name>` (dim: the rows' dimension
 * the family indexes, or null when it does not matter).
 */
function checkFamilyParams(
  path: string,
  family: string,
  ranges: ParamRanges,
  params: Readonly<Record<string, number>>,
  dim: number | null,
  where: string,
): void {
  const allowed = Object.keys(ranges);
  for (const [p, value] of Object.entries(params)) {
    const range = ranges[p];
    if (range === undefined) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `${path}.${p}: not a parameter of ${family}`,
        { file: where },
        allowed.length > 0 ? `${family} takes: ${allowed.join(', ')}` : `${family} takes no parameters`,
      );
    }
    const problem = paramRangeProblem(range, value, dim);
    if (problem !== null)
      throw new QuarryError('BAD_SCHEMA', `${path}.${p}: ${problem}`, { file: where }, `see docs/schema.md for ${family}'s parameters`);
  }
}

/**
 * The default for a BEIR corpus without a schema: one BM25 field `contents`
 * = title + "\n" + text ("flat", as Anserini indexes BEIR), title and text
 * stored, BEIR's `metadata` object accepted.
 */
export const BEIR_FLAT_SCHEMA: CollectionSchema = collectionSchemaSchema.parse({
  id: '_id',
  fields: { contents: { type: 'text', from: ['title', 'text'], join: '\n' } },
  store: 'all',
  extra: ['metadata'],
});

/**
 * Validates a schema object, reporting the first problem with its JSON path.
 * `where` names the source (a file) for the message.
 */
export function parseSchema(input: unknown, where = 'schema'): CollectionSchema {
  const r = collectionSchemaSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new QuarryError('BAD_SCHEMA', `${path}: ${issue.message}`, { file: where }, 'see docs/schema.md for the schema format');
  }
  const schema = r.data;
  for (const [name, spec] of Object.entries(schema.fields)) {
    if (spec.type === 'text' && typeof spec.analyzer === 'string' && !(spec.analyzer in ANALYZER_PRESETS)) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `fields.${name}.analyzer: unknown analyzer "${spec.analyzer}"`,
        { file: where },
        `presets: ${Object.keys(ANALYZER_PRESETS).join(', ')}`,
      );
    }
    if (spec.type === 'sparse')
      checkFamilyParams(
        `fields.${name}.params`,
        spec.index === 'exact' ? 'exact sparse search' : spec.index,
        sparseFamily(spec.index).params,
        spec.params,
        null,
        where,
      );
    if ((spec.type === 'sparse' || spec.type === 'multivector') && spec.encoder !== undefined && spec.from !== undefined) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `fields.${name}.from: give either "from" (a property holding vectors) or "encoder" (whose "from" names the text to encode), not both`,
        { file: where },
      );
    }
    if (spec.type === 'dense' && spec.encoder !== undefined && spec.from !== undefined) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `fields.${name}.from: give either "from" (a property holding vectors) or "encoder" (whose "from" names the text to encode), not both`,
        { file: where },
      );
    }
    if (
      spec.type === 'dense' &&
      spec.codebook !== undefined &&
      (!denseFamily(spec.index).takesCodebooks || (spec.codebook.method === 'bebr') !== (spec.index === 'binary'))
    ) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `fields.${name}.codebook: a ${spec.codebook.method} codebook does not encode ${spec.index} fields (ivfpq takes jpq and distill-vq, binary takes bebr)`,
        {
          file: where,
        },
      );
    }
    if (spec.type === 'dense' && spec.floats === 'disk' && !denseFamily(spec.index).rescoresFromFloats) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `fields.${name}.floats: ${spec.index} searches the float rows themselves, so they stay in memory`,
        { file: where },
        `"floats": "disk" applies to ${FLOAT_RESCORING_FAMILIES.slice(0, -1).join(', ')} and ${FLOAT_RESCORING_FAMILIES.at(-1)}`,
      );
    }
    if (spec.type === 'dense')
      checkFamilyParams(`fields.${name}.params`, spec.index, denseFamily(spec.index).params, spec.params, spec.dim, where);
    if (spec.type === 'multivector' && spec.muvera !== undefined) {
      const family = spec.muvera.index;
      if (spec.muvera.floats === 'disk' && (family === 'columnar' || !denseFamily(family).rescoresFromFloats)) {
        throw new QuarryError(
          'BAD_SCHEMA',
          `fields.${name}.muvera.floats: ${family} keeps no rescoring floats apart from what it searches`,
          { file: where },
          `"floats": "disk" applies to ${FLOAT_RESCORING_FAMILIES.slice(0, -1).join(', ')} and ${FLOAT_RESCORING_FAMILIES.at(-1)}`,
        );
      }
      // the encodings' family indexes rows of the encoding's dimension, not the tokens'
      checkFamilyParams(
        `fields.${name}.muvera.params`,
        family,
        family === 'columnar' ? {} : denseFamily(family).params,
        spec.muvera.params,
        fdeDimension(spec.muvera, spec.dim),
        where,
      );
    }
  }
  for (const [name, r] of Object.entries(schema.rerankers ?? {})) {
    const unstored = schema.store === 'all' ? [] : r.from.filter((p) => !(schema.store as string[]).includes(p));
    if (unstored.length > 0) {
      throw new QuarryError(
        'BAD_SCHEMA',
        `rerankers.${name}.from: "${unstored[0]}" is not stored`,
        { file: where },
        'a cross-encoder reads stored text: add the property to "store" (or use "store": "all")',
      );
    }
  }
  return schema;
}

/** Source properties a field reads. */
export function sourcesOf(name: string, spec: FieldSpec): string[] {
  if (spec.type === 'text') return spec.from ?? [name];
  if ((spec.type === 'dense' || spec.type === 'sparse' || spec.type === 'multivector') && spec.encoder !== undefined)
    return spec.encoder.from;
  return [spec.from ?? name];
}

/** Every document property the schema knows (id, field sources, stored and extra properties). */
export function knownProperties(schema: CollectionSchema): Set<string> {
  const known = new Set<string>([schema.id]);
  if (schema.id === '_id') known.add('id');
  for (const [name, spec] of Object.entries(schema.fields)) for (const s of sourcesOf(name, spec)) known.add(s);
  if (schema.store !== 'all') for (const s of schema.store) known.add(s);
  for (const s of schema.extra) known.add(s);
  return known;
}

/** Dense vector fields, in schema order. */
export function denseFields(schema: CollectionSchema): [string, DenseFieldSpec][] {
  return Object.entries(schema.fields).filter((e): e is [string, DenseFieldSpec] => e[1].type === 'dense');
}

/** Learned-sparse fields, in schema order. */
export function sparseFields(schema: CollectionSchema): [string, SparseFieldSpec][] {
  return Object.entries(schema.fields).filter((e): e is [string, SparseFieldSpec] => e[1].type === 'sparse');
}

/** Multi-vector fields, in schema order. */
export function multiVectorFields(schema: CollectionSchema): [string, MultiVectorFieldSpec][] {
  return Object.entries(schema.fields).filter((e): e is [string, MultiVectorFieldSpec] => e[1].type === 'multivector');
}

/** Names of the text fields, in schema order. */
export function textFields(schema: CollectionSchema): [string, TextFieldSpec][] {
  return Object.entries(schema.fields).filter((e): e is [string, TextFieldSpec] => e[1].type === 'text');
}

/** A file or folder a schema makes the engine read, and where in the schema it is named. */
export interface SchemaModelPath {
  /** JSON path of the setting, e.g. `fields.emb.encoder.path`. */
  at: string;
  path: string;
  /** Replaces the setting's value (e.g. with the path made absolute). */
  set(path: string): void;
}

/** Every model path of `schema`: field encoders (and their IDF tables) and cross-encoder rerankers. */
export function schemaModelPaths(schema: CollectionSchema): SchemaModelPath[] {
  const out: SchemaModelPath[] = [];
  for (const [name, f] of Object.entries(schema.fields)) {
    if ((f.type === 'dense' || f.type === 'sparse' || f.type === 'multivector') && f.encoder !== undefined) {
      const enc = f.encoder as { path: string; idf?: string };
      out.push({ at: `fields.${name}.encoder.path`, path: enc.path, set: (p) => (enc.path = p) });
      if (enc.idf !== undefined) out.push({ at: `fields.${name}.encoder.idf`, path: enc.idf, set: (p) => (enc.idf = p) });
    }
  }
  for (const [name, r] of Object.entries(schema.rerankers ?? {}))
    out.push({ at: `rerankers.${name}.path`, path: r.path, set: (p) => (r.path = p) });
  return out;
}
