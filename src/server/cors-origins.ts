/**
 * CORS origins as `quarry serve --cors` and `createServer` take them: each an exact
 * origin (`https://app.example.org`, `http://localhost:5173`), or `*` alone for
 * any origin. Anything else (a bare host name, a path) could never match a
 * browser's Origin header, so it is refused rather than silently never matching.
 */
import { QuarryError } from '../core/quarry-error.js';

/** Why `origin` is not a CORS origin, or null when it is one. */
export function corsOriginProblem(origin: string): string | null {
  if (origin === '*') return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'expected an origin such as https://example.org or *';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http or https origin';
  if (url.origin !== origin) return `expected just the origin ${url.origin} (no path, no trailing slash)`;
  return null;
}

/** Checks a list of CORS origins (`*` only alone); throws naming the first bad one. */
export function checkCorsOrigins(origins: readonly string[]): void {
  origins.forEach((o, i) => {
    const problem = corsOriginProblem(o);
    if (problem !== null) throw new QuarryError('BAD_ARGUMENT', `${JSON.stringify(o)}: ${problem}`, { field: `corsOrigins[${i}]` });
  });
  if (origins.length > 1 && origins.includes('*'))
    throw new QuarryError('BAD_ARGUMENT', '"*" allows every origin: give it alone', { field: 'corsOrigins' });
}
