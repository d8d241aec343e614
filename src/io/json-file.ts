/** Reads a whole JSON file, with a clear error naming the file. */
import { readFileSync } from 'node:fs';
import { QuarryError } from './quarry-error.js';

/** Parses `path` as JSON; `what` names the content in the error ("tokenizer", "config"). */
export function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new QuarryError('BAD_INPUT', `cannot read ${what}: ${(e as Error).message}`, { file: path });
  }
}
