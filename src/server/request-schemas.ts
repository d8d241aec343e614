/**
 * The zod schemas of every request body and query string. The same objects
 * validate requests (with errors naming the offending path) and generate the
 * OpenAPI document, so the two cannot drift apart.
 */
import { z } from 'zod';
import { collectionSchemaSchema } from '../collection/schema.js';
import { querySpecSchema } from '../search/query-spec.js';
import { checkNestingDepth } from '../core/checks.js';
import { ApiError } from './api-error.js';
import { describeIssue, formatIssuePath } from '../core/zod-issue.js';

/** `PUT /v1/collections/{name}`. */
export const createCollectionBody = z.object({ schema: collectionSchemaSchema }).strict();

/** `POST /v1/collections/{name}/documents` with a JSON body. */
export const documentsBody = z
  .object({
    documents: z.array(z.record(z.unknown())).min(1),
    /** `add` fails on an existing id; `update` replaces it. */
    mode: z.enum(['add', 'update']).default('add'),
    /** Commit after adding, making the documents searchable. */
    commit: z.boolean().default(false),
  })
  .strict();

/** Query string of the NDJSON form of `POST /v1/collections/{name}/documents`. */
export const documentsQuery = z
  .object({
    mode: z.enum(['add', 'update']).default('add'),
    commit: z.enum(['true', 'false']).default('false'),
  })
  .strict();

/** `POST /v1/collections/{name}/delete`. */
export const deleteBody = z.object({ ids: z.array(z.string().min(1)).min(1), commit: z.boolean().default(false) }).strict();

/** `POST /v1/collections/{name}/commit`. */
export const commitBody = z.object({ optimize: z.boolean().default(false) }).strict();

/** `POST /v1/collections/{name}/search`: a query spec (docs/query-spec.md). */
export const searchBody = querySpecSchema;

/** Query string of search: highlighting and stored fields. */
export const searchQuery = z
  .object({
    highlight: z.enum(['true', 'false']).default('false'),
    stored: z.enum(['true', 'false']).default('true'),
  })
  .strict();

const judgment = z.tuple([z.string().min(1), z.string().min(1), z.number().int()]);

/** `POST /v1/collections/{name}/run`: a query batch, optionally evaluated against posted qrels. */
export const runBody = z
  .object({
    /** Queries: text (searched on every text field, or through `template`) or a full spec each. */
    queries: z
      .array(
        z
          .object({ id: z.string().min(1), text: z.string().optional(), spec: z.record(z.unknown()).optional() })
          .strict()
          .refine((q) => (q.text === undefined) !== (q.spec === undefined), 'give exactly one of text, spec'),
      )
      .min(1),
    /** A query spec in which the string "$query" is replaced by each query's text. */
    template: z.record(z.unknown()).optional(),
    /** Results per query (depth of the run). */
    k: z.number().int().positive().default(100),
    /** Judgments: TREC qrels text (`qid 0 docno rel` lines) or [qid, docno, rel] triples. */
    qrels: z.union([z.string().min(1), z.array(judgment).min(1)]).optional(),
    /** trec_eval measures or groups (default `official`). */
    measures: z.array(z.string().min(1)).optional(),
    /** Include per-query measure values. */
    perQuery: z.boolean().default(false),
  })
  .strict();

/** The error body every 4xx/5xx response carries. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      path: z.string().optional(),
      hint: z.string().optional(),
    }),
  })
  .describe('An error: stable code, message, offending path, hint');

/** Parses `input` with `schema`, turning the first issue into a 400 naming its path under `where`. */
export function parseRequest<T extends z.ZodTypeAny>(schema: T, input: unknown, where: 'body' | 'query'): z.infer<T> {
  // recursive validation of deeper input would overflow the stack (a 500 instead of a 400)
  checkNestingDepth(input, where);
  const r = schema.safeParse(input ?? (where === 'query' ? {} : undefined));
  if (r.success) return r.data as z.infer<T>;
  const issue = r.error.issues[0]!;
  const path = formatIssuePath(issue.path);
  throw new ApiError(
    400,
    'BAD_REQUEST',
    `${where}${path === '' ? '' : path.startsWith('[') ? path : `.${path}`} ${describeIssue(issue)}`,
    path === '' ? where : path,
  );
}
