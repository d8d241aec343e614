/** Search with a query spec, and query batches evaluated against posted qrels. */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { evaluateRun, parseQrelsText, qrelsFromTriples, reportToJson, type Qrels, type RunData } from '../../eval/index.js';
import type { Highlights } from '../../collection/index.js';
import type { PipelineResult } from '../../search/pipeline.js';
import { checkQuerySpecSize, fillQueryTemplate, type QuerySpec } from '../../search/query-spec.js';
import { withDeadline } from '../../core/deadline.js';
import { ApiError } from '../api-error.js';
import { parseRequest, runBody, searchBody, searchQuery } from '../request-schemas.js';
import type { ResolvedServerOptions, RouteAccess, ServerContext } from '../server-context.js';

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
    // queryAsync may await a model: hold the snapshot until the response is built
    const { snapshot: snap, release } = c.lease();
    const t0 = performance.now();
    let result: PipelineResult;
    let highlights: ((stored: Record<string, unknown>) => Highlights) | null;
    try {
      result = await snap.queryAsync(spec, {
        includeStored: q.stored === 'true' || q.highlight === 'true',
        timeoutMs: remainingMs(deadlineOf(req, o)),
      });
      highlights = q.highlight === 'true' ? snap.highlighter(spec) : null;
    } finally {
      release();
    }
    c.stats.searches++;
    const hits = result.hits.map((h) => {
      const hit: Record<string, unknown> = { id: h.id, score: h.score, legs: h.legs };
      if (q.stored === 'true') hit.stored = h.stored;
      if (highlights !== null && h.stored !== undefined) hit.highlights = highlights(h.stored);
      if (h.explain !== undefined) hit.explain = h.explain;
      if (h.crossEncoder !== undefined) hit.crossEncoder = h.crossEncoder;
      return hit;
    });
    return {
      hits,
      total: result.total,
      ...(result.facets !== undefined ? { facets: result.facets } : {}),
      ...(result.crossEncoded !== undefined ? { crossEncoded: result.crossEncoded } : {}),
      generation: snap.generation,
      took_ms: performance.now() - t0,
    };
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
    const specs = body.queries.map((q, i) => {
      if (q.text !== undefined && body.template === undefined) return null;
      const raw = q.spec ?? fillQueryTemplate(body.template, q.text!);
      checkQuerySpecSize(raw, `queries[${i}].spec`);
      const spec = parseRequest(searchBody, { ...raw, k: body.k }, 'body');
      checkCaps(spec, o, `queries[${i}].spec.`, true);
      return spec;
    });
    const deadline = deadlineOf(req, o);
    // Queries await (models, a streamed response): every query reads the snapshot
    // served when the batch started, held until the last one has run.
    const { snapshot: snap, release } = c.lease();
    // queryAsync: specs may encode text with a transformer or rerank with a cross-encoder
    const searchOne = async (i: number): Promise<{ id: string; score: number }[]> => {
      if (performance.now() > deadline)
        throw new ApiError(
          503,
          'TIMEOUT',
          `the batch ran past the ${o.timeoutMs} ms request deadline after ${i} of ${body.queries.length} queries`,
          'queries',
          'send fewer queries per request',
        );
      c.stats.searches++;
      const spec = specs[i];
      const q = body.queries[i]!;
      const hits =
        spec === null
          ? withDeadline(remainingMs(deadline), () => snap.search(q.text!, { k: body.k, includeStored: false }))
          : (await snap.queryAsync(spec, { includeStored: false, timeoutMs: remainingMs(deadline) })).hits;
      return hits.map((h) => ({ id: h.id, score: h.score }));
    };
    const run: RunData = new Map();
    const record = (qid: string, hits: { id: string; score: number }[]): void => {
      run.set(qid, { docnos: hits.map((h) => h.id), scores: hits.map((h) => h.score) });
    };
    const evaluation = (): Record<string, unknown> | undefined =>
      qrels === undefined
        ? undefined
        : reportToJson(evaluateRun(qrels, run, { measures: body.measures ?? ['official'] }, 'quarry'), body.perQuery);

    if ((req.headers.accept ?? '').includes('application/x-ndjson')) {
      // Stream one line per query as it finishes; the evaluation (if any) is the last line.
      async function* lines(): AsyncGenerator<string> {
        try {
          for (let i = 0; i < body.queries.length; i++) {
            const hits = await searchOne(i);
            record(body.queries[i]!.id, hits);
            yield JSON.stringify({ query: body.queries[i]!.id, hits }) + '\n';
          }
          const ev = evaluation();
          if (ev !== undefined) yield JSON.stringify({ evaluation: ev }) + '\n';
        } catch (e) {
          // Headers are gone: report the failure as the stream's last line.
          const err = e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: 'internal error' };
          yield JSON.stringify({ error: err }) + '\n';
        } finally {
          release(); // also when the client goes away mid-stream
        }
      }
      // a stream the client drops before it starts never runs the generator's finally
      reply.raw.once('close', release);
      return reply.type('application/x-ndjson').send(Readable.from(lines()));
    }
    const t0 = performance.now();
    const results: { query: string; hits: { id: string; score: number }[] }[] = [];
    try {
      for (let i = 0; i < body.queries.length; i++) {
        const q = body.queries[i]!;
        const hits = await searchOne(i);
        record(q.id, hits);
        results.push({ query: q.id, hits });
      }
    } finally {
      release();
    }
    const ms = performance.now() - t0;
    const ev = evaluation();
    return { queries: results.length, took_ms: ms, results, ...(ev !== undefined ? { evaluation: ev } : {}) };
  });
}
