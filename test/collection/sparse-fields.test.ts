// Learned-sparse fields in collections: real SPLADE vectors indexed through
// the schema, exact and Seismic search over several segments, bad vectors.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { forwardRows } from '../../src/index/sparse/exact/sparse-inverted-lists.js';
import type { SparseExactIndex } from '../../src/index/sparse/exact/sparse-exact-index.js';
import { readSectionFile, readSectionTableOfContents, writeSectionFile } from '../../src/io/section-file.js';
import { forEachJsonObject } from '../../src/io/jsonl.js';
import { buildCollection } from '../helpers/build-collection.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const docs: Record<string, unknown>[] = [];
forEachJsonObject(dataset('seismic-toy/documents.jsonl'), (r) => docs.push({ _id: String(r.id), text: r.content, splade: r.vector }));
const queries: Record<string, number>[] = [];
forEachJsonObject(dataset('seismic-toy/queries.jsonl'), (r) => queries.push(r.vector as Record<string, number>));

function brute(q: Record<string, number>): string[] {
  return docs
    .map(
      (d) => [d._id as string, Object.entries(d.splade as Record<string, number>).reduce((s, [t, w]) => s + (q[t] ?? 0) * w, 0)] as const,
    )
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([id]) => id);
}

describe('sparse fields', () => {
  for (const index of ['exact', 'seismic'] as const) {
    it(`${index}: reproduces the brute-force top-10 across segments`, () => {
      const params = index === 'seismic' ? { nPostings: 100, centroidFraction: 0.5, summaryEnergy: 1, valueBits: 32 } : {};
      const schema = parseSchema({ fields: { splade: { type: 'sparse', index, params } }, extra: ['text'] });
      const snap = buildCollection(root, docs, schema, { flushDocs: 7 }).reader();
      expect(snap.segments.length).toBe(3);
      for (const q of queries) {
        const got = snap.searchSparse('splade', q, {
          k: 10,
          includeStored: false,
          params: index === 'seismic' ? { queryCut: 1000, heapFactor: 0 } : {},
        });
        expect(new Set(got.map((h) => h.id))).toEqual(new Set(brute(q)));
      }
    });
  }

  it('exact: stores inverted lists (format 2) and still opens format-1 files of forward rows', () => {
    const schema = parseSchema({ fields: { splade: { type: 'sparse' } }, extra: ['text'] });
    const c = buildCollection(join(root, 'format'), docs, schema);
    const expected = queries.map((q) => c.reader().searchSparse('splade', q, { k: 10, includeStored: false }));
    const m = readLatestManifest(c.dir);
    const seg = m.segments[0]!;
    const path = join(c.dir, seg.name, 'splade.spm');
    expect(readSectionTableOfContents(path, 'SPRM', 2).sections.map((x) => x.name)).toEqual([
      'start',
      'docs',
      'weights',
      'blockStart',
      'blockMax',
      'blockLast',
    ]);
    // Rewrite the file as format 1 (what earlier versions wrote) and record it in the manifest.
    const f = readSectionFile(path, 'SPRM', 2);
    const rows = Number(f.meta.rows);
    const dim = Number(f.meta.dim);
    const lists = {
      rows,
      dim,
      start: f.get('start', Float64Array),
      docs: f.get('docs', Uint32Array),
      weights: f.get('weights', Float32Array),
      blockStart: f.get('blockStart', Uint32Array),
      blockMax: f.get('blockMax', Float32Array),
      blockLast: f.get('blockLast', Uint32Array),
    };
    const fwd = forwardRows(lists);
    rmSync(path);
    const written = writeSectionFile(path, 'SPRM', 1, { indptr: fwd.indptr, indices: fwd.indices, values: fwd.values }, { rows, dim });
    const manifestFile = join(c.dir, `manifest-${m.generation}.json`);
    const json = JSON.parse(readFileSync(manifestFile, 'utf8')) as { segments: { files: Record<string, unknown> }[]; crc32?: number };
    json.segments[0]!.files['splade.spm'] = written;
    // as the versions that wrote format 1 wrote manifests: without a checksum
    delete json.crc32;
    writeFileSync(manifestFile, JSON.stringify(json));
    const old = Collection.open(c.dir).reader();
    expect(queries.map((q) => old.searchSparse('splade', q, { k: 10, includeStored: false }))).toEqual(expected);
    // documents' vectors come back from the lists, as written
    const first = docs.findIndex((d) => Object.keys(d.splade as object).length > 0);
    const vec = old.segments[0]!.sparse.get('splade')!.documentVector(first);
    expect(Object.fromEntries(vec)).toEqual(
      Object.fromEntries(Object.entries(docs[first]!.splade as Record<string, number>).map(([t, w]) => [t, Math.fround(w)])),
    );
    // and a merge of the old segment with a new one writes format 2
    const w = Collection.open(c.dir).writer({ backgroundMerges: false });
    w.add({ _id: 'extra', splade: { zzz: 1 } });
    w.optimize();
    w.close();
    const merged = readLatestManifest(c.dir).segments[0]!;
    expect(readSectionTableOfContents(join(c.dir, merged.name, 'splade.spm'), 'SPRM', 2).sections[0]!.name).toBe('start');
    expect(Collection.open(c.dir).reader().searchSparse('splade', queries[0]!, { k: 10, includeStored: false })).toEqual(
      expected[0]!.map((h) => ({ ...h })),
    );
  });

  it('exact: a merge joins the inverted lists term by term (vectors kept, deleted-only tokens dropped)', () => {
    // a token only one document has, deleted before the merge
    const lonely = docs.map((d, i) => (i === 5 ? { ...d, splade: { ...(d.splade as object), zzlonely: 2.5 } } : d));
    const schema = parseSchema({ fields: { splade: { type: 'sparse' } }, extra: ['text'] });
    const c = buildCollection(join(root, 'list-merge'), lonely, schema, { flushDocs: 6 });
    const w = c.writer({ backgroundMerges: false });
    const gone = new Set([lonely[5]!._id as string, lonely[0]!._id as string, lonely[13]!._id as string]);
    for (const id of gone) w.delete(id);
    w.commit();
    const before = c.reader();
    expect(before.segments.length).toBeGreaterThan(2);
    const expected = queries.map((q) => before.searchSparse('splade', q, { k: 10, includeStored: false }));
    w.optimize();
    w.close();
    const after = c.reader();
    expect(after.segments).toHaveLength(1);
    const field = after.segments[0]!.sparse.get('splade')!;
    expect(field.vocab.tokens).not.toContain('zzlonely');
    expect(field.vocab.tokens).toContain(Object.keys(lonely[6]!.splade as object)[0]);
    // every live document keeps its vector, in order
    const live = lonely.filter((d) => !gone.has(d._id as string));
    live.forEach((d, i) => {
      expect(after.id(i)).toBe(d._id);
      expect(Object.fromEntries(field.documentVector(i))).toEqual(
        Object.fromEntries(Object.entries(d.splade as Record<string, number>).map(([t, x]) => [t, Math.fround(x)])),
      );
    });
    const idsAndScores = (hits: { id: string; score: number }[]): [string, number][] => hits.map((h) => [h.id, h.score]);
    expect(queries.map((q) => idsAndScores(after.searchSparse('splade', q, { k: 10, includeStored: false })))).toEqual(
      expected.map(idsAndScores),
    );
    // the lists are ascending and their block bounds right
    const l = (field.index as SparseExactIndex).lists;
    for (let t = 0; t < l.dim; t++) {
      expect(l.start[t + 1]).toBeGreaterThan(l.start[t]!);
      for (let p = l.start[t]! + 1; p < l.start[t + 1]!; p++) expect(l.docs[p]).toBeGreaterThan(l.docs[p - 1]!);
      for (let b = l.blockStart[t]!, p = l.start[t]!; b < l.blockStart[t + 1]!; b++, p += 128) {
        const e = Math.min(l.start[t + 1]!, p + 128);
        expect(l.blockLast[b]).toBe(l.docs[e - 1]);
        expect(l.blockMax[b]).toBe(Math.max(...l.weights.subarray(p, e)));
      }
    }
  });

  for (const index of ['exact', 'seismic'] as const) {
    it(`${index}: searches leave out deleted documents without losing any live ones`, () => {
      const params = index === 'seismic' ? { nPostings: 100, centroidFraction: 0.5, summaryEnergy: 1, valueBits: 32 } : {};
      const schema = parseSchema({ fields: { splade: { type: 'sparse', index, params } }, extra: ['text'] });
      const c = buildCollection(join(root, 'deletes'), docs, schema, { flushDocs: 7 });
      const w = c.writer();
      const gone = new Set(docs.filter((_, i) => i % 3 === 0).map((d) => d._id as string));
      for (const id of gone) w.delete(id);
      w.commit();
      w.close();
      const snap = c.reader();
      for (const q of queries) {
        const want = docs
          .filter((d) => !gone.has(d._id as string))
          .map(
            (d) =>
              [d._id as string, Object.entries(d.splade as Record<string, number>).reduce((s, [t, x]) => s + (q[t] ?? 0) * x, 0)] as const,
          )
          .filter(([, s]) => s > 0)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 10)
          .map(([id]) => id);
        const exactParams: Record<string, number> = index === 'seismic' ? { queryCut: 1000, heapFactor: 0 } : {};
        expect(new Set(snap.searchSparse('splade', q, { k: 10, includeStored: false, params: exactParams }).map((h) => h.id))).toEqual(
          new Set(want),
        );
      }
    });
  }

  it('accepts parallel arrays and rejects bad vectors with line and field', () => {
    const schema = parseSchema({ fields: { sp: { type: 'sparse' } } });
    const c = buildCollection(
      root,
      [
        { _id: 'a', sp: { indices: [3, 7], values: [0.5, 2] } },
        { _id: 'b', sp: { '7': 1 } },
      ],
      schema,
    );
    expect(
      c
        .reader()
        .searchSparse('sp', { '7': 1 })
        .map((h) => h.id),
    ).toEqual(['a', 'b']);
    const w = c.writer();
    expect(() => w.add({ _id: 'x', sp: { a: 'heavy' } }, { file: 'd.jsonl', line: 3 })).toThrow(
      /^d\.jsonl:3: sp: weight of "a" is "heavy"/,
    );
    expect(() => w.add({ _id: 'y', sp: { indices: [1], values: [1, 2] } })).toThrow(/same length/);
    expect(() => w.add({ _id: 'z', sp: { a: -1 } })).toThrow(/negative/);
    w.close();
    expect(() => c.reader().searchSparse('sp', { a: 1 }, { params: { queryCut: 3 } })).toThrow(
      /"queryCut" is not a search parameter of exact/,
    );
    // query weights as document weights: finite and >= 0 (a negative one used to be dropped silently)
    expect(() => c.reader().searchSparse('sp', { '7': -1 })).toThrow(
      'query: weight of "7" is -1 (learned sparse weights are finite and >= 0)',
    );
    expect(() => c.reader().query({ retrieve: [{ field: 'sp', sparse: { '7': Number.POSITIVE_INFINITY } }] })).toThrow(
      'retrieve[0].sparse.7 must be within the float32 range',
    );
    expect(() => parseSchema({ fields: { s: { type: 'sparse', index: 'seismic', params: { efSearch: 3 } } } })).toThrow(
      /fields\.s\.params\.efSearch: not a parameter of seismic/,
    );
    expect(() => parseSchema({ fields: { s: { type: 'sparse', index: 'seismic', params: { summaryEnergy: 0 } } } })).toThrow(
      'fields.s.params.summaryEnergy: must be a number in (0, 1], got 0',
    );
    expect(() => parseSchema({ fields: { s: { type: 'sparse', index: 'seismic', params: { valueBits: 8 } } } })).toThrow(
      'fields.s.params.valueBits: must be 16 or 32, got 8',
    );
    expect(() => parseSchema({ fields: { s: { type: 'sparse', index: 'seismic', params: { knn: 2.5 } } } })).toThrow(
      'fields.s.params.knn: must be an integer >= 0, got 2.5',
    );
    // Seismic's search parameters go to Seismic's own checks (sorted may be true/false)
    const seismic = buildCollection(
      root,
      Array.from({ length: 30 }, (_, i) => ({ _id: `s${i}`, sp: { a: 1 + (i % 3), b: i % 5 } })),
      parseSchema({ fields: { sp: { type: 'sparse', index: 'seismic' } } }),
    ).reader();
    expect(
      seismic.searchSparse('sp', { a: 1 }, { k: 3, params: { sorted: true, queryCut: 2 } as unknown as Record<string, number> }),
    ).toHaveLength(3);
    expect(() => seismic.searchSparse('sp', { a: 1 }, { params: { heapFactor: -1 } })).toThrow(/heapFactor/);
  });
});
