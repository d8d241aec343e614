// No input crashes the server: random JSON values, random strings, truncated
// valid bodies and odd content types sent to every endpoint must get a
// well-formed answer below 500, and the server must stay healthy.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const t = await startTestServer({ dataDir: join(tempDir('quarry-fuzz-'), 'data'), bodyLimit: 64 * 1024, maxDepth: 1000 });
await t.call('PUT', '/v1/collections/f', {
  schema: {
    fields: { text: { type: 'text' }, tag: { type: 'keyword' }, n: { type: 'number' }, v: { type: 'dense', dim: 3, index: 'flat' } },
  },
});
await t.call('POST', '/v1/collections/f/documents', {
  documents: [
    { _id: '1', text: 'alpha beta', tag: 'x', n: 1, v: [1, 0, 0] },
    { _id: '2', text: 'beta gamma', tag: 'y', n: 2, v: [0, 1, 0] },
  ],
  commit: true,
});

const ENDPOINTS: [string, string][] = [
  ['POST', '/v1/collections/f/search'],
  ['POST', '/v1/collections/f/run'],
  ['POST', '/v1/collections/f/documents'],
  ['POST', '/v1/collections/f/delete'],
  ['POST', '/v1/collections/f/commit'],
  ['PUT', '/v1/collections/fz'],
];

const VALID: Record<string, unknown> = {
  '/v1/collections/f/search': {
    retrieve: [
      { field: 'text', text: 'beta' },
      { field: 'v', vector: [1, 0, 0] },
    ],
    fuse: { method: 'rrf' },
    filter: { where: { n: { gte: 1 } } },
    facets: ['tag'],
    k: 5,
    explain: true,
  },
  '/v1/collections/f/run': { queries: [{ id: 'q', text: 'beta' }], qrels: [['q', '1', 1]], measures: ['map'] },
  '/v1/collections/f/documents': { documents: [{ _id: '9', text: 'delta', tag: 'z', n: 3, v: [0, 0, 1] }], mode: 'update' },
  '/v1/collections/f/delete': { ids: ['9'] },
  '/v1/collections/f/commit': { optimize: false },
  '/v1/collections/fz': { schema: { fields: { text: { type: 'text' } } } },
};

async function send(method: string, path: string, body: string, type: string): Promise<void> {
  const res = await fetch(t.url + path, { method, headers: { 'content-type': type }, body });
  const text = await res.text();
  expect(res.status, `${method} ${path} ${type} ${body.slice(0, 200)} -> ${text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status >= 400) {
    const json = JSON.parse(text) as { error: { code: string; message: string } };
    expect(typeof json.error.code).toBe('string');
    expect(json.error.message.length).toBeGreaterThan(0);
  }
}

/** Mutates a valid body: replaces one value somewhere with a random JSON value. */
function mutate(value: unknown, pick: number, replacement: unknown): unknown {
  let i = 0;
  const walk = (v: unknown): unknown => {
    if (i++ === pick) return replacement;
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

describe('fuzzing every endpoint', () => {
  it('survives random JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ENDPOINTS), fc.jsonValue({ maxDepth: 4 }), async ([method, path], v) =>
        send(method, path, JSON.stringify(v), 'application/json'),
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('survives valid bodies with one value replaced', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.nat(40),
        fc.jsonValue({ maxDepth: 2 }),
        async ([method, path], pick, replacement) =>
          send(method, path, JSON.stringify(mutate(VALID[path], pick, replacement)), 'application/json'),
      ),
      { numRuns: 200, seed: 11 },
    );
  });

  it('survives truncated bodies, random text and odd content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string({ maxLength: 200 }),
        fc.constantFrom(
          'application/json',
          'application/x-ndjson',
          'application/json; charset=latin1',
          'text/plain',
          'application/octet-stream',
          'multipart/form-data',
        ),
        async ([method, path], cut, junk, type) => {
          const full = JSON.stringify(VALID[path]);
          await send(method, path, full.slice(0, Math.floor(full.length * cut)), type);
          await send(method, path, junk, type);
        },
      ),
      { numRuns: 120, seed: 13 },
    );
  });

  it('is still healthy and consistent afterwards', async () => {
    expect((await t.call('GET', '/health')).json.status).toBe('ok');
    const r = await t.call('POST', '/v1/collections/f/search', { retrieve: [{ field: 'text', text: 'alpha' }] });
    expect(r.status).toBe(200);
    expect(r.json.hits.map((h: { id: string }) => h.id)).toContain('1');
  });
});
