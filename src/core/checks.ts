/**
 * Argument checks shared by every room, so that one rule reads the same wherever it
 * is broken ("k must be a positive integer, got 0", naming the argument).
 */
import { QuarryError } from './quarry-error.js';

/** Throws BAD_ARGUMENT naming `name` unless `value` is a whole number >= 1. */
export function checkPositiveInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new QuarryError('BAD_ARGUMENT', `${name} must be a positive integer, got ${String(value)}`, { field: name });
}

/** How deep a JSON value given by a caller (a query spec, a request body) may nest. */
export const MAX_JSON_DEPTH = 64;

/**
 * Throws BAD_ARGUMENT naming `name` when `value` nests arrays and objects more than
 * `max` levels deep. Iterative, so it is safe on any input: recursive validation of
 * deeper input would overflow the stack.
 */
export function checkNestingDepth(value: unknown, name: string, max = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `nests more than ${max} levels deep`,
        { field: name },
        'flatten it: and/or take lists of any length',
      );
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
}
