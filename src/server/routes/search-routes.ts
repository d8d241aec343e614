/** Search with a query spec, and query batches evaluated against posted qrels. */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { evaluateRun, parseQrelsText, qrelsFromTriples, reportToJson, type Qrels, type RunData } from '../../eval/index.js';
import { checkQuerySpecSize, fillQueryTemplate, type QuerySpec } from '../../search/query-spec.js';
import { isQuarryError } from '../../core/quarry-error.js';
import { ApiError } from '../api-error.js';
import type { ServedCollection } from '../collection-registry.js';
import { parseRequest, runBody, searchBody, searchQuery } from '../request-schemas.js';
import type { ResolvedServerOptions, RouteAccess, ServerContext } from '../server-context.js';
import {
  answerRun,
  answerSearch,
  type RunRanking,
  type RunRequest,
  type SearchAnswer,
  type SearchJob,
  type SearchRequest,
} from '../search-threads/search-work.js';

interface NameParams {
  name: string;
}

/** Rejects specs beyond the server's caps on k and candidate depth. */
function checkCaps(spec: QuerySpec, o: ResolvedServerOptions, prefix = '', isRun = false): void {
  // A run's k is its depth, bounded by maxDepth below; maxK bounds a page of search results.
  if (!isRun && spec.k > o.maxK)
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `${prefix}k ${spec.k} is above this server's limit of ${o.maxK}`,
      `${prefix}k`,
      'page with offset instead',
    );
  if (spec.offset + spec.k > o.maxDepth)
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `${prefix}offset + k = ${spec.offset + spec.k} is above this server's depth limit of ${o.maxDepth}`,
      `${prefix}offset`,
    );
  if (spec.rerank !== undefined && spec.rerank.depth > o.maxDepth)
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `${prefix}rerank.depth ${spec.rerank.depth} is above this server's depth limit of ${o.maxDepth}`,
      `${prefix}rerank.depth`,
    );
  spec.retrieve.forEach((leg, i) => {
    if (leg.k !== undefined && leg.k > o.maxDepth)
      throw new ApiError(
        400,
        'BAD_REQUEST',
        `${prefix}retrieve[${i}].k ${leg.k} is above this server's depth limit of ${o.maxDepth}`,
        `${prefix}retrieve[${i}].k`,
      );
  });
}

function deadlineOf(req: FastifyRequest, o: ResolvedServerOptions): number {
  return (req as FastifyRequest & { quarryStart?: number }).quarryStart! + o.timeoutMs;
}

/** What is left of a request's time, for the search it runs (at least 1 ms: a search always starts). */
function remainingMs(deadline: number): number {
  return Math.max(1, deadline - performance.now());
}

/** What a search thread needs to know of a job besides its request: which collection, which generation, the request's time. */
function threadJob(ctx: ServerContext, c: ServedCollection): Omit<SearchJob, 'timeoutMs' | 'request'> {
  return { collectionKey: c.key, dir: c.collection.dir, minGeneration: c.generation, requestTimeoutMs: ctx.options.timeoutMs };
}

/** Answers a search on a search thread, or on this thread when the server has none. */
async function search(ctx: ServerContext, c: ServedCollection, request: SearchRequest, deadline: number): Promise<SearchAnswer> {
  if (ctx.searchThreads !== null) return ctx.searchThreads.search({ ...threadJob(ctx, c), request }, deadline);
  // a model may be awaited: hold the snapshot until the answer is built
  const { snapshot, release } = c.lease();
  try {
    return await answerSearch(snapshot, request, remainingMs(deadline));
  } finally {
    release();
  }
}

/** Answers a batch (every query on one snapshot) on a search thread, or on this thread; resolves when the last ranking is in. */
async function runBatch(
  ctx: ServerContext,
  c: ServedCollection,
  request: RunRequest,
  deadline: number,
  onRanking: (r: RunRanking) => void,
): Promise<void> {
  if (ctx.searchThreads !== null) {
    await ctx.searchThreads.run({ ...threadJob(ctx, c), request }, deadline, onRanking);
    return;
  }
  const { snapshot, release } = c.lease();
  try {
    await answerRun(snapshot, request, deadline, ctx.options.timeoutMs, onRanking);
  } finally {
    release();
  }
}

/** Rankings as they arrive, read in order by an async loop (the batch's stream). */
function rankingQueue(): { push: (r: RunRanking) => void; end: (e?: unknown) => void; next: () => Promise<RunRanking | null> } {
  const ready: RunRanking[] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const poke = (): void => {
    wake?.();
    wake = null;
  };
  return {
    push(r) {
      ready.push(r);
      poke();
    },
    end(e) {
      ended = true;
      if (e !== undefined) failure = e;
      poke();
    },
    async next() {
      for (;;) {
        const r = ready.shift();
        if (r !== undefined) return r;
        if (failure !== null) throw failure;
        if (ended) return null;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** Registers search routes. */
export function registerSearchRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const read: RouteAccess = { role: 'read' };
  const o = ctx.options;

  app.post<{ Params: NameParams }>('/v1/collections/:name/search', { config: read }, async (req) => {
    const c = ctx.collections.get(req.params.name);
    checkQuerySpecSize(req.body, 'body');
    const spec = parseRequest(searchBody, req.body, 'body');
    const q = parseRequest(searchQuery, req.query, 'query');
    checkCaps(spec, o);
    const t0 = performance.now();
    const answer = await search(
      ctx,
      c,
      { kind: 'search', spec, stored: q.stored === 'true', highlight: q.highlight === 'true' },
      deadlineOf(req, o),
    );
    c.stats.searches++;
    return { ...answer, took_ms: performance.now() - t0 };
  });

  app.post<{ Params: NameParams }>('/v1/collections/:name/run', { config: read }, async (req, reply) => {
    const c = ctx.collections.get(req.params.name);
    const body = parseRequest(runBody, req.body, 'body');
    if (body.queries.length > o.maxBatchQueries)
      throw new ApiError(
        400,
        'BAD_REQUEST',
        `${body.queries.length} queries are above this server's limit of ${o.maxBatchQueries} per request`,
        'queries',
      );
    if (body.k > o.maxDepth) throw new ApiError(400, 'BAD_REQUEST', `k ${body.k} is above this server's depth limit of ${o.maxDepth}`, 'k');
    let qrels: Qrels | undefined;
    if (body.qrels !== undefined)
      qrels = typeof body.qrels === 'string' ? parseQrelsText(body.qrels, 'qrels') : qrelsFromTriples(body.qrels);
    // Validate every query before running any, so a bad one costs nothing.
    const seen = new Set<string>();
    body.queries.forEach((q, i) => {
      if (seen.has(q.id))
        throw new ApiError(400, 'BAD_REQUEST', `query id "${q.id}" appears twice; a run holds one ranking per query`, `queries[${i}].id`);
      seen.add(q.id);
    });
    const items = body.queries.map((q, i): RunRequest['items'][number] => {
      if (q.text !== undefined && body.template === undefined) return { text: q.text };
      const raw = q.spec ?? fillQueryTemplate(body.template, q.text!);
      checkQuerySpecSize(raw, `queries[${i}].spec`);
      const spec: QuerySpec = parseRequest(searchBody, { ...raw, k: body.k }, 'body');
      checkCaps(spec, o, `queries[${i}].spec.`, true);
      return { spec };
    });
    const request: RunRequest = { kind: 'run', items, k: body.k };
    const deadline = deadlineOf(req, o);
    const run: RunData = new Map();
    const record = (r: RunRanking): void => {
      c.stats.searches++;
      run.set(body.queries[r.index]!.id, { docnos: r.hits.map((h) => h.id), scores: r.hits.map((h) => h.score) });
    };
    const evaluation = (): Record<string, unknown> | undefined =>
      qrels === undefined
        ? undefined
        : reportToJson(evaluateRun(qrels, run, { measures: body.measures ?? ['official'] }, 'quarry'), body.perQuery);

    if ((req.headers.accept ?? '').includes('application/x-ndjson')) {
      // Stream one line per query as it finishes; the evaluation (if any) is the last line.
      const queue = rankingQueue();
      // the batch fills the queue as it runs; the stream below reads it
      void runBatch(ctx, c, request, deadline, queue.push).then(
        () => queue.end(),
        (e: unknown) => queue.end(e),
      );
      async function* lines(): AsyncGenerator<string> {
        try {
          for (let r = await queue.next(); r !== null; r = await queue.next()) {
            record(r);
            yield JSON.stringify({ query: body.queries[r.index]!.id, hits: r.hits }) + '\n';
          }
          const ev = evaluation();
          if (ev !== undefined) yield JSON.stringify({ evaluation: ev }) + '\n';
        } catch (e) {
          // Headers are gone: report the failure as the stream's last line.
          const err =
            e instanceof ApiError || isQuarryError(e)
              ? { code: e.code, message: e.message }
              : { code: 'INTERNAL', message: 'internal error' };
          yield JSON.stringify({ error: err }) + '\n';
        }
      }
      return reply.type('application/x-ndjson').send(Readable.from(lines()));
    }
    const t0 = performance.now();
    const results: { query: string; hits: { id: string; score: number }[] }[] = [];
    await runBatch(ctx, c, request, deadline, (r) => {
      record(r);
      results.push({ query: body.queries[r.index]!.id, hits: r.hits });
    });
    const ms = performance.now() - t0;
    const ev = evaluation();
    return { queries: results.length, took_ms: ms, results, ...(ev !== undefined ? { evaluation: ev } : {}) };
  });
}
