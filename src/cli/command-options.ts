/** Runs a command body and turns every failure into a one-line message and an exit status. */
import { InvalidArgumentError } from 'commander';
import { isQuarryError, QuarryError } from '../core/quarry-error.js';
import { EXIT_STATUS } from './exit-codes.js';

/** Wraps a command action: QuarryErrors print `quarry: message`; anything else is an internal error. */
export function guarded<A extends unknown[]>(action: (...args: A) => void | Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      if (isQuarryError(e)) {
        process.stderr.write(`quarry: ${e.message}\n`);
        process.exitCode = EXIT_STATUS[e.code] ?? 1;
        return;
      }
      const err = e as Error;
      process.stderr.write(`quarry: internal error: ${err?.message ?? String(e)}\n`);
      if (process.env.QUARRY_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
      else process.stderr.write('quarry: set QUARRY_DEBUG=1 for a stack trace, and please report this as a bug\n');
      process.exitCode = 1;
    }
  };
}

/** Parses an integer option for commander; a bad value is reported by commander with the option's name. */
export function intOption(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : '';
      throw new InvalidArgumentError(`expected an integer${range}.`);
    }
    return n;
  };
}

/** Parses a finite number above `min` (or at least `min` when `inclusive`) for commander. */
export function numberOption(min: number, inclusive = false): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (inclusive ? n < min : n <= min))
      throw new InvalidArgumentError(`expected a number ${inclusive ? 'of at least' : 'above'} ${min}.`);
    return n;
  };
}

/** Parses a comma-separated list of positive integers (e.g. layer widths `512,256,128`) for commander. */
export function intListOption(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const out = parts.map(Number);
  if (parts.some((p) => p === '') || out.some((n) => !Number.isInteger(n) || n < 1))
    throw new InvalidArgumentError('expected positive integers separated by commas, e.g. 512,256,128.');
  return out;
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Parses a probability strictly between 0 and 1 (a significance level) for commander. */
export function probabilityOption(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number between 0 and 1.');
  return n;
}

/**
 * A library error about an option (its location's `field` is a key of `flagOf`) told
 * again with the command-line flag that set it; any other error as it is.
 */
export function asFlagError(e: unknown, flagOf: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof QuarryError) || e.location.field === undefined) return e;
  const flag = flagOf[e.location.field];
  if (flag === undefined) return e;
  let message = e.message.slice(`${e.location.field}: `.length);
  if (e.hint !== undefined) message = message.slice(0, -` (${e.hint})`.length);
  return new QuarryError(e.code, message, { field: flag }, e.hint);
}
