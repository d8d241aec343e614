/**
 * Turns a zod validation issue into the wording Quarry uses everywhere: a
 * path written as code would write it (`retrieve[1].k`) and a short message
 * (`must be a positive integer`). Shared by the query spec, the schema
 * parser and the HTTP server's request validation.
 */
import type { z } from 'zod';

/** `["retrieve", 1, "k"]` → `retrieve[1].k`; the empty path → `""`. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

/** A lower-case message for one issue, without its path. */
export function describeIssue(issue: z.ZodIssue): string {
  if (issue.code === 'too_small' && issue.type === 'number') {
    if (issue.minimum === 0) return issue.inclusive ? 'must not be negative' : 'must be a positive integer';
    return `must be at least ${String(issue.minimum)}`;
  }
  if (issue.code === 'too_small' && issue.type === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
  if (issue.code === 'too_big' && issue.type === 'array') return `must have at most ${String(issue.maximum)} item(s)`;
  if (issue.code === 'too_big' && issue.type === 'number') return `must be at most ${String(issue.maximum)}`;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'is required';
  if (issue.code === 'invalid_type' && issue.expected === 'integer') return 'must be a positive integer';
  if (issue.code === 'invalid_type') return `must be ${article(issue.expected)}, not ${issue.received}`;
  if (issue.code === 'unrecognized_keys') return `has unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
