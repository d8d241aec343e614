/** `/health`, `/metrics` and `/openapi.json`. */
import type { FastifyInstance } from 'fastify';
import { kernelBackend } from '../../kernels/wasm/kernel-module.js';
import { buildOpenApi } from '../openapi.js';
import type { RouteAccess, ServerContext } from '../server-context.js';

/** Registers the unauthenticated system routes. */
export function registerSystemRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const open: RouteAccess = { role: 'none' };
  const openapi = buildOpenApi(ctx.version);

  app.get('/health', { config: open }, () => ({
    status: 'ok',
    version: ctx.version,
    uptime_s: (Date.now() - ctx.startedAt) / 1000,
    collections: ctx.collections.names().length,
    auth: ctx.options.keys.length > 0,
    kernels: kernelBackend(),
  }));

  app.get('/metrics', { config: open }, async (_req, reply) => {
    const text = await ctx.metrics.text();
    return reply.type(ctx.metrics.contentType).send(text);
  });

  app.get('/openapi.json', { config: open }, () => openapi);
}
