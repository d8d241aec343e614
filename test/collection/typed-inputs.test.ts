// The library's inputs are typed: a schema, a query spec or a document with a typo fails to
// compile (each `@ts-expect-error` below is checked by `npm run typecheck:all`: a line that
// compiled would fail it), ordinary interfaces are documents, Float32Array vectors are taken,
// and hits carry the collection's document type.
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Collection, type Hit, type SchemaInput } from '../../src/quarry.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Paper {
  id: string;
  title: string;
  year: number;
  emb: Float32Array;
}

// written as docs/schema.md shows it: settings with defaults left out
const schema: SchemaInput = {
  id: 'id',
  fields: {
    title: { type: 'text' },
    year: { type: 'number' },
    emb: { type: 'dense', dim: 3, metric: 'cosine' },
  },
  store: ['title', 'year'],
};

describe('typed inputs', () => {
  it('typos in schemas, specs and documents do not compile; correct ones run', () => {
    // @ts-expect-error: 'txt' is not a field type
    const typoType: SchemaInput = { fields: { title: { type: 'txt' } } };
    // @ts-expect-error: "retreive" is not a spec key (and "retrieve" is missing)
    const typoKey: QuerySpecInput = { retreive: [{ field: 'title', text: 'x' }] };
    // @ts-expect-error: "rff" is not a fusion method
    const typoFuse: QuerySpecInput = { retrieve: [{ field: 'title', text: 'x' }], fuse: { method: 'rff' } };
    expect([typoType, typoKey, typoFuse]).toHaveLength(3);

    const c = Collection.create<Paper>(join(tempDir(), 'papers'), schema);
    const w = c.writer();
    w.add({ id: 'p1', title: 'solar cells', year: 2001, emb: Float32Array.of(1, 0, 0) });
    w.add({ id: 'p2', title: 'wind turbines', year: 2015, emb: Float32Array.of(0, 1, 0) });
    // @ts-expect-error: "titel" is not a property of Paper
    expect(() => w.add({ id: 'p3', titel: 'typo', year: 2020, emb: Float32Array.of(0, 0, 1) })).toThrow(/unknown field/);
    w.commit();
    w.close();

    const snap = c.reader();
    const hits = snap.search('solar');
    expectTypeOf(hits).toEqualTypeOf<Hit<Paper>[]>();
    expectTypeOf(hits[0]!.stored).toEqualTypeOf<Partial<Paper> | undefined>();
    expect(hits[0]!.stored?.year).toBe(2001);

    const spec: QuerySpecInput = {
      retrieve: [
        { field: 'title', text: 'solar' },
        { field: 'emb', vector: Float32Array.of(0.9, 0.1, 0) },
      ],
      fuse: { method: 'rrf' },
      filter: { where: { year: { lt: 2010 } } },
      k: 5,
    };
    expect(snap.query(spec).hits.map((h) => h.id)).toEqual(['p1']);
  });

  it('the default document type is any object', () => {
    const c = Collection.create(join(tempDir(), 'any'), { fields: { body: { type: 'text' } } });
    expectTypeOf(c).toEqualTypeOf<Collection<Record<string, unknown>>>();
    const w = c.writer();
    w.add({ _id: 'a', body: 'hello world' });
    w.commit();
    w.close();
    expectTypeOf(c.reader().search('hello')[0]!.stored).toEqualTypeOf<Partial<Record<string, unknown>> | undefined>();
  });
});
