/**
 * The one error class of Quarry. Every failure a user can cause (bad file,
 * bad parameter, bad request) is a QuarryError with a stable `code`, a
 * message that says what was wrong, where, and how to fix it. The CLI maps
 * codes to exit statuses and the server maps them to HTTP statuses.
 */

/** Stable error codes. Add new codes at the end; never rename one. */
export type QuarryErrorCode =
  | 'BAD_INPUT' // malformed file line or value
  | 'BAD_ARGUMENT' // bad CLI option or API parameter
  | 'BAD_SCHEMA' // schema or field definition is invalid
  | 'NOT_FOUND' // a file, collection or document does not exist
  | 'ALREADY_EXISTS' // refusing to overwrite something
  | 'CORRUPT' // checksum, magic or size mismatch in a stored file
  | 'LOCKED' // another writer holds the collection lock
  | 'IO' // the operating system refused a read or write
  | 'EMPTY' // a required input has no content
  | 'TIMEOUT'; // the work ran past its deadline and was stopped

/** Where an error happened, when it is tied to a file position or a field. */
export interface ErrorLocation {
  /** File path, if the error concerns a file. */
  file?: string;
  /** 1-based line number inside `file`. */
  line?: number;
  /** Field, parameter or JSON path that was wrong. */
  field?: string;
}

/**
 * An error a user can act on. `message` already includes the location prefix
 * (`file:line:` or `field:`) so it can be printed as is.
 */
export class QuarryError extends Error {
  /** Stable machine-readable code. */
  readonly code: QuarryErrorCode;
  /** Where the problem is, if known. */
  readonly location: ErrorLocation;
  /** A hint on how to fix it, if one is known. */
  readonly hint: string | undefined;

  constructor(code: QuarryErrorCode, message: string, location: ErrorLocation = {}, hint?: string) {
    super(formatMessage(message, location, hint));
    this.name = 'QuarryError';
    this.code = code;
    this.location = location;
    this.hint = hint;
  }
}

function formatMessage(message: string, location: ErrorLocation, hint?: string): string {
  let prefix = '';
  if (location.file !== undefined) {
    prefix = location.line !== undefined ? `${location.file}:${location.line}: ` : `${location.file}: `;
  }
  if (location.field !== undefined) prefix += `${location.field}: `;
  return prefix + message + (hint ? ` (${hint})` : '');
}

/** True when `e` is a QuarryError (works across duplicated module instances). */
export function isQuarryError(e: unknown): e is QuarryError {
  return e instanceof QuarryError || (e instanceof Error && e.name === 'QuarryError' && 'code' in e);
}
