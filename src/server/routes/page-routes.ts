/**
 * The search page (`/`) and the evaluation page (`/eval`): static files from
 * the package's `web/` folder, read once at start. No build step: plain
 * HTML, CSS and browser JavaScript.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../server-context.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** `web/` next to `src/` and `dist/` (this file is at `<root>/{src,dist}/server/routes/`). */
function webFolder(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web');
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`the web folder is missing (looked in ${dir}); reinstall the package`);
  return dir;
}

/** Registers the page routes. */
export function registerPageRoutes(app: FastifyInstance): void {
  const open: RouteAccess = { role: 'none' };
  const dir = webFolder();
  const files: [route: string, file: string][] = [
    ['/', 'index.html'],
    ['/eval', 'eval.html'],
    ['/assets/search.js', 'search.js'],
    ['/assets/eval.js', 'eval.js'],
    ['/assets/api.js', 'api.js'],
    ['/assets/style.css', 'style.css'],
  ];
  for (const [route, file] of files) {
    const body = readFileSync(join(dir, file));
    const type = TYPES[file.slice(file.lastIndexOf('.'))]!;
    app.get(route, { config: open }, (_req, reply) =>
      reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'self'; style-src 'self'; img-src 'self' data:")
        .send(body),
    );
  }
}
