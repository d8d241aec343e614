// The query spec's crossEncoder stage: the first `depth` fused results reordered by a
// cross-encoder the schema names (the tiny fixture model), the rest in first-stage
// order; paging; and the errors for a synchronous call, an unknown reranker and a
// reranker reading unstored text.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { parseSchema } from '../../src/collection/schema.js';
import { TransformerCrossEncoder } from '../../src/encode/transformer-cross-encoder.js';
import { tempDir } from '../helpers/temp-dir.js';

const MODEL = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'models', 'tiny-cross-encoder');
const docs = [
  'Time sharing systems for IBM computers',
  'An algorithm for sorting with time bounds',
  'Parsing of programming languages and time',
  'Time-sharing operating system design',
  'Compilers and time complexity of parsing',
  'Storage allocation in time sharing',
];

function collection(): Collection {
  const c = Collection.create(join(tempDir(), 'c'), {
    id: '_id',
    fields: { text: { type: 'text' } },
    store: ['text'],
    rerankers: { tiny: { type: 'cross-encoder', path: MODEL, from: ['text'] } },
  });
  const w = c.writer();
  docs.forEach((text, i) => w.add({ _id: `d${i}`, text }));
  w.commit();
  w.close();
  return c;
}

describe('crossEncoder stage', () => {
  const c = collection();
  const first = { retrieve: [{ field: 'text', text: 'time' }], k: 6 };

  it('reorders the first depth hits by the cross-encoder score; the rest keep first-stage order', async () => {
    const snap = c.reader();
    const base = snap.query(first);
    expect(base.hits.length).toBe(6);
    const r = await snap.queryAsync({ ...first, crossEncoder: { reranker: 'tiny', text: 'time sharing', depth: 4 } });
    expect(r.crossEncoded).toBe(4);
    const model = await TransformerCrossEncoder.load(MODEL);
    const headIds = base.hits.slice(0, 4).map((h) => h.id);
    const scores = await model.score(
      'time sharing',
      base.hits.slice(0, 4).map((h) => String(h.stored!.text)),
    );
    const want = headIds.map((id, i) => ({ id, s: scores[i]!, i })).sort((a, b) => b.s - a.s || a.i - b.i);
    expect(r.hits.slice(0, 4).map((h) => h.id)).toEqual(want.map((x) => x.id));
    r.hits.slice(0, 4).forEach((h, i) => expect(h.crossEncoder).toBeCloseTo(want[i]!.s, 6));
    expect(r.hits.slice(4).map((h) => h.id)).toEqual(base.hits.slice(4).map((h) => h.id));
    expect(r.hits[4]!.crossEncoder).toBeUndefined();
  });

  it('pages after reranking and can leave stored fields out', async () => {
    const snap = c.reader();
    const all = await snap.queryAsync({ ...first, crossEncoder: { reranker: 'tiny', text: 'time sharing', depth: 6 } });
    const page = await snap.queryAsync(
      { ...first, k: 2, offset: 2, crossEncoder: { reranker: 'tiny', text: 'time sharing', depth: 6 } },
      { includeStored: false },
    );
    expect(page.hits.map((h) => h.id)).toEqual(all.hits.slice(2, 4).map((h) => h.id));
    expect(page.hits[0]!.stored).toBeUndefined();
  });

  it('is asynchronous only, and names the rerankers it knows', async () => {
    const snap = c.reader();
    expect(() => snap.query({ ...first, crossEncoder: { reranker: 'tiny', text: 'x' } })).toThrow(/use Snapshot.queryAsync/);
    await expect(snap.queryAsync({ ...first, crossEncoder: { reranker: 'nope', text: 'x' } })).rejects.toThrow(
      /no reranker "nope".*rerankers: tiny/,
    );
    await expect(snap.queryAsync({ ...first, crossEncoder: { reranker: 'tiny', text: 'x', depth: 0 } })).rejects.toThrow(
      /crossEncoder.depth/,
    );
  });

  it('a reranker must read stored text', () => {
    expect(() =>
      parseSchema({
        fields: { text: { type: 'text' } },
        store: ['title'],
        rerankers: { r: { type: 'cross-encoder', path: 'm', from: ['text'] } },
      }),
    ).toThrow(/rerankers.r.from: "text" is not stored/);
  });
});
