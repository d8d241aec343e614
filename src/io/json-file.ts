/** Reads a whole JSON file, with a clear error naming the file. */
import { readFileSync } from 'node:fs';
import { QuarryError } from './quarry-error.js';

/**
 * Parses `path` as JSON; `what` names the content in the error ("tokenizer", "config").
 * A missing file and malformed JSON get different errors; `hint` is added to the first.
 */
export function readJsonFile(path: string, what: string, hint?: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    throw new QuarryError('NOT_FOUND', `cannot read ${what}: ${why}`, { file: path }, hint);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new QuarryError('BAD_INPUT', `${what} is not valid JSON: ${(e as Error).message}`, { file: path });
  }
}
