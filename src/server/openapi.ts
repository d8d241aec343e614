/**
 * The OpenAPI 3 document served at `/openapi.json`, generated from the zod
 * schemas that validate requests (request-schemas.ts).
 */
import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { whereSchema } from '../search/where.js';
import { commitBody, createCollectionBody, deleteBody, documentsBody, errorBody, runBody, searchBody } from './request-schemas.js';

type Json = Record<string, unknown>;

/** Recursive schemas (filters nest) become named components referenced by `$ref`. */
const NAMED = { Where: whereSchema };
const DEFINITIONS_KEY = 'components/schemas';

function schemaOf(s: z.ZodTypeAny, components: Json): Json {
  // definitionPath is typed as a fixed set of names but accepts any path; it yields "#/components/schemas/Where" refs.
  const out = zodToJsonSchema(s, {
    target: 'openApi3',
    definitions: NAMED,
    definitionPath: DEFINITIONS_KEY as 'definitions',
    basePath: ['#'],
  }) as Json;
  Object.assign(components, (out[DEFINITIONS_KEY] as Json | undefined) ?? {});
  delete out[DEFINITIONS_KEY];
  delete out.$schema;
  return out;
}

interface Operation {
  summary: string;
  role: 'none' | 'read' | 'write' | 'admin';
  body?: z.ZodTypeAny;
  ndjsonBody?: boolean;
  query?: Json[];
  response: string;
  ndjsonResponse?: boolean;
}

const NAME_PARAM: Json = {
  name: 'name',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
};

const OPERATIONS: Record<string, Record<string, Operation>> = {
  '/health': {
    get: {
      summary: 'Liveness: status, uptime, collection count and kernel backend (wasm-simd or typescript)',
      role: 'none',
      response: 'status',
    },
  },
  '/metrics': {
    get: { summary: 'Prometheus text: request counts, latencies, index sizes', role: 'none', response: 'Prometheus text exposition' },
  },
  '/openapi.json': { get: { summary: 'This document', role: 'none', response: 'OpenAPI 3 document' } },
  '/v1/collections': {
    get: { summary: 'List collections with document counts and sizes', role: 'read', response: '{collections: [...]}' },
  },
  '/v1/collections/{name}': {
    get: { summary: 'Collection info (schema, segments, fields, sizes) and stats', role: 'read', response: 'info and stats' },
    put: {
      summary: 'Create a collection with a schema (docs/schema.md)',
      role: 'admin',
      body: createCollectionBody,
      response: 'the created collection',
    },
    delete: { summary: 'Drop a collection and its files', role: 'admin', response: '{dropped: name}' },
  },
  '/v1/collections/{name}/documents': {
    post: {
      summary: 'Bulk add or update documents (JSON, or NDJSON with ?mode=&commit=); a bad document rejects the whole request',
      role: 'write',
      body: documentsBody,
      ndjsonBody: true,
      query: [
        { name: 'mode', in: 'query', schema: { type: 'string', enum: ['add', 'update'] }, description: 'NDJSON bodies only' },
        { name: 'commit', in: 'query', schema: { type: 'string', enum: ['true', 'false'] }, description: 'NDJSON bodies only' },
      ],
      response: '{added, replaced, uncommitted, generation?}',
    },
  },
  '/v1/collections/{name}/delete': {
    post: { summary: 'Delete documents by id', role: 'write', body: deleteBody, response: '{deleted, missing, generation?}' },
  },
  '/v1/collections/{name}/commit': {
    post: { summary: 'Commit pending writes (optionally merging all segments)', role: 'write', body: commitBody, response: '{generation}' },
  },
  '/v1/collections/{name}/search': {
    post: {
      summary: 'Search with a query spec (docs/query-spec.md): legs, fusion, filters, facets, explain',
      role: 'read',
      body: searchBody,
      query: [
        { name: 'highlight', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
        { name: 'stored', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
      ],
      response: '{hits, total, facets?, took_ms}',
    },
  },
  '/v1/collections/{name}/run': {
    post: {
      summary: 'Run a query batch and evaluate it against posted qrels (Accept: application/x-ndjson streams one line per query)',
      role: 'read',
      body: runBody,
      response: '{results, evaluation?}',
      ndjsonResponse: true,
    },
  },
  '/v1/bench': {
    get: { summary: 'Benchmark result files shown by the evaluation page', role: 'read', response: '{files: [{name, data}]}' },
  },
};

/** Builds the OpenAPI document. */
export function buildOpenApi(version: string): Json {
  const schemas: Json = {};
  const error = { description: 'error', content: { 'application/json': { schema: schemaOf(errorBody, schemas) } } };
  const paths: Json = {};
  for (const [path, ops] of Object.entries(OPERATIONS)) {
    const item: Json = {};
    for (const [method, op] of Object.entries(ops)) {
      const o: Json = {
        summary: op.summary,
        'x-quarry-role': op.role,
        parameters: [...(path.includes('{name}') ? [NAME_PARAM] : []), ...(op.query ?? [])],
        responses: {
          '200': {
            description: op.response,
            content: op.ndjsonResponse ? { 'application/json': {}, 'application/x-ndjson': {} } : { 'application/json': {} },
          },
          '400': error,
          ...(op.role !== 'none' ? { '401': error, '403': error } : {}),
          ...(path.includes('{name}') ? { '404': error } : {}),
          '413': error,
        },
      };
      if (op.role !== 'none') o.security = [{ bearer: [] }, { apiKey: [] }];
      if (op.body !== undefined) {
        const content: Json = { 'application/json': { schema: schemaOf(op.body, schemas) } };
        if (op.ndjsonBody)
          content['application/x-ndjson'] = { schema: { type: 'string', description: 'one document (JSON object) per line' } };
        o.requestBody = { required: method !== 'post' || op.body !== commitBody, content };
      }
      item[method] = o;
    }
    paths[path] = item;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Quarry',
      version,
      description: 'Quarry retrieval engine HTTP API. Send keys as `Authorization: Bearer KEY` or `X-API-Key: KEY`.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
  };
}
