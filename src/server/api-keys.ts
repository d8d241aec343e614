/**
 * API keys and roles. Keys come from a JSON keys file and/or the
 * QUARRY_API_KEYS environment variable; each has a role, and roles nest
 * (`admin` can do what `write` can, which can do what `read` can). Lookups
 * compare SHA-256 digests with `timingSafeEqual` against every key, so the
 * time taken does not depend on how much of a guess was right. Keys are never
 * logged or echoed: errors name a key by its `name`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { QuarryError } from '../core/quarry-error.js';
import { jsonSyntaxPlace } from '../io/json-syntax.js';
import { describeIssue, formatIssuePath } from '../core/zod-issue.js';

/** What a key may do. */
export type Role = 'read' | 'write' | 'admin';

const RANK: Record<Role, number> = { read: 1, write: 2, admin: 3 };

/** One API key. */
export interface ApiKey {
  /** A label for logs and errors (the key itself is never shown). */
  name: string;
  role: Role;
  /** SHA-256 of the key. */
  digest: Buffer;
}

/** What an API key may hold: HTTP header values are Latin-1 at best, and clients send UTF-8. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

const keysFileSchema = z
  .object({
    keys: z
      .array(
        z
          .object({
            name: z.string().min(1),
            key: z
              .string()
              .min(16, 'keys must be at least 16 characters')
              .regex(
                PRINTABLE_ASCII,
                'keys must be printable ASCII (letters, digits, punctuation; no spaces): HTTP headers carry nothing else reliably',
              ),
            role: z.enum(['read', 'write', 'admin']),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Reads a keys file: `{"keys": [{"name": "ci", "key": "…", "role": "write"}]}`. */
export function readKeysFile(path: string): ApiKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = e instanceof SyntaxError ? `is not valid JSON${jsonSyntaxPlace(e)}` : 'cannot be read';
    throw new QuarryError('BAD_INPUT', why, { file: path }, 'expected {"keys": [{"name": "…", "key": "…", "role": "read|write|admin"}]}');
  }
  const r = keysFileSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new QuarryError(
      'BAD_INPUT',
      `${formatIssuePath(issue.path) || '(root)'} ${describeIssue(issue)}`,
      { file: path },
      'expected {"keys": [{"name": "…", "key": "…", "role": "read|write|admin"}]}',
    );
  }
  return checkUnique(
    r.data.keys.map((k) => ({ name: k.name, role: k.role, digest: digest(k.key) })),
    path,
  );
}

/** Parses QUARRY_API_KEYS: comma-separated `role:key` pairs, e.g. `admin:s3cret…,read:public…`. */
export function parseKeysVariable(value: string): ApiKey[] {
  const keys: ApiKey[] = [];
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .forEach((pair, i) => {
      const colon = pair.indexOf(':');
      const role = pair.slice(0, colon);
      const key = pair.slice(colon + 1);
      if (colon < 0 || !(role in RANK))
        throw new QuarryError('BAD_ARGUMENT', `entry ${i + 1} is not role:key with role read, write or admin`, {
          field: 'QUARRY_API_KEYS',
        });
      if (key.length < 16)
        throw new QuarryError('BAD_ARGUMENT', `entry ${i + 1}: keys must be at least 16 characters`, { field: 'QUARRY_API_KEYS' });
      if (!PRINTABLE_ASCII.test(key))
        throw new QuarryError('BAD_ARGUMENT', `entry ${i + 1}: keys must be printable ASCII (letters, digits, punctuation; no spaces)`, {
          field: 'QUARRY_API_KEYS',
        });
      keys.push({ name: `env-${i + 1}`, role: role as Role, digest: digest(key) });
    });
  return checkUnique(keys, 'QUARRY_API_KEYS');
}

function checkUnique(keys: ApiKey[], where: string): ApiKey[] {
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < i; j++) {
      if (keys[i]!.digest.equals(keys[j]!.digest))
        throw new QuarryError('BAD_INPUT', `keys "${keys[j]!.name}" and "${keys[i]!.name}" are the same key`, { field: where });
    }
  }
  return keys;
}

/** Finds the key matching `presented`, comparing against every key in constant time per key. */
export function findKey(keys: readonly ApiKey[], presented: string): ApiKey | null {
  const d = digest(presented);
  let found: ApiKey | null = null;
  for (const k of keys) {
    // No early exit: every key is compared whatever the outcome.
    if (timingSafeEqual(k.digest, d)) found = k;
  }
  return found;
}

/** True when `role` includes the rights of `needed`. */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
