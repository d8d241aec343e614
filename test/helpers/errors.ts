/** Catches the QuarryError a call throws (fails the test when it throws nothing or something else). */
import { expect } from 'vitest';
import { QuarryError } from '../../src/core/quarry-error.js';

export function errorOf(fn: () => unknown): QuarryError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected an error');
}
