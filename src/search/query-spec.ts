/**
 * The query spec shared by the library, the CLI (`--spec`) and the server:
 * retrieval legs, fusion, filters, k and offset. Validated with zod; errors
 * name the offending path (`retrieve[1].k must be a positive integer`).
 */
import { z } from 'zod';
import { FLOAT32_MAX, isFloat32 } from '../io/vector-files.js';
import { checkNestingDepth } from '../core/checks.js';
import { QuarryError } from '../core/quarry-error.js';
import { describeIssue, formatIssuePath } from '../core/zod-issue.js';
import { whereSchema } from './where.js';

const FLOAT32_MESSAGE = `must be within the float32 range (|x| <= ${FLOAT32_MAX})`;

/**
 * Vector components a query sends: what float32 storage holds, so scores cannot overflow to
 * null. Checked in one loop over the array: a refinement per component cost about a
 * microsecond and a half each, which every query with a 300-d vector paid (half a millisecond).
 */
const float32List = z
  // a Float32Array (what the package's encoders return) is taken as its numbers
  .preprocess(
    (v) => (v instanceof Float32Array ? Array.from(v) : v),
    z.array(z.number()).superRefine((xs, ctx) => {
      for (let i = 0; i < xs.length; i++)
        if (!isFloat32(xs[i]!)) {
          ctx.addIssue({ code: 'custom', path: [i], message: FLOAT32_MESSAGE });
          return;
        }
    }),
  ) as unknown as z.ZodType<number[], z.ZodTypeDef, number[] | Float32Array>;

/** Sparse query weights by token, in the float32 range (one loop, as float32List). */
const float32Weights = z.record(z.number()).superRefine((ws, ctx) => {
  for (const [token, w] of Object.entries(ws))
    if (!isFloat32(w)) {
      ctx.addIssue({ code: 'custom', path: [token], message: FLOAT32_MESSAGE });
      return;
    }
});

const leg = z
  .object({
    /** The field the leg searches (for a text leg searching several fields: give `fields` instead). */
    field: z.string().min(1).optional(),
    /**
     * A text leg over several text fields as one BM25 query (each term's scores summed over
     * the fields, as Lucene's multi-field query): their names, or names with boosts.
     */
    fields: z.union([z.array(z.string().min(1)).min(1).max(64), z.record(z.number().positive())]).optional(),
    /** Text for BM25 fields. */
    text: z.string().optional(),
    /** How a BM25 leg reads its text: `terms` (default, a bag of words as Anserini) or `lucene` (classic query syntax: "phrases", +must, -not, AND/OR, field:word, prefix*, wild?card, /regexp/, [a TO b], fuzzy~, ^boost). */
    syntax: z.enum(['terms', 'lucene']).optional(),
    /** How a BM25 leg finds its top k: `auto` (default), `pruned` or `exhaustive`; all give the same results. */
    mode: z.enum(['auto', 'pruned', 'exhaustive']).optional(),
    /** RM3 pseudo-relevance feedback for a BM25 leg on one field: fbTerms, fbDocs, originalQueryWeight, maxDocFreqShare (Anserini's defaults for those left out). */
    rm3: z.record(z.unknown()).optional(),
    /** A vector for dense fields. */
    vector: float32List.optional(),
    /**
     * Name of an adapter saved with the collection: `vector` (or the field encoder's vector of `text`) is
     * mapped first: a drift adapter carries a newer model's vectors into the field's space, a trained
     * query adapter (ADORE) moves the field's own query vectors.
     */
    adapter: z.string().min(1).optional(),
    /** {token: weight} for sparse fields. */
    sparse: float32Weights.optional(),
    /** Token vectors for multi-vector fields (MaxSim). */
    multivector: z.array(float32List).min(1).max(1024).optional(),
    /** Candidates this leg contributes (default: max(100, k + offset)). */
    k: z.number().int().positive().max(100_000).optional(),
    /** Family search parameters (efSearch, nprobe, queryCut, ...). */
    params: z.record(z.number()).optional(),
    /**
     * Dense, sparse and multi-vector legs without explicit search parameters: the recall@10 to aim for (default: the
     * field's `targetRecall`, else 0.95); each segment searches with the cheapest setting its
     * measured recall curve says reaches it.
     */
    targetRecall: z.number().gt(0).max(1).optional(),
    /** Weight of this leg in weighted fusion (default 1). */
    weight: z.number().nonnegative().optional(),
    /** Rocchio pseudo-relevance feedback for dense and sparse legs: query' = alpha·query + beta·mean(top `docs` vectors), searched again. */
    prf: z
      .object({
        docs: z.number().int().positive().max(1000).default(10),
        alpha: z.number().nonnegative().default(1),
        beta: z.number().nonnegative().default(0.75),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (l) => [l.text, l.vector, l.sparse, l.multivector].filter((x) => x !== undefined).length === 1,
    'give exactly one of text, vector, sparse, multivector',
  )
  .refine((l) => l.adapter === undefined || l.vector !== undefined || l.text !== undefined, {
    message: 'an adapter maps a vector: give "vector" (or "text" on a dense field with an encoder) with it',
    path: ['adapter'],
  })
  .refine((l) => l.syntax === undefined || l.text !== undefined, {
    message: 'syntax says how text is read: give "text" with it',
    path: ['syntax'],
  })
  .refine((l) => l.field !== undefined || l.fields !== undefined, { message: 'give the field the leg searches', path: ['field'] })
  .refine((l) => l.fields === undefined || l.text !== undefined, {
    message: 'several fields are searched by a text leg: give "text" with them',
    path: ['fields'],
  })
  .refine((l) => l.fields === undefined || l.field === undefined || fieldNames(l.fields).includes(l.field), {
    message: 'with "fields", "field" (if given) must be one of them',
    path: ['field'],
  })
  .refine((l) => l.mode === undefined || l.text !== undefined, {
    message: 'mode applies to text legs: give "text" with it',
    path: ['mode'],
  })
  .refine((l) => l.rm3 === undefined || l.text !== undefined, { message: 'RM3 expands text: give "text" with it', path: ['rm3'] })
  // a leg always names a field: a multi-field leg its first one (fields lists them all)
  .transform((l) => ({ ...l, field: l.field ?? fieldNames(l.fields!)[0]! }));

/** The text fields a text leg searches: its `fields`, or its one `field`. */
export function legTextFields(leg: {
  field: string;
  fields?: readonly string[] | Readonly<Record<string, number>>;
}): readonly string[] | Readonly<Record<string, number>> {
  return leg.fields ?? [leg.field];
}

/** The names of the text fields a text leg searches. */
export function legFieldNames(leg: { field: string; fields?: readonly string[] | Readonly<Record<string, number>> }): string[] {
  return fieldNames(legTextFields(leg));
}

/** The field names of a text leg's `fields`. */
function fieldNames(fields: readonly string[] | Readonly<Record<string, number>>): string[] {
  return Array.isArray(fields) ? [...fields] : Object.keys(fields);
}

const fuse = z.discriminatedUnion('method', [
  z.object({ method: z.literal('rrf'), k: z.number().positive().default(60) }).strict(),
  z.object({ method: z.literal('weighted'), normalize: z.enum(['minmax', 'zscore', 'none']).default('minmax') }).strict(),
  z.object({ method: z.literal('mnz'), normalize: z.enum(['minmax', 'zscore', 'none']).default('minmax') }).strict(),
]);

const rerank = z
  .object({
    /** A multi-vector field (MaxSim) or a dense field (exact similarity from the stored vectors). */
    field: z.string().min(1),
    /** The query's token vectors, for a multi-vector field. */
    multivector: z.array(float32List).min(1).max(1024).optional(),
    /** The query vector, for a dense field. */
    vector: float32List.optional(),
    /** Query text, for a dense field with an encoder. */
    text: z.string().optional(),
    /** First-stage candidates reranked (κ). */
    depth: z.number().int().positive().max(100_000).default(100),
    /** Skip candidates whose first-stage score is below (1 − alpha) × the k-th first-stage score. */
    alpha: z.number().min(0).max(1).optional(),
    /** Stop after beta consecutive candidates fail to enter the top k. */
    beta: z.number().int().positive().optional(),
  })
  .strict()
  .refine(
    (r) => [r.multivector, r.vector, r.text].filter((x) => x !== undefined).length === 1,
    'give exactly one of multivector, vector, text',
  );

/** Zod schema of a query spec. */
export const querySpecSchema = z
  .object({
    retrieve: z.array(leg).min(1).max(16),
    fuse: fuse.optional(),
    filter: z
      .object({
        where: whereSchema.optional(),
        /** Keep candidates whose calibrated probability of relevance (see `quarry calibrate`) is at least this. */
        minRelevance: z.number().min(0).max(1).optional(),
        /**
         * Documents the collection's audit flagged (`quarry audit --save`): `"exclude"` drops them,
         * `{"downweight": f}` multiplies their fused scores by f (between 0 and 1; a negative score is
         * divided by f instead, so a flagged document always loses ground).
         */
        flagged: z.union([z.literal('exclude'), z.object({ downweight: z.number().gt(0).lt(1) }).strict()]).optional(),
      })
      .strict()
      .optional(),
    k: z.number().int().positive().max(10_000).default(10),
    offset: z.number().int().nonnegative().max(100_000).default(0),
    /** Facet counts for these keyword fields over the filtered candidates. */
    facets: z.array(z.string()).optional(),
    /** Rerank the fused first stage by exact MaxSim on a multi-vector field, with optional early exit. */
    rerank: rerank.optional(),
    /** Rerank the first `depth` results with a cross-encoder the schema names (asynchronous: Snapshot.queryAsync). */
    crossEncoder: z
      .object({
        /** A name under the schema's `rerankers`. */
        reranker: z.string().min(1),
        /** The query text paired with each document. */
        text: z.string().min(1),
        depth: z.number().int().positive().max(1000).default(50),
      })
      .strict()
      .optional(),
    explain: z.boolean().default(false),
  })
  .strict();

/** A validated query spec. */
export type QuerySpec = z.infer<typeof querySpecSchema>;
/** A query spec as written (defaults optional). */
export type QuerySpecInput = z.input<typeof querySpecSchema>;

/** Validates a spec; the first problem is reported with its path. */
export function parseQuerySpec(input: unknown): QuerySpec {
  checkQuerySpecSize(input);
  const r = querySpecSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = formatIssuePath(issue.path);
    throw new QuarryError('BAD_ARGUMENT', `${path || '(spec)'} ${describeIssue(issue)}`, { field: 'spec' });
  }
  return r.data;
}

/** A copy of a spec template with every string equal to "$query" replaced by `text` (for query batches). */
export function fillQueryTemplate(template: unknown, text: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(template), (_k, v: unknown) => (v === '$query' ? text : v)) as Record<string, unknown>;
}

/** The most conditions a filter may hold (Lucene caps a boolean query's clauses likewise). */
export const MAX_FILTER_CONDITIONS = 10_000;

/**
 * Checks what would make validating a spec itself costly, before it is validated: nesting
 * deeper than a filter needs, and a filter of more than MAX_FILTER_CONDITIONS conditions
 * (validation and evaluation grow with them; a filter that long is better a keyword `in`).
 */
export function checkQuerySpecSize(input: unknown, where = 'spec'): void {
  // sizes first: walking a million-key object for its depth alone takes a second
  checkLegSizes(input, where);
  checkNestingDepth(input, where);
  const filter = (input as { filter?: { where?: unknown } } | null)?.filter;
  if (filter === null || typeof filter !== 'object') return;
  let conditions = 0;
  const stack: unknown[] = [filter.where];
  while (stack.length > 0) {
    const w = stack.pop();
    if (w === null || typeof w !== 'object') continue;
    if (Array.isArray(w)) {
      for (const x of w) stack.push(x);
      continue;
    }
    const o = w as Record<string, unknown>;
    if ('and' in o || 'or' in o || 'not' in o) for (const x of Object.values(o)) stack.push(x);
    else conditions += Math.max(1, Object.keys(o).length);
    if (conditions > MAX_FILTER_CONDITIONS)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `holds more than ${MAX_FILTER_CONDITIONS.toLocaleString('en-US')} conditions`,
        { field: `${where === 'spec' ? '' : `${where}.`}filter.where` },
        'use {"field": {"in": [...]}} for many values of one field',
      );
  }
}

/** Most components of one query vector (a dense field's largest dim). */
export const MAX_QUERY_VECTOR_LENGTH = 65_536;
/** Most token vectors of one multi-vector query. */
const MAX_QUERY_TOKENS = 1024;
/** Most terms of one sparse query (learned sparse queries hold tens to hundreds). */
export const MAX_SPARSE_QUERY_TERMS = 10_000;

/**
 * Refuses vectors and sparse queries too large to be real before validation reads them:
 * validating a million-term query alone takes seconds, before any deadline runs.
 */
function checkLegSizes(input: unknown, where: string): void {
  const prefix = where === 'spec' ? '' : `${where}.`;
  const spec = input as { retrieve?: unknown; rerank?: unknown } | null;
  if (spec === null || typeof spec !== 'object') return;
  const parts: [unknown, string][] = [];
  if (Array.isArray(spec.retrieve)) spec.retrieve.forEach((leg, i) => parts.push([leg, `retrieve[${i}]`]));
  parts.push([spec.rerank, 'rerank']);
  for (const [part, at] of parts) {
    if (part === null || typeof part !== 'object') continue;
    const { vector, sparse, multivector } = part as { vector?: unknown; sparse?: unknown; multivector?: unknown };
    if (Array.isArray(vector) && vector.length > MAX_QUERY_VECTOR_LENGTH)
      throw new QuarryError('BAD_ARGUMENT', `has ${vector.length} components; a field has at most ${MAX_QUERY_VECTOR_LENGTH}`, {
        field: `${prefix}${at}.vector`,
      });
    if (sparse !== null && typeof sparse === 'object' && Object.keys(sparse).length > MAX_SPARSE_QUERY_TERMS)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `holds more than ${MAX_SPARSE_QUERY_TERMS.toLocaleString('en-US')} terms`,
        { field: `${prefix}${at}.sparse` },
        'keep the query’s strongest terms',
      );
    if (Array.isArray(multivector) && multivector.length > MAX_QUERY_TOKENS)
      throw new QuarryError('BAD_ARGUMENT', `has ${multivector.length} token vectors; a query has at most ${MAX_QUERY_TOKENS}`, {
        field: `${prefix}${at}.multivector`,
      });
    if (Array.isArray(multivector))
      for (const [t, row] of multivector.entries())
        if (Array.isArray(row) && row.length > MAX_QUERY_VECTOR_LENGTH)
          throw new QuarryError('BAD_ARGUMENT', `has ${row.length} components; a field has at most ${MAX_QUERY_VECTOR_LENGTH}`, {
            field: `${prefix}${at}.multivector[${t}]`,
          });
  }
}
