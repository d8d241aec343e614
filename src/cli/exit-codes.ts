/** Maps error codes to process exit statuses (BSD sysexits where one fits). */
import type { QuarryErrorCode } from '../core/quarry-error.js';

/** Exit status for each error code. 0 = success, 1 = unexpected internal error. */
export const EXIT_STATUS: Readonly<Record<QuarryErrorCode, number>> = {
  BAD_ARGUMENT: 64, // EX_USAGE
  BAD_INPUT: 65, // EX_DATAERR
  BAD_SCHEMA: 65,
  EMPTY: 65,
  CORRUPT: 65,
  NOT_FOUND: 66, // EX_NOINPUT
  ALREADY_EXISTS: 73, // EX_CANTCREAT
  IO: 74, // EX_IOERR
  LOCKED: 75, // EX_TEMPFAIL
  TIMEOUT: 75,
};
