// A dense field encoded by a transformer (the tiny fixture BERT, mean pooling): documents
// are encoded by writer.addBatchAsync and queries by Snapshot.queryAsync, giving the
// ranking an independent cosine computation over the same encoder's vectors gives; the
// synchronous paths refuse with a clear message; the CLI indexes and searches it.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { TransformerDenseEncoder } from '../../src/encode/transformer-dense-encoder.js';
import { TransformerSparseEncoder } from '../../src/encode/transformer-sparse-encoder.js';
import { TransformerTokenEncoder } from '../../src/encode/transformer-token-encoder.js';
import { quarry } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { SchemaInput } from '../../src/collection/schema.js';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'models');
const MODEL = join(MODELS, 'tiny-bert');
const texts = [
  'Time sharing systems for IBM computers',
  'An algorithm for sorting',
  'Parsing of programming languages',
  'Storage allocation in time sharing',
  'Compilers for ALGOL',
];
const schema = (dim: number): SchemaInput => ({
  id: '_id',
  fields: {
    text: { type: 'text' },
    emb: {
      type: 'dense',
      dim,
      index: 'flat',
      metric: 'cosine',
      encoder: { type: 'transformer', path: MODEL, from: ['text'], pooling: 'mean', queryPrefix: 'query: ' },
    },
  },
  store: ['text'],
});

describe('dense field with a transformer encoder', () => {
  it('encodes documents in addBatchAsync and queries in queryAsync, ranking as cosine over the encoder vectors', async () => {
    const c = Collection.create(join(tempDir(), 'c'), schema(32));
    const w = c.writer();
    expect(w.needsAsyncAdd).toBe(true);
    expect(() => w.add({ _id: 'x', text: 'hello' })).toThrow(/encoded by a transformer.*addBatchAsync/);
    await w.addBatchAsync(
      texts.map((text, i) => ({ _id: `d${i}`, text })),
      'add',
    );
    w.commit();
    w.close();
    const snap = c.reader();
    const r = await snap.queryAsync({ retrieve: [{ field: 'emb', text: 'time sharing' }], k: 5 });
    const enc = await TransformerDenseEncoder.load(MODEL, { pooling: 'mean', queryPrefix: 'query: ' });
    const [q] = await enc.encodeQueries(['time sharing']);
    const d = await enc.encodeDocuments(texts);
    const want = d.map((v, i) => ({ id: `d${i}`, s: v.reduce((a, x, j) => a + x * q![j]!, 0) })).sort((a, b) => b.s - a.s);
    expect(r.hits.map((h) => h.id)).toEqual(want.map((x) => x.id));
    r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.s, 4));
    expect(() => snap.query({ retrieve: [{ field: 'emb', text: 'time sharing' }] })).toThrow(/runs asynchronously.*queryAsync/);
  });

  it('checks the field dimension against the model when documents are encoded', async () => {
    const c = Collection.create(join(tempDir(), 'c'), schema(16));
    const w = c.writer();
    await expect(w.addBatchAsync([{ _id: 'a', text: 'x' }], 'add')).rejects.toThrow(/produces 32 numbers but the field has dim 16/);
    w.close();
  });

  it('quarry index encodes the corpus and quarry search --spec encodes the query', () => {
    const dir = tempDir();
    const corpus = join(dir, 'corpus.jsonl');
    writeFileSync(corpus, texts.map((text, i) => JSON.stringify({ _id: `d${i}`, text })).join('\n') + '\n');
    const schemaFile = join(dir, 'schema.json');
    writeFileSync(schemaFile, JSON.stringify(schema(32)));
    const idx = join(dir, 'idx');
    const r = quarry(['index', idx, '--corpus', corpus, '--schema', schemaFile, '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 5, documents: 5 });
    const spec = join(dir, 'spec.json');
    writeFileSync(
      spec,
      JSON.stringify({
        retrieve: [
          { field: 'emb', text: 'time sharing' },
          { field: 'text', text: 'time sharing' },
        ],
        k: 3,
      }),
    );
    const s = quarry(['search', idx, '--spec', spec, '--json']);
    expect(s.status).toBe(0);
    expect((JSON.parse(s.stdout) as { hits: unknown[] }).hits).toHaveLength(3);
  }, 30_000);
});

describe('sparse and multi-vector fields with transformer encoders', () => {
  it('SPLADE and ColBERT fields are encoded on add and on query, ranking as computed from the encoders directly', async () => {
    const c = Collection.create(join(tempDir(), 'c'), {
      id: '_id',
      fields: {
        splade: { type: 'sparse', encoder: { type: 'splade', path: join(MODELS, 'tiny-bert-mlm'), from: ['text'], topK: 64 } },
        colbert: {
          type: 'multivector',
          dim: 16,
          encoder: { type: 'colbert', path: join(MODELS, 'tiny-colbert'), from: ['text'], queryLength: 8 },
        },
      },
      store: ['text'],
    });
    const w = c.writer();
    expect(() => w.add({ _id: 'x', text: 'hi' })).toThrow(/encoded by a transformer/);
    await w.addBatchAsync(
      texts.map((text, i) => ({ _id: `d${i}`, text })),
      'add',
    );
    w.commit();
    w.close();
    const snap = c.reader();

    const sparse = await TransformerSparseEncoder.load(join(MODELS, 'tiny-bert-mlm'), { topK: 64 });
    const [qs] = await sparse.encodeQueries(['time sharing']);
    const ds = await sparse.encodeDocuments(texts);
    const wantSparse = ds
      .map((d, i) => ({ id: `d${i}`, s: Object.entries(qs!).reduce((a, [t, w]) => a + w * (d[t] ?? 0), 0) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id));
    const rs = await snap.queryAsync({ retrieve: [{ field: 'splade', text: 'time sharing' }], k: 5 });
    expect(rs.hits.map((h) => h.id)).toEqual(wantSparse.map((x) => x.id));
    rs.hits.forEach((h, i) => expect(h.score).toBeCloseTo(wantSparse[i]!.s, 3));

    const tokens = await TransformerTokenEncoder.load(join(MODELS, 'tiny-colbert'), { queryLength: 8 });
    const [qt] = await tokens.encodeQueries(['time sharing']);
    const dt = await tokens.encodeDocuments(texts);
    const maxSim = (d: { count: number; data: Float32Array }): number => {
      let sum = 0;
      for (let i = 0; i < qt!.count; i++) {
        let best = -Infinity;
        for (let j = 0; j < d.count; j++) {
          let s = 0;
          for (let x = 0; x < 16; x++) s += qt!.data[i * 16 + x]! * d.data[j * 16 + x]!;
          best = Math.max(best, s);
        }
        sum += best;
      }
      return sum;
    };
    const wantMv = dt.map((d, i) => ({ id: `d${i}`, s: maxSim(d) })).sort((a, b) => b.s - a.s);
    const rm = await snap.queryAsync({ retrieve: [{ field: 'colbert', text: 'time sharing' }], k: 5 });
    expect(rm.hits.map((h) => h.id)).toEqual(wantMv.map((x) => x.id));
    rm.hits.forEach((h, i) => expect(h.score).toBeCloseTo(wantMv[i]!.s, 3));
    expect(() => snap.query({ retrieve: [{ field: 'splade', text: 'time sharing' }] })).toThrow(/runs asynchronously.*queryAsync/);
  });

  it('an inference-free query side encodes queries by IDF weights, without the model', async () => {
    const dir = tempDir();
    const idf = join(dir, 'idf.json');
    writeFileSync(idf, JSON.stringify({ time: 2, sharing: 3, sorting: 1 }));
    const c = Collection.create(join(dir, 'c'), {
      id: '_id',
      fields: { splade: { type: 'sparse', encoder: { type: 'splade', path: join(MODELS, 'tiny-bert-mlm'), from: ['text'], idf } } },
      store: ['text'],
    });
    const w = c.writer();
    await w.addBatchAsync(
      texts.map((text, i) => ({ _id: `d${i}`, text })),
      'add',
    );
    w.commit();
    w.close();
    const docs = await (await TransformerSparseEncoder.load(join(MODELS, 'tiny-bert-mlm'))).encodeDocuments(texts);
    const want = docs
      .map((d, i) => ({ id: `d${i}`, s: 2 * (d.time ?? 0) + 3 * (d.sharing ?? 0) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id));
    const r = await c.reader().queryAsync({ retrieve: [{ field: 'splade', text: 'time sharing' }], k: 5, explain: true });
    expect(r.hits.map((h) => h.id)).toEqual(want.map((x) => x.id));
    r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.s, 3));
  });
});
