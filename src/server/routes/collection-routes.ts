/** Listing, creating, describing and dropping collections. */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import { readBenchResults } from '../bench-results.js';
import { createCollectionBody, parseRequest } from '../request-schemas.js';
import { confineSchemaModels } from '../model-folders.js';
import type { RouteAccess, ServerContext } from '../server-context.js';
import { isQuarryError } from '../../core/quarry-error.js';

interface NameParams {
  name: string;
}

/** Registers `/v1/collections` routes. */
export function registerCollectionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const read: RouteAccess = { role: 'read' };
  const admin: RouteAccess = { role: 'admin' };

  app.get('/v1/collections', { config: read }, () => ({
    collections: ctx.collections.names().map((name) => {
      try {
        // the manifest and the text fields' tables of contents; no snapshot is opened for a listing
        const c = ctx.collections.get(name);
        const info = c.info();
        return { name, documents: info.documents, generation: info.generation, segments: info.segments.length, bytes: info.bytes };
      } catch (e) {
        // one damaged collection is listed with what is wrong; it does not hide the others
        if (!isQuarryError(e)) throw e;
        return { name, error: { code: e.code, message: e.message } };
      }
    }),
  }));

  app.get<{ Params: NameParams }>('/v1/collections/:name', { config: read }, (req) => {
    const c = ctx.collections.get(req.params.name);
    const info = c.info();
    return {
      name: c.name,
      generation: info.generation,
      documents: info.documents,
      bytes: info.bytes,
      segments: info.segments,
      fields: info.fields,
      schema: info.schema,
      stats: { ...c.stats, uncommittedChanges: c.hasUncommittedChanges },
    };
  });

  app.put<{ Params: NameParams }>('/v1/collections/:name', { config: admin }, (req, reply) => {
    const body = parseRequest(createCollectionBody, req.body, 'body');
    const c = ctx.collections.create(req.params.name, confineSchemaModels(body.schema, ctx.options.modelDirs));
    void reply.status(201);
    return { name: c.name, generation: c.generation, schema: c.collection.schema };
  });

  app.delete<{ Params: NameParams }>('/v1/collections/:name', { config: admin }, (req) => {
    const key = ctx.collections.get(req.params.name).key;
    ctx.collections.drop(req.params.name);
    ctx.searchThreads?.forget(key);
    return { dropped: req.params.name };
  });

  app.get('/v1/bench', { config: read }, () => {
    if (ctx.options.benchDir === null)
      throw new ApiError(
        404,
        'NOT_FOUND',
        'this server shows no benchmark results',
        undefined,
        'start it with --bench DIR (e.g. bench/out)',
      );
    return { files: readBenchResults(ctx.options.benchDir) };
  });
}
