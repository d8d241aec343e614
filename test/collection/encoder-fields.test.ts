// Dense fields that name an encoder: documents' text is encoded at indexing
// time, query text by the same model's query side, in legs and hybrids.
import { describe, expect, it } from 'vitest';
import { join, isAbsolute } from 'node:path';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { Model2VecEncoder } from '../../src/encode/model2vec.js';
import { buildCollection } from '../helpers/build-collection.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const root = tempDir();
const model = join(dataset('model2vec-rs-fixtures'), 'test-model-float32');
const docs = [
  { _id: 'a', title: 'Hello', text: 'hello world' },
  { _id: 'b', title: 'Rust', text: 'rust is awesome' },
  { _id: 'c', title: 'Bonjour', text: 'le monde entier' },
  { _id: 'd', title: 'Greetings', text: 'hello hello there' },
];

describe('encoder fields', () => {
  it('encodes documents and queries with a Model2Vec model (flat = exact ranking)', () => {
    const schema = {
      fields: {
        contents: { type: 'text', from: ['title', 'text'] },
        emb: { type: 'dense', dim: 2, index: 'flat', metric: 'dot', encoder: { type: 'model2vec', path: model, from: ['title', 'text'] } },
      },
    };
    const c = buildCollection(root, docs, parseSchema(schema));
    const snap = c.reader();
    const m = Model2VecEncoder.fromFolder(model);
    const q = m.encode('hello planet');
    const expected = docs
      .map((d) => {
        const v = m.encode(`${d.title}\n${d.text}`);
        return [d._id, v[0]! * q[0]! + v[1]! * q[1]!] as const;
      })
      .sort((a, b) => b[1] - a[1]);
    const r = snap.query({ retrieve: [{ field: 'emb', text: 'hello planet' }], k: 4 });
    expect(r.hits.map((h) => h.id)).toEqual(expected.map(([id]) => id));
    r.hits.forEach((h, i) => expect(h.score).toBeCloseTo(expected[i]![1], 5));
    expect(r.hits[0]!.stored).toMatchObject({ title: expect.any(String), text: expect.any(String) });
    const hybrid = snap.query({
      retrieve: [
        { field: 'contents', text: 'hello' },
        { field: 'emb', text: 'hello' },
      ],
      fuse: { method: 'rrf' },
      k: 2,
      explain: true,
    });
    expect(hybrid.hits[0]!.legs).toHaveLength(2);
    expect(hybrid.hits[0]!.explain!.legs).toHaveLength(2);
  });

  it('reads GloVe-format word vectors and keeps encoder paths absolute', () => {
    const dir = tempDir('quarry-enc-');
    writeFile(dir, 'vectors.txt', '3 2\nhello 1 0\nworld 0.8 0.6\nrust 0 1\n');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const c = Collection.create(join(root, 'wv'), {
        fields: { emb: { type: 'dense', dim: 2, index: 'flat', encoder: { type: 'word-vectors', path: 'vectors.txt', from: ['text'] } } },
      });
      const spec = c.schema.fields.emb as { encoder: { path: string } };
      expect(isAbsolute(spec.encoder.path)).toBe(true);
      const w = c.writer();
      for (const d of docs) w.add({ _id: d._id, text: d.text });
      w.commit();
      w.close();
      process.chdir(cwd);
      expect(c.reader().query({ retrieve: [{ field: 'emb', text: 'Rust!' }], k: 1 }).hits[0]!.id).toBe('b');
    } finally {
      process.chdir(cwd);
    }
  });

  it('rejects mismatched dimensions, both from and encoder, and non-text sources', () => {
    expect(() =>
      Collection.create(join(root, 'x1'), {
        fields: { emb: { type: 'dense', dim: 3, encoder: { type: 'model2vec', path: model, from: ['text'] } } },
      }).writer(),
    ).toThrow('fields.emb.encoder: the encoder produces 2 numbers but the field has dim 3');
    expect(() =>
      parseSchema({ fields: { emb: { type: 'dense', dim: 2, from: 'v', encoder: { type: 'model2vec', path: model, from: ['text'] } } } }),
    ).toThrow('give either "from"');
    const c = Collection.create(join(root, 'x2'), {
      fields: { emb: { type: 'dense', dim: 2, index: 'flat', encoder: { type: 'model2vec', path: model, from: ['text'] } } },
    });
    const w = c.writer();
    expect(() => w.add({ _id: '1', text: 42 }, { file: 'd.jsonl', line: 3 })).toThrow(
      'd.jsonl:3: text: expected a string to encode, found number 42',
    );
    w.close();
    expect(() =>
      Collection.create(join(root, 'x3'), {
        fields: { emb: { type: 'dense', dim: 2, encoder: { type: 'model2vec', path: join(root, 'nowhere'), from: ['text'] } } },
      }).writer(),
    ).toThrow('the model folder has no config.json');
  });
});
