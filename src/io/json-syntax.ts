/**
 * Where a JSON syntax error is, without the text around it: V8's messages quote
 * the input near the error, and a file read as JSON (a keys file, a model file an
 * administrator named) may hold secrets or be something else entirely.
 */

/** " (line L, column C)" or " (at character N)" from a JSON.parse error, or "" when it says neither. */
export function jsonSyntaxPlace(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const line = /line (\d+) column (\d+)/.exec(message);
  if (line !== null) return ` (line ${line[1]}, column ${line[2]})`;
  const position = /position (\d+)/.exec(message);
  return position !== null ? ` (at character ${position[1]})` : '';
}
