/**
 * Errors as the HTTP API reports them: a status, a stable code, a message,
 * the offending JSON path or parameter, and a hint. Library errors
 * (QuarryError) map onto it by code, so the server and the CLI say the same
 * thing about the same mistake.
 */
import { isQuarryError, type QuarryErrorCode } from '../core/quarry-error.js';

/** Codes only the server produces (library codes pass through unchanged). */
export type ServerErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'ROUTE_NOT_FOUND'
  | 'TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'TIMEOUT'
  | 'SHUTTING_DOWN'
  | 'INTERNAL';

/** The JSON body of every error response: `{ "error": { ... } }`. */
export interface ErrorBody {
  error: { code: QuarryErrorCode | ServerErrorCode; message: string; path?: string; hint?: string };
}

/** An error with an HTTP status, thrown by route handlers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: QuarryErrorCode | ServerErrorCode,
    message: string,
    readonly path?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const STATUS_OF: Record<QuarryErrorCode, number> = {
  BAD_INPUT: 400,
  BAD_ARGUMENT: 400,
  BAD_SCHEMA: 400,
  EMPTY: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  LOCKED: 409,
  CORRUPT: 500,
  IO: 500,
  TIMEOUT: 503,
};

/** Fastify's own error codes that are the client's fault. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, ServerErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'BAD_REQUEST', 'the body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'BAD_REQUEST', 'the body is empty; send a JSON object'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'TOO_LARGE', 'the body is larger than the server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'unsupported Content-Type; send application/json (or application/x-ndjson for bulk documents)',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Content-Length does not match the body'],
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST', 'the URL is malformed'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST', 'bad request'],
};

/** Maps anything thrown while handling a request to a status and an error body. */
export function toErrorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof ApiError) {
    return {
      status: e.status,
      body: {
        error: {
          code: e.code,
          message: e.message,
          ...(e.path !== undefined ? { path: e.path } : {}),
          ...(e.hint !== undefined ? { hint: e.hint } : {}),
        },
      },
    };
  }
  if (isQuarryError(e)) {
    const path = e.location.field;
    return {
      status: STATUS_OF[e.code] ?? 500,
      body: {
        error: {
          code: e.code,
          message: e.message,
          ...(path !== undefined ? { path } : {}),
          ...(e.hint !== undefined ? { hint: e.hint } : {}),
        },
      },
    };
  }
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof err.code === 'string' && err.code in FASTIFY_CLIENT_ERRORS) {
    const [status, code, message] = FASTIFY_CLIENT_ERRORS[err.code]!;
    return { status, body: { error: { code, message } } };
  }
  const statusCode = typeof err.statusCode === 'number' ? err.statusCode : null;
  if (e instanceof SyntaxError || (statusCode !== null && statusCode >= 400 && statusCode < 500)) {
    const status = statusCode ?? 400;
    return {
      status,
      body: {
        error: {
          code: status === 413 ? 'TOO_LARGE' : 'BAD_REQUEST',
          message: typeof err.message === 'string' ? err.message : 'bad request',
        },
      },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; the server log has the details' } } };
}
