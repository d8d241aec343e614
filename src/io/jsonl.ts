/** Streaming JSON Lines reading with errors that name the file and line. */
import { readLines, type ProgressHandler } from './line-reader.js';
import { QuarryError } from '../core/quarry-error.js';

/**
 * Calls `onRecord` with each non-blank line parsed as a JSON object.
 * A line that is not valid JSON, or not an object, stops with `file:line`.
 */
export function forEachJsonObject(
  path: string,
  onRecord: (record: Record<string, unknown>, lineNo: number) => void,
  onProgress?: ProgressHandler,
): number {
  let count = 0;
  for (const { record, line } of readJsonObjects(path, onProgress)) {
    count++;
    onRecord(record, line);
  }
  return count;
}

/** The non-blank lines of a JSON Lines file as objects with their line numbers, read lazily. */
export function* readJsonObjects(path: string, onProgress?: ProgressHandler): Generator<{ record: Record<string, unknown>; line: number }> {
  for (const [text, lineNo] of readLines(path, onProgress)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new QuarryError('BAD_INPUT', `not valid JSON: ${(e as Error).message}`, { file: path, line: lineNo });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new QuarryError('BAD_INPUT', 'expected a JSON object on each line', { file: path, line: lineNo });
    }
    yield { record: value as Record<string, unknown>, line: lineNo };
  }
}
