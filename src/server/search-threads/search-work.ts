/**
 * What the server asks of a search, and how a snapshot answers it: the same code
 * runs on a search thread (search-thread.ts) and, when the server searches on its
 * request thread, there. Everything here crosses a thread boundary, so it is
 * plain data (structured-cloneable), and errors travel as `SearchFailure`s.
 */
import { answerOfResult, type AnswerHit, type SearchAnswer, type Snapshot } from '../../collection/index.js';
import { withDeadline } from '../../core/deadline.js';
import { isQuarryError, QuarryError, type ErrorLocation, type QuarryErrorCode } from '../../core/quarry-error.js';
import type { QuerySpec } from '../../search/query-spec.js';
import { ApiError, type ServerErrorCode } from '../api-error.js';

/** One search (`POST …/search`). */
export interface SearchRequest {
  kind: 'search';
  spec: QuerySpec;
  /** Return each hit's stored properties. */
  stored: boolean;
  /** Return highlights (needs the stored properties, fetched even when `stored` is false). */
  highlight: boolean;
}

/** One query of a batch: a validated spec, or plain text searched as `Snapshot.search` does. */
export type RunItem = { spec: QuerySpec } | { text: string };

/** A batch of queries (`POST …/run`), all answered on one snapshot. */
export interface RunRequest {
  kind: 'run';
  items: RunItem[];
  /** Depth of each ranking. */
  k: number;
}

/** A job for a search thread: which collection, which generation at least, what to do, and how long it may take. */
export interface SearchJob {
  /** One opening of a collection by the server; a dropped and re-created collection gets a new key. */
  collectionKey: string;
  /** The collection's folder. */
  dir: string;
  /** The committed generation the server serves: the search reads it or a newer one. */
  minGeneration: number;
  /** Milliseconds the work may take from when it starts. */
  timeoutMs: number;
  /** The request's whole deadline (for the batch message), in milliseconds. */
  requestTimeoutMs: number;
  request: SearchRequest | RunRequest;
}

/** A hit as the API returns it (the library's `AnswerHit`). */
export type HitJson = AnswerHit;

/** The answer to a `SearchRequest` (the library's, shared with the CLI's `--json`). */
export type { SearchAnswer };

/** One ranking of a batch, as a `RunRequest` reports it. */
export interface RunRanking {
  index: number;
  hits: { id: string; score: number }[];
}

/** An error that crossed a thread: enough to throw the same error again on the other side. */
export type SearchFailure =
  | { kind: 'quarry'; code: QuarryErrorCode; message: string; location: ErrorLocation; hint: string | undefined }
  | { kind: 'api'; status: number; code: QuarryErrorCode | ServerErrorCode; message: string; path?: string; hint?: string }
  | { kind: 'internal'; message: string; stack?: string };

/** `e` as a SearchFailure. */
export function toSearchFailure(e: unknown): SearchFailure {
  if (e instanceof ApiError) return { kind: 'api', status: e.status, code: e.code, message: e.message, path: e.path, hint: e.hint };
  if (isQuarryError(e)) return { kind: 'quarry', code: e.code, message: e.message, location: e.location, hint: e.hint };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'internal', message: err.message, stack: err.stack };
}

/** The error a SearchFailure stands for (a QuarryError keeps its code, place, hint and exact message). */
export function fromSearchFailure(f: SearchFailure): Error {
  if (f.kind === 'api') return new ApiError(f.status, f.code, f.message, f.path, f.hint);
  if (f.kind === 'quarry') {
    const e = new QuarryError(f.code, '', f.location, f.hint);
    e.message = f.message; // already formatted with its place and hint
    return e;
  }
  const e = new Error(f.message);
  if (f.stack !== undefined) e.stack = f.stack;
  return e;
}

/** Answers a search on `snap` within `timeoutMs`. */
export async function answerSearch(snap: Snapshot, r: SearchRequest, timeoutMs: number): Promise<SearchAnswer> {
  const result = await snap.queryAsync(r.spec, { includeStored: r.stored || r.highlight, timeoutMs });
  return answerOfResult(result, snap.generation, {
    stored: r.stored,
    ...(r.highlight ? { highlight: snap.highlighter(r.spec) } : {}),
  });
}

/**
 * Answers a batch on `snap`, every query on this one snapshot, handing each ranking to
 * `onRanking` as it is done; the batch stops with TIMEOUT once `deadline`
 * (a `performance.now()` time) has passed.
 */
export async function answerRun(
  snap: Snapshot,
  r: RunRequest,
  deadline: number,
  requestTimeoutMs: number,
  onRanking: (ranking: RunRanking) => void,
): Promise<void> {
  for (let i = 0; i < r.items.length; i++) {
    if (performance.now() > deadline)
      throw new ApiError(
        503,
        'TIMEOUT',
        `the batch ran past the ${requestTimeoutMs} ms request deadline after ${i} of ${r.items.length} queries`,
        'queries',
        'send fewer queries per request',
      );
    const item = r.items[i]!;
    const left = Math.max(1, deadline - performance.now());
    const hits =
      'text' in item
        ? withDeadline(left, () => snap.search(item.text, { k: r.k, includeStored: false }))
        : (await snap.queryAsync(item.spec, { includeStored: false, timeoutMs: left })).hits;
    onRanking({ index: i, hits: hits.map((h) => ({ id: h.id, score: h.score })) });
  }
}
