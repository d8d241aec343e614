/**
 * Model paths in schemas sent over HTTP are confined to the folders the
 * operator named (`quarry serve --models DIR`): a schema may otherwise point an
 * encoder at any file the server can read. Relative paths are taken inside the
 * first such folder; symbolic links are followed before the check.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import { parseSchema, schemaModelPaths, type CollectionSchema } from '../collection/schema.js';

/** The real path of `p`, or `p` resolved when it does not exist (loading it later says so). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function inside(folder: string, p: string): boolean {
  const rel = relative(folder, p);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * `input` parsed, with every model path made absolute and checked to lie in one of
 * `folders`; input that is no schema is returned as it is, for creating the collection
 * to report as it always does.
 */
export function confineSchemaModels(input: unknown, folders: readonly string[]): unknown {
  let schema: CollectionSchema;
  try {
    schema = parseSchema(input);
  } catch {
    return input;
  }
  const paths = schemaModelPaths(schema);
  if (paths.length === 0) return schema;
  const roots = folders.map(real);
  for (const m of paths) {
    if (roots.length === 0)
      throw new QuarryError(
        'BAD_ARGUMENT',
        'this server reads no models: it was started without a models folder',
        { field: `schema.${m.at}` },
        'start it with quarry serve --models DIR and put the model there',
      );
    const abs = isAbsolute(m.path) ? m.path : resolve(roots[0]!, m.path);
    if (!roots.some((r) => inside(r, real(abs))))
      throw new QuarryError(
        'BAD_ARGUMENT',
        `${JSON.stringify(m.path)} is outside the server's models folders`,
        { field: `schema.${m.at}` },
        `models are read from ${roots.join(', ')} (quarry serve --models DIR)`,
      );
    m.set(abs);
  }
  return schema;
}
