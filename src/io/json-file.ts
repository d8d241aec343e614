/** Reads a whole JSON file, with a clear error naming the file. */
import { QuarryError } from '../core/quarry-error.js';
import { jsonSyntaxPlace } from './json-syntax.js';
import { readTextFile } from './text-file.js';

/**
 * Parses `path` as JSON (gzipped too, as `.gz`); `what` names the content in the error
 * ("tokenizer", "config"). A missing file and malformed JSON get different errors; `hint`
 * is added to the first.
 */
export function readJsonFile(path: string, what: string, hint?: string): unknown {
  const text = readTextFile(path, what, hint);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new QuarryError('BAD_INPUT', `${what} is not valid JSON${jsonSyntaxPlace(e)}`, { file: path });
  }
}
