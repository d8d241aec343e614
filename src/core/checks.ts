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
