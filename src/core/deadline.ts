/**
 * A deadline for the synchronous work of one search. Searching is synchronous (one
 * query runs at a time in a thread), so the deadline is ambient: `withDeadline` sets it
 * around a search, and the loops whose work the input decides (term dictionary walks,
 * filter evaluation, long queries, scoring) call `checkDeadline`, which reads the clock
 * only every few hundred calls and throws TIMEOUT once the deadline has passed.
 */
import { QuarryError } from './quarry-error.js';

let deadlineAt = Number.POSITIVE_INFINITY;
let allowedMs = 0;
let calls = 0;

/** Runs `fn` with a deadline `ms` from now (nested deadlines keep the earlier one). */
export function withDeadline<T>(ms: number | undefined, fn: () => T): T {
  if (ms === undefined || !(ms < Number.POSITIVE_INFINITY)) return fn();
  const outerAt = deadlineAt;
  const outerMs = allowedMs;
  const at = performance.now() + ms;
  if (at < deadlineAt) {
    deadlineAt = at;
    allowedMs = ms;
  }
  try {
    return fn();
  } finally {
    deadlineAt = outerAt;
    allowedMs = outerMs;
  }
}

/** Throws TIMEOUT when the current deadline has passed (the clock is read every 256 calls). */
export function checkDeadline(): void {
  if (deadlineAt === Number.POSITIVE_INFINITY || (++calls & 255) !== 0) return;
  if (performance.now() > deadlineAt)
    throw new QuarryError(
      'TIMEOUT',
      `the search ran past its ${Math.round(allowedMs)} ms deadline and was stopped`,
      {},
      'narrow the query (fewer fuzzy or pattern terms, a shorter filter) or allow more time',
    );
}
