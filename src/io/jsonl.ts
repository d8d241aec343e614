/** Streaming JSON Lines reading with errors that name the file and line. */
import { forEachLine, type ProgressHandler } from './line-reader.js';
import { QuarryError } from './quarry-error.js';

/**
 * Calls `onRecord` with each non-blank line parsed as a JSON object.
 * A line that is not valid JSON, or not an object, stops with `file:line`.
 */
export function forEachJsonObject(path: string, onRecord: (record: Record<string, unknown>, lineNo: number) => void, onProgress?: ProgressHandler): number {
  let count = 0;
  forEachLine(path, (line, lineNo) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new QuarryError('BAD_INPUT', `not valid JSON: ${(e as Error).message}`, { file: path, line: lineNo });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new QuarryError('BAD_INPUT', 'expected a JSON object on each line', { file: path, line: lineNo });
    }
    count++;
    onRecord(value as Record<string, unknown>, lineNo);
  }, onProgress);
  return count;
}
