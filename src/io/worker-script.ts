/**
 * Finds the compiled script a worker thread runs: the file next to the calling
 * module when that module is itself compiled, or the same file in the build output
 * (`dist/`) when the caller runs from TypeScript sources (tests, tsx).
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The URL of compiled script `name` (e.g. `merge-supervisor.js`) beside the module at
 * `moduleUrl` (pass `import.meta.url`), or in the matching folder of `dist/`; null when
 * neither exists (callers then do the work on their own thread).
 */
export function compiledWorkerScript(moduleUrl: string, name: string): URL | null {
  const folder = dirname(fileURLToPath(moduleUrl));
  const sibling = join(folder, name);
  if (existsSync(sibling)) return pathToFileURL(sibling);
  const at = folder.lastIndexOf(`${sep}src`);
  if (at < 0) return null;
  const built = join(folder.slice(0, at), 'dist', folder.slice(at + 4), name);
  return existsSync(built) ? pathToFileURL(built) : null;
}
