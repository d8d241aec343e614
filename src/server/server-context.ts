/** What every route of the server shares: options, collections, keys and metrics. */
import type { ApiKey, Role } from './api-keys.js';
import type { CollectionRegistry } from './collection-registry.js';
import type { ServerMetrics } from './server-metrics.js';
import type { SearchThreadPool } from './search-threads/search-thread-pool.js';
import { QuarryError } from '../core/quarry-error.js';
import { checkCorsOrigins } from './cors-origins.js';

/** Settings of `quarry serve` and `createServer`. */
export interface ServerOptions {
  /** Folder holding one sub-folder per collection (created when missing). */
  dataDir: string;
  /** API keys; when empty, every request is allowed (only sensible on loopback). */
  keys?: ApiKey[];
  /** Origins allowed by CORS (exact origins, or `*` alone for any); empty or absent turns CORS off. */
  corsOrigins?: string[];
  /** Largest request body in bytes (default 64 MiB). */
  bodyLimit?: number;
  /** Per-request deadline in milliseconds (default 30 000): receiving the body, batch runs and bulk writes stop at it. */
  timeoutMs?: number;
  /** Largest `k` of a search (default 1 000). */
  maxK?: number;
  /** Largest candidate depth: a leg's `k`, `offset + k`, or a run's `k` (default 10 000). */
  maxDepth?: number;
  /** Largest number of queries in one `run` request (default 10 000). */
  maxBatchQueries?: number;
  /** Folder of benchmark result JSON files shown by the evaluation page (default: none). */
  benchDir?: string | null;
  /** Log requests (never keys) to stdout as JSON lines. */
  logRequests?: boolean;
  /** Folders model paths in schemas sent over HTTP must lie in (default none: such schemas name no models). */
  modelDirs?: string[];
  /**
   * Threads that run searches (default 1), each holding its own snapshot of every
   * collection it has searched (memory grows with each); 0 searches on the thread that
   * answers requests, where a search holds `/health` and every other request until it ends.
   */
  searchThreads?: number;
}

/** Options with every default filled in. */
export type ResolvedServerOptions = Required<Omit<ServerOptions, 'benchDir'>> & { benchDir: string | null };

/** The state routes work on. */
export interface ServerContext {
  readonly options: ResolvedServerOptions;
  readonly collections: CollectionRegistry;
  readonly metrics: ServerMetrics;
  /** The search threads, or null when searches run on the request thread. */
  readonly searchThreads: SearchThreadPool | null;
  readonly startedAt: number;
  readonly version: string;
}

/** Role a route needs, kept in its Fastify route config. */
export interface RouteAccess {
  role: Role | 'none';
}

/** Fills in defaults and checks every value (a bad one is named, never ignored). */
export function resolveServerOptions(o: ServerOptions): ResolvedServerOptions {
  checkCorsOrigins(o.corsOrigins ?? []);
  const positive = (name: 'bodyLimit' | 'timeoutMs' | 'maxK' | 'maxDepth' | 'maxBatchQueries'): void => {
    const v = o[name];
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new QuarryError('BAD_ARGUMENT', `must be a positive integer, got ${v}`, { field: name });
  };
  for (const name of ['bodyLimit', 'timeoutMs', 'maxK', 'maxDepth', 'maxBatchQueries'] as const) positive(name);
  const threads = o.searchThreads;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0 || threads > 256))
    throw new QuarryError('BAD_ARGUMENT', `must be an integer from 0 to 256, got ${threads}`, { field: 'searchThreads' });
  return {
    dataDir: o.dataDir,
    keys: o.keys ?? [],
    corsOrigins: o.corsOrigins ?? [],
    bodyLimit: o.bodyLimit ?? 64 * 1024 * 1024,
    timeoutMs: o.timeoutMs ?? 30_000,
    maxK: o.maxK ?? 1000,
    maxDepth: o.maxDepth ?? 10_000,
    maxBatchQueries: o.maxBatchQueries ?? 10_000,
    benchDir: o.benchDir ?? null,
    logRequests: o.logRequests ?? false,
    modelDirs: o.modelDirs ?? [],
    searchThreads: threads ?? 1,
  };
}
