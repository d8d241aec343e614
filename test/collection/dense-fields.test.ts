// Dense vector fields in collections: every family builds per segment,
// search merges segments, and bad vectors are rejected with line and field.
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const { base, queries } = loadGlove10k('angular');
const N = 3000;
const docs = Array.from({ length: N }, (_, i) => ({
  _id: `w${i}`,
  text: `word ${i}`,
  emb: Array.from(base.data.subarray(i * 100, (i + 1) * 100)),
}));

describe('dense fields', () => {
  for (const family of ['flat', 'hnsw', 'int8', 'binary', 'ivfpq'] as const) {
    it(`${family}: search over several segments matches exact search`, () => {
      const schema = parseSchema({ fields: { text: { type: 'text' }, emb: { type: 'dense', dim: 100, metric: 'cosine', index: family } } });
      const snap = buildCollection(root, docs, schema, { flushDocs: 1100 }).reader();
      expect(snap.segments.length).toBe(3);
      const exact = buildFlat(base.data.subarray(0, N * 100), { dim: 100, metric: 'cosine' });
      let sum = 0;
      for (let q = 0; q < 30; q++) {
        const v = queries.data.subarray(q * 100, (q + 1) * 100);
        const got = snap.searchVector('emb', v, { k: 10, includeStored: false }).map((h) => h.id);
        const want = new Set(Array.from(exact.search(v, 10).ids, (i) => `w${i}`));
        sum += got.filter((id) => want.has(id)).length / 10;
      }
      expect(sum / 30).toBeGreaterThanOrEqual(family === 'flat' ? 1 : 0.9);
    }, 60_000);
  }

  it('keeps vectors out of stored JSON and validates search parameters', () => {
    const schema = parseSchema({ fields: { emb: { type: 'dense', dim: 100, index: 'hnsw', params: { M: 8 } } }, extra: ['text'] });
    const snap = buildCollection(root, docs.slice(0, 200), schema).reader();
    const hit = snap.searchVector('emb', base.data.subarray(0, 100), { k: 1, params: { efSearch: 32 } })[0]!;
    expect(hit.id).toBe('w0');
    expect(hit.stored).toEqual({ text: 'word 0' });
    expect(() => snap.searchVector('emb', base.data.subarray(0, 100), { params: { nprobe: 3 } })).toThrow(
      /"nprobe" is not a search parameter of hnsw/,
    );
    for (const efSearch of [0, -3, 1.5, Number.NaN, '64' as unknown as number]) {
      expect(() => snap.searchVector('emb', base.data.subarray(0, 100), { params: { efSearch } }), String(efSearch)).toThrow(
        /efSearch must be a positive integer/,
      );
    }
    expect(() => snap.searchVector('text', base.data.subarray(0, 100))).toThrow(/"text" is not a dense field/);
    const binary = buildCollection(
      root,
      docs.slice(0, 200),
      parseSchema({ fields: { emb: { type: 'dense', dim: 100, index: 'binary' } }, extra: ['text'] }),
    ).reader();
    expect(binary.searchVector('emb', base.data.subarray(0, 100), { k: 1, params: { rescore: 0 } })).toHaveLength(1);
    expect(() => binary.searchVector('emb', base.data.subarray(0, 100), { params: { rescore: -1 } })).toThrow(
      /rescore must be a number >= 0/,
    );
  });

  it('rejects bad vectors and bad dense schemas with a clear message', () => {
    const schema = parseSchema({ fields: { emb: { type: 'dense', dim: 3 } } });
    const c = buildCollection(root, [], schema);
    const w = c.writer();
    expect(() => w.add({ _id: 'a', emb: [1, 2] }, { file: 'v.jsonl', line: 4 })).toThrow(/^v\.jsonl:4: emb: dimension 2, expected 3/);
    expect(() => w.add({ _id: 'b', emb: [1, null, 2] })).toThrow(/component 1 is null/);
    expect(() => w.add({ _id: 'c' })).toThrow(/emb: missing vector/);
    w.close();
    expect(() => parseSchema({ fields: { e: { type: 'dense', dim: 3, index: 'hnsw', params: { nprobe: 3 } } } })).toThrow(
      /fields\.e\.params\.nprobe: not a parameter of hnsw/,
    );
    expect(() => parseSchema({ fields: { e: { type: 'dense', dim: 0 } } })).toThrow(/fields\.e\.dim/);
    // parameter values are checked when the schema is read, not when the first segment is built
    const bad: [string, Record<string, number>, string][] = [
      ['hnsw', { M: 1 }, 'fields.e.params.M: must be an integer in 2..127, got 1'],
      ['hnsw', { efConstruction: 0 }, 'fields.e.params.efConstruction: must be an integer >= 1, got 0'],
      ['int8', { quantile: 0.5 }, 'fields.e.params.quantile: must be a number in (0.5, 1], got 0.5'],
      ['binary', { queryBits: 0 }, 'fields.e.params.queryBits: must be an integer in 1..8, got 0'],
      ['binary', { rescore: -2 }, 'fields.e.params.rescore: must be a number >= 0, got -2'],
      ['ivfpq', { m: 7 }, 'fields.e.params.m: must be at most the dimension 6, got 7'],
      ['ivfpq', { seed: -1 }, 'fields.e.params.seed: must be an integer in 0..4294967295, got -1'],
    ];
    for (const [index, params, message] of bad)
      expect(() => parseSchema({ fields: { e: { type: 'dense', dim: 6, index, params } } }), message).toThrow(message);
    expect(
      parseSchema({ fields: { e: { type: 'dense', dim: 6, index: 'ivfpq', params: { m: 3, nlist: 4, rescore: 0 } } } }).fields.e,
    ).toMatchObject({ params: { m: 3 } });
    expect(() => parseSchema({ fields: { e: { type: 'dense', dim: 3, index: 'hnsw', floats: 'disk' } } })).toThrow(
      'fields.e.floats: hnsw searches the float rows themselves, so they stay in memory',
    );
    expect(() => parseSchema({ fields: { e: { type: 'dense', dim: 3, index: 'binary', floats: 'ssd' } } })).toThrow(/fields\.e\.floats/);
  });

  it('"floats": "disk" answers as "memory" does: searches, feedback, reranking, merges', () => {
    const field = (floats: 'memory' | 'disk') =>
      parseSchema({ fields: { text: { type: 'text' }, emb: { type: 'dense', dim: 100, metric: 'cosine', index: 'binary', floats } } });
    const memory = buildCollection(root, docs.slice(0, 2000), field('memory'), { flushDocs: 700 });
    const disk = buildCollection(root, docs.slice(0, 2000), field('disk'), { flushDocs: 700 });
    const v = Array.from(queries.data.subarray(0, 100));
    const ask = (snap: ReturnType<typeof memory.reader>) => [
      snap.searchVector('emb', v, { k: 10, includeStored: false }).map((h) => h.id),
      snap.query({ retrieve: [{ field: 'emb', vector: v, prf: { docs: 5 } }], k: 10 }).hits.map((h) => h.id),
      snap
        .query({ retrieve: [{ field: 'text', text: 'word' }], rerank: { field: 'emb', vector: v, depth: 50 }, k: 5 })
        .hits.map((h) => h.id),
    ];
    const diskSnap = disk.reader();
    expect(diskSnap.segments.length).toBe(3);
    for (const seg of diskSnap.segments) expect((seg.dense.get('emb') as unknown as { floats: unknown }).floats).toBeNull();
    expect(ask(diskSnap)).toEqual(ask(memory.reader()));
    for (const c of [memory, disk]) {
      const w = c.writer();
      w.optimize();
      w.close();
    }
    const merged = disk.reader();
    expect(merged.segments.length).toBe(1);
    expect(ask(merged)).toEqual(ask(memory.reader()));
  });

  // descriptors open on files under `dir` (other descriptors come and go with the test runner)
  const openFiles = (dir: string): number =>
    readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
      } catch {
        return false; // closed while listing
      }
    }).length;

  it.runIf(existsSync('/proc/self/fd'))('merges, in the writer or on the merge worker, release the files of floats left on disk', () => {
    const schema = parseSchema({
      fields: { emb: { type: 'dense', dim: 100, metric: 'cosine', index: 'int8', floats: 'disk' } },
      extra: ['text'],
    });
    // optimize merges in the writer's thread
    const c = buildCollection(root, docs.slice(0, 900), schema, { flushDocs: 300 });
    const before = openFiles(c.dir);
    const w = c.writer();
    w.optimize();
    w.close();
    expect(openFiles(c.dir)).toBeLessThanOrEqual(before);
    // a policy merge runs on the merge worker: three segments over a limit of two
    const d = buildCollection(root, [], schema);
    const bg = d.writer({ maxSegments: 2, flushDocs: 300 });
    const start = openFiles(d.dir);
    for (const doc of docs.slice(0, 900)) bg.add(doc);
    bg.commit();
    bg.waitForMerges();
    bg.close();
    expect(openFiles(d.dir)).toBeLessThanOrEqual(start);
    expect(d.reader().segments.length).toBe(1); // (a reader holds its own descriptor, released with it)
  });

  it.runIf(existsSync('/proc/self/fd'))(
    'Snapshot.close() releases the files of floats left on disk, except segments a newer snapshot shares',
    () => {
      const schema = parseSchema({
        fields: { emb: { type: 'dense', dim: 100, metric: 'cosine', index: 'binary', floats: 'disk' } },
        extra: ['text'],
      });
      const c = buildCollection(root, docs.slice(0, 600), schema, { flushDocs: 300 });
      const start = openFiles(c.dir);
      const v = queries.data.subarray(0, 100);
      const a = c.reader();
      expect(a.segments.length).toBe(2);
      expect(openFiles(c.dir)).toBe(start + 2); // one descriptor per segment's floats
      // a third segment and a delete in the first: the second segment is shared as it is, the first is reused with new flags
      const w = c.writer({ flushDocs: 300 });
      for (const doc of docs.slice(600, 900)) w.add(doc);
      w.delete('w0');
      w.commit();
      w.close();
      const b = c.reader({ previous: a });
      expect(openFiles(c.dir)).toBe(start + 3);
      a.close();
      expect(a.closed).toBe(true);
      expect(openFiles(c.dir)).toBe(start + 3); // b holds all three
      expect(() => a.searchVector('emb', v)).toThrow(
        `this snapshot (generation ${a.generation}) is closed (open a new one with collection.reader())`,
      );
      expect(() => a.search('word')).toThrow('is closed');
      expect(() => a.query({ retrieve: [{ field: 'emb', vector: Array.from(v) }] })).toThrow('is closed');
      a.close(); // twice: nothing more
      // reopening from a closed snapshot opens every segment afresh
      const c2 = c.reader({ previous: a });
      expect(openFiles(c.dir)).toBe(start + 6);
      // the segments b took over from a still search (their files were not closed with a)
      expect(b.searchVector('emb', v, { k: 5, includeStored: false })).toEqual(c2.searchVector('emb', v, { k: 5, includeStored: false }));
      b.close();
      expect(openFiles(c.dir)).toBe(start + 3);
      c2.close();
      expect(openFiles(c.dir)).toBe(start);
    },
  );
});
