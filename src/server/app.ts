/**
 * The HTTP server: Fastify with Quarry's routes, API-key access control,
 * JSON errors for every failure, Prometheus metrics, CORS only when
 * configured, and a graceful close that lets in-flight requests finish and
 * then commits pending writes.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, toErrorResponse } from './api-error.js';
import { findKey, roleAllows } from './api-keys.js';
import { CollectionRegistry } from './collection-registry.js';
import { registerCollectionRoutes } from './routes/collection-routes.js';
import { registerDocumentRoutes } from './routes/document-routes.js';
import { registerPageRoutes } from './routes/page-routes.js';
import { registerSearchRoutes } from './routes/search-routes.js';
import { registerSystemRoutes } from './routes/system-routes.js';
import { resolveServerOptions, type RouteAccess, type ServerContext, type ServerOptions } from './server-context.js';
import { ServerMetrics } from './server-metrics.js';
import { SearchThreadPool } from './search-threads/search-thread-pool.js';

/** Quarry's version, reported by `/health` and the OpenAPI document. */
export const SERVER_VERSION = '0.1.0';

/** A built (not yet listening) server. */
export interface QuarryServer {
  readonly app: FastifyInstance;
  readonly context: ServerContext;
  /** Starts listening; returns the base URL. */
  listen(host: string, port: number): Promise<string>;
  /** Stops accepting requests, lets in-flight ones finish, commits pending writes and releases locks. */
  close(): Promise<void>;
}

type TimedRequest = FastifyRequest & { quarryStart?: number };

/** Query parameters whose values are never logged: someone may send a key in the URL by mistake. */
const SECRET_PARAM = /key|token|secret|passw|auth/i;

/** `url` with the values of secret-looking query parameters replaced by "[redacted]". */
export function redactUrlSecrets(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((kv) => {
      const eq = kv.indexOf('=');
      const name = eq < 0 ? kv : kv.slice(0, eq);
      return eq >= 0 && SECRET_PARAM.test(name) ? `${name}=[redacted]` : kv;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

function presentedKey(req: FastifyRequest): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  return null;
}

/**
 * Node's own idle-connection closing destroys sockets whose last response
 * may still sit in the socket's write buffer, truncating it. Closing here
 * ends idle sockets instead (flushing first) and ends busy ones as soon as
 * their response has been sent.
 */
function gentleClose(app: FastifyInstance): void {
  const inFlight = new Map<Socket, number>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const s = req.socket;
    inFlight.set(s, (inFlight.get(s) ?? 0) + 1);
    res.once('close', () => {
      const n = Math.max(0, (inFlight.get(s) ?? 1) - 1);
      inFlight.set(s, n);
      if (closing && n === 0) s.end();
    });
  });
  app.server.closeIdleConnections = () => {
    closing = true;
    for (const [socket, n] of inFlight) if (n === 0) socket.end();
  };
  app.addHook('preClose', async () => {
    app.server.closeIdleConnections();
  });
}

/** Builds a server over `options.dataDir`. */
export async function createServer(options: ServerOptions): Promise<QuarryServer> {
  const o = resolveServerOptions(options);
  const collections = new CollectionRegistry(o.dataDir);
  const searchThreads = SearchThreadPool.start(o.searchThreads);
  const metrics = new ServerMetrics(collections, searchThreads);
  const context: ServerContext = { options: o, collections, metrics, searchThreads, startedAt: Date.now(), version: SERVER_VERSION };
  const app = Fastify({
    bodyLimit: o.bodyLimit,
    requestTimeout: o.timeoutMs,
    // Node checks request deadlines every connectionsCheckingInterval (30 s by default), so a
    // body trickled in slowly outlived a shorter timeout: check as often as the deadline needs.
    serverFactory: (handler) =>
      createHttpServer(
        { requestTimeout: o.timeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(o.timeoutMs / 4))) },
        handler,
      ),
    forceCloseConnections: false,
    return503OnClosing: true,
    logger: o.logRequests
      ? {
          level: 'info',
          redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
          serializers: {
            req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
              method: req.method,
              url: redactUrlSecrets(req.url),
              hostname: req.hostname,
              remoteAddress: req.ip,
            }),
          },
        }
      : false,
    // malformed URLs and oversized headers answer in the API's error shape, like every other error
    frameworkErrors: (err, _req, reply) => {
      const body = {
        error: {
          code: 'BAD_REQUEST',
          message: err.code === 'FST_ERR_BAD_URL' ? 'the URL is not valid: a percent sign must start a %XX escape of UTF-8' : err.message,
          path: 'url',
        },
      };
      void (reply as unknown as FastifyReply).code(400).send(body);
    },
    clientErrorHandler: (err: Error & { code?: string }, socket: Socket) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return;
      const large = err.code === 'HPE_HEADER_OVERFLOW';
      const late = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const status = large ? 431 : late ? 408 : 400;
      const reason = large ? 'Request Header Fields Too Large' : late ? 'Request Timeout' : 'Bad Request';
      const body = JSON.stringify({
        error: large
          ? {
              code: 'TOO_LARGE',
              message: 'the request headers are larger than the server accepts',
              path: 'headers',
              hint: 'send shorter headers',
            }
          : late
            ? { code: 'TIMEOUT', message: 'the request took longer to arrive than the server allows' }
            : { code: 'BAD_REQUEST', message: 'the request is not valid HTTP' },
      });
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      // as Fastify's own handler does: the client may never end its side (a body still trickling in)
      socket.destroy();
    },
  });

  // JSON everywhere, NDJSON for bulk documents; plain text is refused (415) rather than read as a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: o.bodyLimit }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req: TimedRequest) => {
    req.quarryStart = performance.now();
    const access = req.routeOptions.config as Partial<RouteAccess> | undefined;
    const role = access?.role ?? 'none';
    if (role === 'none' || o.keys.length === 0) return;
    const presented = presentedKey(req);
    if (presented === null)
      throw new ApiError(
        401,
        'UNAUTHORIZED',
        'this endpoint needs an API key',
        'authorization',
        'send "Authorization: Bearer KEY" or "X-API-Key: KEY"',
      );
    const key = findKey(o.keys, presented);
    if (key === null) throw new ApiError(401, 'UNAUTHORIZED', 'the API key is not valid', 'authorization');
    if (!roleAllows(key.role, role))
      throw new ApiError(403, 'FORBIDDEN', `key "${key.name}" has role ${key.role}; this endpoint needs ${role}`, 'authorization');
  });

  app.addHook('onResponse', async (req: TimedRequest, reply) => {
    const seconds = req.quarryStart === undefined ? 0 : (performance.now() - req.quarryStart) / 1000;
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, seconds);
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500 && body.error.code === 'INTERNAL') req.log.error({ err }, 'request failed');
    if (status >= 500 && body.error.code === 'INTERNAL' && !o.logRequests)
      console.error(
        `quarry serve: ${req.method} ${req.routeOptions.url ?? req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    // the API lives under /v1; a path that would match there most likely just lacks the prefix
    const hint = path.startsWith('/collections') ? `the API is versioned: ${req.method} /v1${path}` : 'see /openapi.json for the API';
    return reply.status(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `no route ${req.method} ${path}`, hint } });
  });

  if (o.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: o.corsOrigins.length === 1 && o.corsOrigins[0] === '*' ? '*' : o.corsOrigins,
      allowedHeaders: ['authorization', 'x-api-key', 'content-type'],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
    });
  }

  registerSystemRoutes(app, context);
  registerCollectionRoutes(app, context);
  registerDocumentRoutes(app, context);
  registerSearchRoutes(app, context);
  registerPageRoutes(app);

  gentleClose(app);

  app.addHook('onClose', async () => {
    await searchThreads?.close();
    const { failed } = collections.closeAll(true);
    if (failed.length > 0)
      throw new Error(
        `could not commit ${failed.map((f) => `${f.name} (${f.error})`).join('; ')}; every other collection was committed and every lock released`,
      );
  });

  return {
    app,
    context,
    async listen(host: string, port: number): Promise<string> {
      await app.listen({ host, port });
      const addr = app.server.address();
      const p = typeof addr === 'object' && addr !== null ? addr.port : port;
      return `http://${host.includes(':') ? `[${host}]` : host}:${p}`;
    },
    close: () => app.close(),
  };
}
