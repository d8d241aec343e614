// Model-backed features over HTTP: documents posted to a collection whose dense field
// is encoded by a transformer (the tiny fixture BERT), text legs encoded at search
// time, a cross-encoder stage in search, and the batch endpoint running both.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'models');
const t = await startTestServer({ dataDir: join(tempDir('quarry-server-models-'), 'data'), modelDirs: [MODELS] });
const SCHEMA = {
  fields: {
    text: { type: 'text' },
    emb: { type: 'dense', dim: 32, index: 'flat', encoder: { type: 'transformer', path: join(MODELS, 'tiny-bert'), from: ['text'] } },
  },
  store: ['text'],
  rerankers: { tiny: { type: 'cross-encoder', path: join(MODELS, 'tiny-cross-encoder'), from: ['text'] } },
};
const TEXTS = [
  'Time sharing systems for IBM computers',
  'An algorithm for sorting',
  'Parsing of programming languages',
  'Storage allocation in time sharing',
];

describe('models over HTTP', () => {
  it('encodes posted documents, text legs and reranks with the cross-encoder, in search and in batches', async () => {
    expect((await t.call('PUT', '/v1/collections/m', { schema: SCHEMA })).status).toBe(201);
    const add = await t.call('POST', '/v1/collections/m/documents', {
      documents: TEXTS.map((text, i) => ({ _id: `d${i}`, text })),
      commit: true,
    });
    expect(add.status).toBe(200);
    expect(add.json.added).toBe(4);
    const hybrid = {
      retrieve: [
        { field: 'emb', text: 'time sharing' },
        { field: 'text', text: 'time sharing' },
      ],
      k: 4,
    };
    const s = await t.call('POST', '/v1/collections/m/search', {
      ...hybrid,
      crossEncoder: { reranker: 'tiny', text: 'time sharing', depth: 3 },
    });
    expect(s.status).toBe(200);
    expect(s.json.crossEncoded).toBe(3);
    expect(s.json.hits.slice(0, 3).every((h: { crossEncoder?: number }) => typeof h.crossEncoder === 'number')).toBe(true);
    const r = await t.call('POST', '/v1/collections/m/run', {
      queries: [
        { id: 'q1', spec: hybrid },
        { id: 'q2', spec: { ...hybrid, crossEncoder: { reranker: 'tiny', text: 'sorting' } } },
      ],
      k: 4,
    });
    expect(r.status).toBe(200);
    expect(r.json.results.map((x: { hits: unknown[] }) => x.hits.length)).toEqual([4, 4]);
    const bad = await t.call('POST', '/v1/collections/m/search', { ...hybrid, crossEncoder: { reranker: 'nope', text: 'x' } });
    expect(bad.status).toBe(404);
    expect(bad.json.error.message).toMatch(/no reranker "nope"/);
  });
});
