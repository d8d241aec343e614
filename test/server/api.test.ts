// The HTTP API over real HTTP on loopback: collections, bulk writes (JSON and
// NDJSON), search with filters/facets/highlights/explain, batch runs
// evaluated against posted qrels, metrics, OpenAPI, and the 4xx answers to
// bad requests.
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { Collection, writeFieldAdapter } from '../../src/collection/index.js';
import { evaluateRun, qrelsFromTriples, type RunData } from '../../src/eval/index.js';
import { startTestServer } from '../helpers/http-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const dataDir = join(tempDir('quarry-server-'), 'data');
const t = await startTestServer({ dataDir, maxK: 50, maxDepth: 500, bodyLimit: 256 * 1024 });

const SCHEMA = {
  fields: {
    title: { type: 'text' },
    body: { type: 'text' },
    lang: { type: 'keyword' },
    year: { type: 'number' },
  },
};

const DOCS = [
  { _id: 'a', title: 'Retrieval with BM25', body: 'Okapi BM25 ranks documents for retrieval tasks.', lang: 'en', year: 1994 },
  { _id: 'b', title: 'Dense retrieval', body: 'Dual encoders retrieve passages with dense vectors.', lang: 'en', year: 2020 },
  { _id: 'c', title: 'Recherche documentaire', body: 'La recherche documentaire classe les documents.', lang: 'fr', year: 2001 },
  { _id: 'd', title: 'Learned sparse retrieval', body: 'SPLADE expands documents and queries for retrieval.', lang: 'en', year: 2021 },
];

describe('collections', () => {
  it('creates, lists and describes a collection', async () => {
    const r = await t.call('PUT', '/v1/collections/papers', { schema: SCHEMA });
    expect(r.status).toBe(201);
    expect(r.json.name).toBe('papers');
    const list = await t.call('GET', '/v1/collections');
    expect(list.json.collections.map((c: { name: string }) => c.name)).toContain('papers');
    const info = await t.call('GET', '/v1/collections/papers');
    expect(info.json.documents).toBe(0);
    expect(Object.keys(info.json.schema.fields)).toEqual(['title', 'body', 'lang', 'year']);
  });

  it('lists and describes collections from the served snapshots, without reading them again', async () => {
    await t.call('GET', '/v1/collections/papers'); // the first use opens the served snapshot
    const opened = vi.spyOn(Collection.prototype, 'reader');
    try {
      for (let i = 0; i < 3; i++) {
        expect((await t.call('GET', '/v1/collections')).status).toBe(200);
        expect((await t.call('GET', '/v1/collections/papers')).json.generation).toBeGreaterThan(0);
      }
      expect(opened).not.toHaveBeenCalled();
    } finally {
      opened.mockRestore();
    }
  });

  it('refuses a duplicate, a bad name and a bad schema with the offending path', async () => {
    expect((await t.call('PUT', '/v1/collections/papers', { schema: SCHEMA })).json.error.code).toBe('ALREADY_EXISTS');
    const bad = await t.call('PUT', '/v1/collections/..evil', { schema: SCHEMA });
    expect(bad.status).toBe(400);
    expect(bad.json.error.path).toBe('name');
    const s = await t.call('PUT', '/v1/collections/x1', { schema: { fields: { t: { type: 'text', k1: -1 } } } });
    expect(s.status).toBe(400);
    expect(s.json.error.path).toBe('schema.fields.t.k1');
    const unknown = await t.call('PUT', '/v1/collections/x2', { schema: SCHEMA, shards: 3 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('"shards"');
    expect((await t.call('GET', '/v1/collections')).json.collections.map((c: { name: string }) => c.name)).not.toContain('x1');
  });

  it('answers 404 naming the collections that exist', async () => {
    const r = await t.call('POST', '/v1/collections/nope/search', { retrieve: [{ field: 'title', text: 'x' }] });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('NOT_FOUND');
    expect(r.json.error.hint).toContain('papers');
    const route = await t.call('GET', '/v2/whatever');
    expect(route.status).toBe(404);
    expect(route.json.error.code).toBe('ROUTE_NOT_FOUND');
    const unversioned = await t.call('POST', '/collections/papers/search', { retrieve: [{ field: 'title', text: 'x' }] });
    expect(unversioned.status).toBe(404);
    expect(unversioned.json.error.hint).toBe('the API is versioned: POST /v1/collections/papers/search');
  });
});

describe('documents', () => {
  it('adds a JSON batch and commits it', async () => {
    const r = await t.call('POST', '/v1/collections/papers/documents', { documents: DOCS, commit: true });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ added: 4, replaced: 0, uncommitted: false });
    expect((await t.call('GET', '/v1/collections/papers')).json.documents).toBe(4);
  });

  it('rejects a whole batch when one document is bad, naming it, and changes nothing', async () => {
    const r = await t.call('POST', '/v1/collections/papers/documents', {
      documents: [
        { _id: 'e', title: 'ok', lang: 'en' },
        { _id: 'f', title: 'bad year', year: 'soon' },
      ],
      commit: true,
    });
    expect(r.status).toBe(400);
    expect(r.json.error.path).toBe('documents[1].year');
    const dup = await t.call('POST', '/v1/collections/papers/documents', { documents: [{ _id: 'a', title: 'again' }] });
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toContain('duplicate document id "a"');
    const info = (await t.call('GET', '/v1/collections/papers')).json;
    expect(info.documents).toBe(4);
    expect(info.stats.uncommittedChanges).toBe(false);
  });

  it('takes NDJSON bodies and names the bad line', async () => {
    const nd = '{"_id":"g","title":"Graph search","lang":"en","year":2016}\n\n{"_id":"h","title":"broken"\n';
    const bad = await t.call('POST', '/v1/collections/papers/documents?commit=true', nd, { 'content-type': 'application/x-ndjson' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.path).toBe('line 3');
    const badDoc = await t.call('POST', '/v1/collections/papers/documents', '{"_id":"g","title":"x"}\n{"_id":"h","year":"x"}\n', {
      'content-type': 'application/x-ndjson',
    });
    expect(badDoc.json.error.path).toBe('body:2.year');
    const ok = await t.call(
      'POST',
      '/v1/collections/papers/documents?commit=true',
      '{"_id":"g","title":"Graph search for vectors","lang":"en","year":2016}\n',
      { 'content-type': 'application/x-ndjson' },
    );
    expect(ok.json).toMatchObject({ added: 1, uncommitted: false });
    const badQuery = await t.call('POST', '/v1/collections/papers/documents?commit=yes', '{"_id":"z"}\n', {
      'content-type': 'application/x-ndjson',
    });
    expect(badQuery.status).toBe(400);
    expect(badQuery.json.error.path).toBe('commit');
  });

  it('updates, deletes and commits', async () => {
    const up = await t.call('POST', '/v1/collections/papers/documents', {
      documents: [{ _id: 'g', title: 'Graph search (HNSW)', lang: 'en', year: 2018 }],
      mode: 'update',
    });
    expect(up.json).toMatchObject({ added: 0, replaced: 1, uncommitted: true });
    const del = await t.call('POST', '/v1/collections/papers/delete', { ids: ['c', 'missing'] });
    expect(del.json).toMatchObject({ deleted: 1, missing: ['missing'] });
    // Not visible before the commit.
    expect((await t.call('GET', '/v1/collections/papers')).json.documents).toBe(5);
    const c = await t.call('POST', '/v1/collections/papers/commit');
    expect(c.status).toBe(200);
    expect(c.json.documents).toBe(4);
    const hits = (await t.call('POST', '/v1/collections/papers/search', { retrieve: [{ field: 'title', text: 'hnsw' }] })).json.hits;
    expect(hits.map((h: { id: string }) => h.id)).toEqual(['g']);
  });
});

describe('search', () => {
  it("returns the library's ranking, with per-leg scores, highlights, facets and explanations", async () => {
    const spec: QuerySpecInput = {
      retrieve: [
        { field: 'title', text: 'retrieval' },
        { field: 'body', text: 'retrieval documents' },
      ],
      fuse: { method: 'rrf', k: 60 },
      facets: ['lang'],
      explain: true,
      k: 3,
    };
    const r = await t.call('POST', '/v1/collections/papers/search?highlight=true', spec);
    expect(r.status).toBe(200);
    expect((await t.call('POST', '/v1/collections/papers/search', spec)).json.hits[0].highlights).toBeUndefined();
    const direct = Collection.open(join(dataDir, 'papers')).reader().query(spec);
    expect(r.json.hits.map((h: { id: string }) => h.id)).toEqual(direct.hits.map((h) => h.id));
    expect(r.json.hits.map((h: { score: number }) => h.score)).toEqual(direct.hits.map((h) => h.score));
    expect(r.json.total).toBe(direct.total);
    expect(r.json.facets).toEqual(direct.facets);
    const first = r.json.hits[0];
    expect(first.legs).toHaveLength(2);
    expect(first.explain.fusion).toContain('reciprocal rank fusion');
    const marked = first.highlights.title.filter((f: { match: boolean }) => f.match).map((f: { text: string }) => f.text);
    expect(marked.map((s: string) => s.toLowerCase())).toContain('retrieval');
  });

  it("highlights the terms a structured leg's prefixes, wildcards, patterns and ranges match, not its exclusions (c was deleted above; d is excluded)", async () => {
    const spec = { retrieve: [{ field: 'body', text: 'doc* OR /enc.*/ OR [okapi TO okapi] OR pa?sag* -splade', syntax: 'lucene' }], k: 5 };
    const r = await t.call('POST', '/v1/collections/papers/search?highlight=true', spec);
    expect(r.status).toBe(200);
    const marked = new Set<string>();
    for (const h of r.json.hits) for (const f of h.highlights.body) if (f.match) marked.add(f.text.toLowerCase());
    expect([...marked].sort()).toEqual(['documents', 'encoders', 'okapi', 'passages']);
  });

  it('filters with where and turns off stored fields on request', async () => {
    const r = await t.call('POST', '/v1/collections/papers/search?stored=false', {
      retrieve: [{ field: 'body', text: 'documents retrieval' }],
      filter: { where: { year: { gte: 2000 } } },
    });
    expect(r.json.hits.map((h: { id: string }) => h.id).sort()).toEqual(['b', 'd']); // "retrieve" and "retrieval" share the stem
    expect(r.json.hits[0].stored).toBeUndefined();
  });

  it('caps k and depth', async () => {
    const k = await t.call('POST', '/v1/collections/papers/search', { retrieve: [{ field: 'title', text: 'x' }], k: 51 });
    expect(k.status).toBe(400);
    expect(k.json.error.path).toBe('k');
    const depth = await t.call('POST', '/v1/collections/papers/search', { retrieve: [{ field: 'title', text: 'x', k: 501 }] });
    expect(depth.json.error.path).toBe('retrieve[0].k');
    const offset = await t.call('POST', '/v1/collections/papers/search', { retrieve: [{ field: 'title', text: 'x' }], offset: 480, k: 50 });
    expect(offset.json.error.path).toBe('offset');
  });

  it('answers malformed JSON, wrong types and unknown fields with 400 and the path', async () => {
    const cases: [unknown, string | null, RegExp][] = [
      ['{"retrieve": [', null, /not valid JSON/],
      [{ retrieve: [{ field: 'title', text: 3 }] }, 'retrieve[0].text', /must be a string/],
      [{ retrieve: [{ field: 'title', text: 'x', boost: 2 }] }, 'retrieve[0]', /unknown key\(s\) "boost"/],
      [{ retrieve: [] }, 'retrieve', /at least 1/],
      [{ retrieve: [{ field: 'year', text: 'x' }] }, 'retrieve[0].field', /not a text field/],
      [{ retrieve: [{ field: 'title', text: 'x' }], filter: { where: { colour: 'red' } } }, null, /colour/],
      [[1, 2], null, /object/],
    ];
    for (const [body, path, message] of cases) {
      const r = await t.call('POST', '/v1/collections/papers/search', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      if (path !== null) expect(r.json.error.path).toBe(path);
      expect(r.json.error.message).toMatch(message);
    }
    const type = await t.call('POST', '/v1/collections/papers/search', 'retrieve=x', { 'content-type': 'text/plain' });
    expect(type.status).toBe(415);
    expect(type.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses bodies over the limit with 413', async () => {
    const big = { documents: [{ _id: 'big', title: 'x'.repeat(300 * 1024) }] };
    const r = await t.call('POST', '/v1/collections/papers/documents', big);
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('TOO_LARGE');
  });
});

describe('batch runs', () => {
  const queries = [
    { id: 'q1', text: 'retrieval' },
    { id: 'q2', text: 'graph search' },
    { id: 'q3', text: 'sparse expansion' },
  ];
  const qrels: [string, string, number][] = [
    ['q1', 'a', 1],
    ['q1', 'd', 2],
    ['q2', 'g', 1],
    ['q3', 'd', 1],
    ['q3', 'b', 0],
  ];

  it('runs queries and evaluates them exactly as the library does', async () => {
    const r = await t.call('POST', '/v1/collections/papers/run', {
      queries,
      k: 10,
      qrels,
      measures: ['map', 'ndcg_cut.10', 'P.5'],
      perQuery: true,
    });
    expect(r.status).toBe(200);
    expect(r.json.queries).toBe(3);
    const snap = Collection.open(join(dataDir, 'papers')).reader();
    const run: RunData = new Map(
      queries.map((q) => {
        const hits = snap.search(q.text, { k: 10 });
        return [q.id, { docnos: hits.map((h) => h.id), scores: hits.map((h) => h.score) }];
      }),
    );
    const report = evaluateRun(qrelsFromTriples(qrels), run, { measures: ['map', 'ndcg_cut.10', 'P.5'] });
    expect(r.json.evaluation.all.map).toBe(report.all.get('map'));
    expect(r.json.evaluation.all.ndcg_cut_10).toBe(report.all.get('ndcg_cut_10'));
    expect(Object.keys(r.json.evaluation.perQuery).sort()).toEqual(['q1', 'q2', 'q3']);
  });

  it('accepts TREC qrels text and spec templates, and streams NDJSON', async () => {
    const trec = qrels.map(([q, d, rel]) => `${q} 0 ${d} ${rel}`).join('\n');
    const template = { retrieve: [{ field: 'title', text: '$query' }], filter: { where: { lang: 'en' } } };
    const res = await fetch(`${t.url}/v1/collections/papers/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ queries, template, qrels: trec, measures: ['map'] }),
    });
    const text = await res.clone().text();
    expect(res.headers.get('content-type'), text).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, 3).map((l) => l.query)).toEqual(['q1', 'q2', 'q3']);
    expect(typeof lines[3].evaluation.all.map).toBe('number');
  });

  it('validates qrels and every query before running', async () => {
    const badQrels = await t.call('POST', '/v1/collections/papers/run', { queries, qrels: 'q1 0 a\n' });
    expect(badQrels.status).toBe(400);
    expect(badQrels.json.error.message).toContain('qrels:1');
    const badQuery = await t.call('POST', '/v1/collections/papers/run', { queries: [{ id: 'q1', text: 'x', spec: {} }] });
    expect(badQuery.json.error.path).toBe('queries[0]');
    const badSpec = await t.call('POST', '/v1/collections/papers/run', {
      queries: [{ id: 'q1', spec: { retrieve: [{ field: 'title', text: 'x', k: 9999 }] } }],
    });
    expect(badSpec.json.error.path).toBe('queries[0].spec.retrieve[0].k');
  });
});

describe('system endpoints', () => {
  it('reports health, Prometheus metrics and the OpenAPI document', async () => {
    const h = await t.call('GET', '/health');
    expect(h.json).toMatchObject({ status: 'ok', collections: 1, auth: false, kernels: 'wasm-simd' });
    const m = await t.call('GET', '/metrics');
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(m.text).toMatch(/quarry_http_requests_total\{method="POST",route="\/v1\/collections\/:name\/search",status="200"\} \d+/);
    expect(m.text).toMatch(
      /quarry_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v1\/collections\/:name\/search"\} \d+/,
    );
    expect(m.text).toContain('quarry_collection_documents{collection="papers"} 4');
    expect(m.text).toMatch(/quarry_collection_index_bytes\{collection="papers"\} [1-9]\d+/);
    const o = await t.call('GET', '/openapi.json');
    expect(o.json.openapi).toBe('3.0.3');
    const search = o.json.paths['/v1/collections/{name}/search'].post;
    const props = search.requestBody.content['application/json'].schema.properties;
    expect(Object.keys(props)).toEqual(expect.arrayContaining(['retrieve', 'fuse', 'filter', 'k', 'offset', 'facets', 'explain']));
    expect(props.filter.properties.where.$ref).toBe('#/components/schemas/Where');
    expect(o.json.components.schemas.Where).toBeDefined();
  });

  it('serves the pages without a build step', async () => {
    const page = await t.call('GET', '/');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('/assets/search.js');
    expect((await t.call('GET', '/assets/search.js')).status).toBe(200);
    expect((await t.call('GET', '/eval')).text).toContain('/assets/eval.js');
  });

  it('maps new-model query vectors with a drift adapter saved with the collection', async () => {
    await t.call('PUT', '/v1/collections/vecs', { schema: { fields: { v: { type: 'dense', dim: 3, index: 'flat' } } } });
    const docs = [
      { _id: 'x', v: [1, 0, 0] },
      { _id: 'y', v: [0, 1, 0] },
      { _id: 'z', v: [0, 0, 1] },
    ];
    expect((await t.call('POST', '/v1/collections/vecs/documents', { documents: docs, commit: true })).status).toBe(200);
    // the "new model" has 2 dimensions; the adapter sends (a, b) to (0, a, b)
    writeFieldAdapter(join(dataDir, 'vecs'), {
      name: 'v2',
      field: 'v',
      kind: 'affine',
      mlp: null,
      normalizeInput: false,
      inputDim: 2,
      outputDim: 3,
      matrix: Float32Array.from([0, 0, 1, 0, 0, 1]),
      bias: new Float32Array(3),
    });
    const r = await t.call('POST', '/v1/collections/vecs/search', { retrieve: [{ field: 'v', vector: [0.1, 0.9], adapter: 'v2' }], k: 1 });
    expect(r.status).toBe(200);
    expect(r.json.hits[0].id).toBe('z');
    const missing = await t.call('POST', '/v1/collections/vecs/search', { retrieve: [{ field: 'v', vector: [0.1, 0.9], adapter: 'v3' }] });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toMatch(/no adapter "v3" \(adapters: v2\)/);
    const wrongDim = await t.call('POST', '/v1/collections/vecs/search', { retrieve: [{ field: 'v', vector: [1, 0, 0], adapter: 'v2' }] });
    expect(wrongDim.status).toBe(400);
    expect(wrongDim.json.error.message).toMatch(/adapter "v2" maps 2-dimensional vectors/);
  });

  it('drops a collection', async () => {
    await t.call('PUT', '/v1/collections/tmp', { schema: SCHEMA });
    const r = await t.call('DELETE', '/v1/collections/tmp');
    expect(r.json).toEqual({ dropped: 'tmp' });
    expect((await t.call('GET', '/v1/collections/tmp')).status).toBe(404);
  });
});
