// Access control: keys with roles (missing → 401, wrong role → 403), keys
// files and the environment variable with clear errors, constant-time
// lookup that finds the right key, and CORS off unless configured.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { findKey, parseKeysVariable, readKeysFile, roleAllows } from '../../src/server/api-keys.js';
import { createServer } from '../../src/server/index.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir('quarry-access-');
const keysFile = writeFile(
  dir,
  'keys.json',
  JSON.stringify({
    keys: [
      { name: 'reader', key: 'read-key-0123456789', role: 'read' },
      { name: 'writer', key: 'write-key-0123456789', role: 'write' },
      { name: 'root', key: 'admin-key-0123456789', role: 'admin' },
    ],
  }),
);
const keys = readKeysFile(keysFile);
const t = await startTestServer({ dataDir: join(dir, 'data'), keys, corsOrigins: ['http://app.example'] });
const open = await startTestServer({ dataDir: join(dir, 'data-open') });
const bearer = (k: string): Record<string, string> => ({ authorization: `Bearer ${k}` });
const SCHEMA = { fields: { text: { type: 'text' } } };

describe('roles', () => {
  it('needs a key for the API but not for health, metrics, OpenAPI and pages', async () => {
    const none = await t.call('GET', '/v1/collections');
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ code: 'UNAUTHORIZED', hint: expect.stringContaining('Bearer') });
    for (const p of ['/health', '/metrics', '/openapi.json', '/']) expect((await t.call('GET', p)).status, p).toBe(200);
  });

  it('rejects an unknown key with 401 without echoing it', async () => {
    const r = await t.call('GET', '/v1/collections', undefined, bearer('read-key-0123456788'));
    expect(r.status).toBe(401);
    expect(r.text).not.toContain('read-key');
  });

  it('allows each role what it may do and answers 403 otherwise', async () => {
    expect((await t.call('PUT', '/v1/collections/c1', { schema: SCHEMA }, bearer('write-key-0123456789'))).status).toBe(403);
    expect((await t.call('PUT', '/v1/collections/c1', { schema: SCHEMA }, bearer('admin-key-0123456789'))).status).toBe(201);
    const add = { documents: [{ _id: '1', text: 'hello world' }], commit: true };
    const denied = await t.call('POST', '/v1/collections/c1/documents', add, bearer('read-key-0123456789'));
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toBe('key "reader" has role read; this endpoint needs write');
    expect(denied.text).not.toContain('read-key-0123456789');
    expect((await t.call('POST', '/v1/collections/c1/documents', add, { 'x-api-key': 'write-key-0123456789' })).status).toBe(200);
    const search = await t.call(
      'POST',
      '/v1/collections/c1/search',
      { retrieve: [{ field: 'text', text: 'hello' }] },
      bearer('read-key-0123456789'),
    );
    expect(search.json.hits[0].id).toBe('1');
    expect((await t.call('DELETE', '/v1/collections/c1', undefined, bearer('write-key-0123456789'))).status).toBe(403);
    expect((await t.call('DELETE', '/v1/collections/c1', undefined, bearer('admin-key-0123456789'))).status).toBe(200);
  });

  it('rejects before reading the body of an unauthenticated bulk write', async () => {
    const r = await t.call('POST', '/v1/collections/c1/documents', '{"_id": "1"', { 'content-type': 'application/x-ndjson' });
    expect(r.status).toBe(401);
  });

  it('runs open (no keys) when none are configured', async () => {
    expect((await open.call('GET', '/v1/collections')).status).toBe(200);
    expect((await open.call('GET', '/health')).json.auth).toBe(false);
  });
});

describe('CORS', () => {
  it('is off unless configured, and allows only the configured origins', async () => {
    const off = await fetch(`${open.url}/health`, { headers: { origin: 'http://app.example' } });
    expect(off.headers.get('access-control-allow-origin')).toBeNull();
    const on = await fetch(`${t.url}/health`, { headers: { origin: 'http://app.example' } });
    expect(on.headers.get('access-control-allow-origin')).toBe('http://app.example');
    const other = await fetch(`${t.url}/health`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/v1/collections`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('"*" alone allows any origin; what cannot be an origin is refused, as are bad limits', async () => {
    const any = await startTestServer({ dataDir: join(dir, 'any'), corsOrigins: ['*'] });
    expect(
      (await fetch(`${any.url}/health`, { headers: { origin: 'http://anywhere.example' } })).headers.get('access-control-allow-origin'),
    ).toBe('*');
    await expect(createServer({ dataDir: join(dir, 'bad'), corsOrigins: ['app.example'] })).rejects.toThrow(
      'corsOrigins[0]: "app.example": expected an origin such as https://example.org or *',
    );
    await expect(createServer({ dataDir: join(dir, 'bad'), corsOrigins: ['https://app.example/path'] })).rejects.toThrow(
      'expected just the origin https://app.example',
    );
    await expect(createServer({ dataDir: join(dir, 'bad'), corsOrigins: ['*', 'https://app.example'] })).rejects.toThrow(
      '"*" allows every origin: give it alone',
    );
    await expect(createServer({ dataDir: join(dir, 'bad'), maxK: 0 })).rejects.toThrow('maxK: must be a positive integer, got 0');
  });
});

describe('keys', () => {
  it('finds the matching key and only that one', () => {
    expect(findKey(keys, 'write-key-0123456789')?.name).toBe('writer');
    expect(findKey(keys, 'write-key-012345678')).toBeNull();
    expect(findKey(keys, '')).toBeNull();
    expect(roleAllows('admin', 'read')).toBe(true);
    expect(roleAllows('read', 'write')).toBe(false);
  });

  it('parses QUARRY_API_KEYS and reports bad entries by position, never by key', () => {
    const k = parseKeysVariable('admin:aaaaaaaaaaaaaaaa1, read:bbbbbbbbbbbbbbbb2');
    expect(k.map((x) => [x.name, x.role])).toEqual([
      ['env-1', 'admin'],
      ['env-2', 'read'],
    ]);
    expect(() => parseKeysVariable('root:aaaaaaaaaaaaaaaa1')).toThrow(
      'QUARRY_API_KEYS: entry 1 is not role:key with role read, write or admin',
    );
    expect(() => parseKeysVariable('read:short')).toThrow('entry 1: keys must be at least 16 characters');
    expect(() => parseKeysVariable('read:aaaaaaaaaaaaaaaa1,admin:aaaaaaaaaaaaaaaa1')).toThrow('are the same key');
  });

  it('reports a bad keys file with its path and the offending entry', () => {
    const broken = writeFile(dir, 'broken.json', '{"keys": [');
    expect(() => readKeysFile(broken)).toThrow(/broken\.json: is not valid JSON/);
    const badRole = writeFile(dir, 'role.json', JSON.stringify({ keys: [{ name: 'x', key: 'k'.repeat(20), role: 'owner' }] }));
    expect(() => readKeysFile(badRole)).toThrow(/role\.json: keys\[0\]\.role/);
    const short = writeFile(dir, 'short.json', JSON.stringify({ keys: [{ name: 'x', key: 'k', role: 'read' }] }));
    expect(() => readKeysFile(short)).toThrow(/keys\[0\]\.key keys must be at least 16 characters/);
    expect(() => readKeysFile(join(dir, 'absent.json'))).toThrow(/absent\.json: cannot be read/);
  });

  it('never echoes a key: a syntax error gives the place only', () => {
    const secret = 'sup3r-s3cret-key-do-not-print';
    const broken = writeFile(dir, 'leaky.json', `{"keys": [{"name": "ci", "key": "${secret}" "role": "read"}]}`);
    let message = '';
    try {
      readKeysFile(broken);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/leaky\.json: is not valid JSON \((at character \d+|line 1, column \d+)\)/);
    expect(message).not.toContain('s3cret');
  });

  it('refuses keys HTTP headers cannot carry: non-ASCII characters and spaces', () => {
    const accented = writeFile(dir, 'accent.json', JSON.stringify({ keys: [{ name: 'x', key: 'clé-secrète-très-longue', role: 'read' }] }));
    expect(() => readKeysFile(accented)).toThrow(/keys\[0\]\.key keys must be printable ASCII/);
    expect(() => parseKeysVariable('read:aaaaaaaa bbbbbbbbbb')).toThrow('entry 1: keys must be printable ASCII');
  });
});
