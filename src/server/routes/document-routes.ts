/** Bulk add/update (JSON or NDJSON), delete and commit. */
import type { FastifyInstance } from 'fastify';
import { isQuarryError, type ErrorLocation } from '../../core/quarry-error.js';
import { ApiError } from '../api-error.js';
import { commitBody, deleteBody, documentsBody, documentsQuery, parseRequest } from '../request-schemas.js';
import type { RouteAccess, ServerContext } from '../server-context.js';

interface NameParams {
  name: string;
}

/** Parses an NDJSON body into objects and their 1-based line numbers; a bad line is a 400 naming `line N`. */
function parseNdjson(text: string): { docs: Record<string, unknown>[]; lines: number[] } {
  const docs: Record<string, unknown>[] = [];
  const lineNumbers: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new ApiError(
        400,
        'BAD_REQUEST',
        `line ${i + 1} is not valid JSON (${(e as Error).message})`,
        `line ${i + 1}`,
        'send one JSON object per line',
      );
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ApiError(400, 'BAD_REQUEST', `line ${i + 1} is not a JSON object`, `line ${i + 1}`);
    docs.push(v as Record<string, unknown>);
    lineNumbers.push(i + 1);
  }
  if (docs.length === 0) throw new ApiError(400, 'BAD_REQUEST', 'the NDJSON body has no documents', 'body');
  return { docs, lines: lineNumbers };
}

/** A document's validation error, with its position in the request as the path (`documents[3].title`, `body:7.title`). */
function documentError(e: unknown): unknown {
  if (!isQuarryError(e)) return e;
  const { file, line, field } = e.location;
  const at = (file ?? '') + (line !== undefined ? `:${line}` : '');
  const path = field === undefined ? at : at === '' ? field : `${at}.${field}`;
  return new ApiError(400, e.code, e.message, path === '' ? undefined : path, e.hint);
}

/** Registers document write routes. */
export function registerDocumentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const write: RouteAccess = { role: 'write' };

  app.post<{ Params: NameParams }>('/v1/collections/:name/documents', { config: write }, async (req) => {
    const c = ctx.collections.get(req.params.name);
    let docs: Record<string, unknown>[];
    let mode: 'add' | 'update';
    let commit: boolean;
    let where: (i: number) => ErrorLocation;
    if (typeof req.body === 'string') {
      const q = parseRequest(documentsQuery, req.query, 'query');
      const parsed = parseNdjson(req.body);
      docs = parsed.docs;
      mode = q.mode;
      commit = q.commit === 'true';
      where = (i) => ({ file: 'body', line: parsed.lines[i]! });
    } else {
      const body = parseRequest(documentsBody, req.body, 'body');
      docs = body.documents;
      mode = body.mode;
      commit = body.commit;
      where = (i) => ({ file: `documents[${i}]` });
    }
    const w = c.writer();
    let r: { added: number; replaced: number };
    try {
      r = w.needsAsyncAdd ? await w.addBatchAsync(docs, mode, where) : w.addBatch(docs, mode, where);
    } catch (e) {
      throw documentError(e);
    }
    c.stats.documentsAdded += docs.length;
    const out: Record<string, unknown> = { added: r.added, replaced: r.replaced, uncommitted: c.hasUncommittedChanges };
    if (commit) {
      out.generation = c.commit();
      out.uncommitted = false;
    }
    return out;
  });

  app.post<{ Params: NameParams }>('/v1/collections/:name/delete', { config: write }, (req) => {
    const c = ctx.collections.get(req.params.name);
    const body = parseRequest(deleteBody, req.body, 'body');
    const w = c.writer();
    const missing: string[] = [];
    for (const id of body.ids) if (!w.delete(id)) missing.push(id);
    c.stats.documentsDeleted += body.ids.length - missing.length;
    const out: Record<string, unknown> = { deleted: body.ids.length - missing.length, missing };
    if (body.commit) out.generation = c.commit();
    return out;
  });

  app.post<{ Params: NameParams }>('/v1/collections/:name/commit', { config: write }, (req) => {
    const c = ctx.collections.get(req.params.name);
    const body = parseRequest(commitBody, req.body ?? {}, 'body');
    const generation = c.commit(body.optimize);
    return { generation, documents: c.documents() };
  });
}
