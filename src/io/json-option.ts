/** JSON-valued command-line options (--params, --vector, --sparse, --spec text, --rm3). */
import { readJsonFile } from './json-file.js';
import { QuarryError } from '../core/quarry-error.js';

/** Parses the JSON text given to `option`, naming the option when it is malformed. */
export function parseJsonOption(text: string, option: string, hint?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new QuarryError('BAD_ARGUMENT', `not valid JSON: ${(e as Error).message}`, { field: option }, hint);
  }
}

/**
 * A JSON object of named parameters (`kind`: "family", "search"), e.g. --params;
 * the values are checked by whoever takes them (schema or search).
 */
export function parseParamsOption(text: string, option: string, kind: string, example: string): Record<string, number> {
  const hint = `give an object of ${kind} parameters, e.g. '${example}'`;
  const json = parseJsonOption(text, option, hint);
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new QuarryError('BAD_ARGUMENT', `must be a JSON object of ${kind} parameters`, { field: option }, hint);
  return json as Record<string, number>;
}

/**
 * The query spec given to --spec: the spec itself when the text starts with "{" (typed
 * inline), else the JSON file it names.
 */
export function readQuerySpecOption(value: string): unknown {
  if (value.trimStart().startsWith('{')) return parseJsonOption(value, '--spec', 'a query spec is a JSON object, see docs/query-spec.md');
  return readJsonFile(value, 'query spec', `give a JSON file, or the spec itself: --spec '{"retrieve":[{"field":"body","text":"..."}]}'`);
}
