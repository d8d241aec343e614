// Multi-vector fields in collections: documents of real GloVe token vectors,
// MaxSim search across segments, deletes, merges, MUVERA legs, first-stage
// reranking with early exit through the query spec, token pruning, bad
// values, and the CLI import from a token .npy plus an offsets file.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { buildCollection } from '../helpers/build-collection.js';
import { quarry } from '../helpers/cli.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const DIM = 100;
const glove = loadGlove10k().base;
const row = (r: number): number[] => Array.from(glove.data.subarray(r * DIM, (r + 1) * DIM));
const rand = xorshift32(5);
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
const docs = Array.from({ length: 60 }, (_, i) => {
  const n = 3 + Math.floor(rand() * 12);
  const anchor = Math.floor(rand() * 9000);
  return {
    _id: `d${i}`,
    text: `${WORDS[i % 5]} document ${i}`,
    tag: i % 2 === 0 ? 'even' : 'odd',
    mv: Array.from({ length: n }, () => row(anchor + Math.floor(rand() * 500))),
  };
});
const query = [row(docs[7]!.mv.length > 0 ? 100 : 0), ...docs[7]!.mv.slice(0, 2)];

function maxSim(q: number[][], d: number[][]): number {
  const unit = (v: number[]): number[] => {
    const n = Math.hypot(...v) || 1;
    return v.map((x) => x / n);
  };
  return q.reduce((sum, qv) => sum + Math.max(...d.map((dv) => unit(qv).reduce((s, x, j) => s + x * unit(dv)[j]!, 0))), 0);
}
const truth = docs.map((d) => [d._id, maxSim(query, d.mv)] as const).sort((a, b) => b[1] - a[1]);

const schema = (extra: Record<string, unknown> = {}) =>
  parseSchema({ fields: { text: { type: 'text' }, tag: { type: 'keyword' }, mv: { type: 'multivector', dim: DIM, ...extra } } });

describe('multi-vector fields', () => {
  it('exhaustive MaxSim across segments equals the naive ranking', () => {
    const snap = buildCollection(root, docs, schema(), { flushDocs: 25 }).reader();
    expect(snap.segments.length).toBe(3);
    const hits = snap.searchMultiVector('mv', query, { k: 10 });
    expect(hits.map((h) => h.id)).toEqual(truth.slice(0, 10).map(([id]) => id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(truth[i]![1], 4));
    expect(hits[0]!.stored).toMatchObject({ text: truth[0]![0] === 'd7' ? 'gamma document 7' : expect.any(String) });
    expect(hits[0]!.stored!.mv).toBeUndefined();
  });

  it('MUVERA legs with every document as a candidate give the same ranking, and int8 storage nearly so', () => {
    const mu = buildCollection(root, docs, schema({ muvera: { kSim: 3, dProj: 8, rReps: 4 } }), { flushDocs: 25 }).reader();
    expect(mu.searchMultiVector('mv', query, { k: 10, params: { candidates: 60 } }).map((h) => h.id)).toEqual(
      truth.slice(0, 10).map(([id]) => id),
    );
    const i8 = buildCollection(root, docs, schema({ storage: 'int8' })).reader();
    const got = new Set(i8.searchMultiVector('mv', query, { k: 10 }).map((h) => h.id));
    expect(truth.slice(0, 10).filter(([id]) => got.has(id)).length).toBeGreaterThanOrEqual(9);
    expect(() => mu.searchMultiVector('mv', query, { params: { efSearch: 10 } })).toThrow(
      '"efSearch" is not a search parameter of this multi-vector field',
    );
    expect(() => mu.searchMultiVector('mv', query, { params: { candidates: 0 } })).toThrow(/candidates must be a positive integer/);
  });

  it('respects deletes and survives merges (float32, int8 and binary)', () => {
    for (const storage of ['float32', 'int8', 'binary'] as const) {
      const c = buildCollection(root, docs, schema({ storage, muvera: { kSim: 2, dProj: 8, rReps: 2, index: 'flat' } }), { flushDocs: 20 });
      const top = c
        .reader()
        .searchMultiVector('mv', query, { k: 3, params: { candidates: 60 } })
        .map((h) => h.id);
      const w = c.writer();
      w.delete(top[0]!);
      w.commit();
      const after = c
        .reader()
        .searchMultiVector('mv', query, { k: 2, params: { candidates: 60 } })
        .map((h) => h.id);
      expect(after, `${storage} after the delete`).toEqual(top.slice(1, 3));
      w.optimize();
      w.close();
      const merged = c.reader();
      expect(merged.segments.length).toBe(1);
      expect(
        merged.searchMultiVector('mv', query, { k: 2, params: { candidates: 60 } }).map((h) => h.id),
        `${storage} after the merge`,
      ).toEqual(top.slice(1, 3));
    }
  });

  it('serves multi-vector legs and MaxSim reranking with early exit in the query spec', () => {
    const snap = buildCollection(root, docs, schema()).reader();
    const leg = snap.query({ retrieve: [{ field: 'mv', multivector: query }], filter: { where: { tag: 'odd' } }, k: 5 });
    expect(leg.hits.map((h) => h.id)).toEqual(
      truth
        .filter(([id]) => Number(id.slice(1)) % 2 === 1)
        .slice(0, 5)
        .map(([id]) => id),
    );

    const first = snap.query({ retrieve: [{ field: 'text', text: 'alpha gamma document' }], k: 40 });
    const rr = snap.query({
      retrieve: [{ field: 'text', text: 'alpha gamma document' }],
      rerank: { field: 'mv', multivector: query, depth: 40 },
      k: 5,
      explain: true,
    });
    const pool = new Set(first.hits.map((h) => h.id));
    expect(rr.hits.map((h) => h.id)).toEqual(
      truth
        .filter(([id]) => pool.has(id))
        .slice(0, 5)
        .map(([id]) => id),
    );
    expect(rr.reranked).toBe(40);
    expect(rr.hits[0]!.explain!.rerank).toContain('MaxSim on "mv" over the first 40');

    const early = snap.query({
      retrieve: [{ field: 'text', text: 'alpha gamma document' }],
      rerank: { field: 'mv', multivector: query, depth: 40, beta: 3 },
      k: 5,
    });
    expect(early.reranked).toBeLessThan(40);
    expect(() => snap.query({ retrieve: [{ field: 'text', text: 'x' }], rerank: { field: 'text', multivector: query } })).toThrow(
      '"text" is not a multi-vector field',
    );
    expect(() => snap.query({ retrieve: [{ field: 'mv', multivector: [[1, 2]] }] })).toThrow(
      'token vector 0 has dimension 2, the field has 100',
    );
  });

  it('prunes tokens by label and by norm', () => {
    const tokens = [row(1), row(2), row(3)];
    const s = schema({ skipTokens: ['.', 7], keepTopByNorm: 1 });
    const snap = buildCollection(
      root,
      [
        { _id: 'a', mv: { vectors: tokens, tokens: ['.', 'x', 7] } },
        { _id: 'b', mv: tokens },
      ],
      s,
    ).reader();
    const seg = snap.segments[0]!.multi.get('mv')!;
    expect(Array.from(seg.data.offsets)).toEqual([0, 1, 2]);
    const norms = tokens.map((t) => Math.hypot(...t));
    const strongest = norms.indexOf(Math.max(...norms));
    expect(snap.searchMultiVector('mv', [tokens[strongest]!], { k: 2 }).find((h) => h.id === 'b')!.score).toBeCloseTo(1, 5);
    expect(snap.searchMultiVector('mv', [tokens[1]!], { k: 2 }).find((h) => h.id === 'a')!.score).toBeCloseTo(1, 5);
  });

  it('rejects bad values with the document field and token', () => {
    const c = Collection.create(join(root, 'bad'), schema());
    const w = c.writer();
    expect(() => w.add({ _id: 'x', mv: [row(1), [1, 2]] }, { file: 'docs.jsonl', line: 4 })).toThrow('docs.jsonl:4: mv[1]:');
    expect(() => w.add({ _id: 'x', mv: { vectors: [row(1)], tokens: ['a', 'b'] } })).toThrow('1 vectors but 2 tokens');
    expect(() => w.add({ _id: 'x', mv: { vecs: [] } })).toThrow('unknown key "vecs"');
    expect(() => w.add({ _id: 'x', mv: 'nope' })).toThrow('expected an array of 100-number vectors');
    w.close();
    expect(() =>
      parseSchema({ fields: { mv: { type: 'multivector', dim: 4, muvera: { index: 'hnsw', params: { nprobe: 3 } } } } }),
    ).toThrow('fields.mv.muvera.params.nprobe: not a parameter of hnsw');
    expect(() => parseSchema({ fields: { mv: { type: 'multivector', dim: 4, muvera: { index: 'hnsw', params: { M: 0 } } } } })).toThrow(
      'fields.mv.muvera.params.M: must be an integer in 2..127, got 0',
    );
    // 10 repetitions x 2^2 partitions x 6 projected coordinates = 240-d encodings
    expect(() =>
      parseSchema({ fields: { mv: { type: 'multivector', dim: 4, muvera: { kSim: 2, dProj: 6, index: 'ivfpq', params: { m: 241 } } } } }),
    ).toThrow('fields.mv.muvera.params.m: must be at most the dimension 240, got 241');
    expect(() => parseSchema({ fields: { mv: { type: 'multivector', dim: 4, muvera: { index: 'columnar', floats: 'disk' } } } })).toThrow(
      'fields.mv.muvera.floats: columnar keeps no rescoring floats',
    );
  });

  it('MUVERA encodings indexed by a compressed family can leave their floats on disk, answering the same', () => {
    const muvera = (floats: 'memory' | 'disk') => ({ kSim: 3, dProj: 8, rReps: 4, index: 'binary', floats });
    const memory = buildCollection(root, docs, schema({ muvera: muvera('memory') }), { flushDocs: 25 });
    const disk = buildCollection(root, docs, schema({ muvera: muvera('disk') }), { flushDocs: 25 });
    const ask = (c: typeof memory) =>
      c
        .reader()
        .searchMultiVector('mv', query, { k: 10, params: { candidates: 40 } })
        .map((h) => [h.id, h.score]);
    const fde = (c: typeof memory) => c.reader().segments[0]!.multi.get('mv')!.fde as unknown as { floats: unknown; diskFloats: unknown };
    expect(fde(disk).floats).toBeNull();
    expect(fde(disk).diskFloats).not.toBeNull();
    expect(fde(memory).floats).not.toBeNull();
    expect(ask(disk)).toEqual(ask(memory));
    for (const c of [memory, disk]) {
      const w = c.writer();
      w.optimize();
      w.close();
    }
    expect(ask(disk)).toEqual(ask(memory));
  });

  it('imports token vectors from .npy with an offsets file (quarry index --offsets)', () => {
    const dir = tempDir('quarry-mv-cli-');
    const lens = docs.slice(0, 20).map((d) => d.mv.length);
    const flat = docs.slice(0, 20).flatMap((d) => d.mv.flat());
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${flat.length / DIM}, ${DIM}), }`;
    const pad = 64 - ((10 + header.length + 1) % 64);
    const h = Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1');
    const pre = Buffer.alloc(10);
    pre[0] = 0x93;
    pre.write('NUMPY', 1, 'latin1');
    pre[6] = 1;
    pre.writeUInt16LE(h.length, 8);
    writeFileSync(join(dir, 'tokens.npy'), Buffer.concat([pre, h, Buffer.from(Float32Array.from(flat).buffer)]));
    writeFileSync(join(dir, 'lens.txt'), lens.join('\n') + '\n');
    writeFileSync(
      join(dir, 'ids.txt'),
      docs
        .slice(0, 20)
        .map((d) => d._id)
        .join('\n') + '\n',
    );
    const r = quarry([
      'index',
      join(dir, 'idx'),
      '--vectors',
      join(dir, 'tokens.npy'),
      '--offsets',
      join(dir, 'lens.txt'),
      '--ids',
      join(dir, 'ids.txt'),
      '--field',
      'mv',
      '--quiet',
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('added 20');
    const snap = Collection.open(join(dir, 'idx')).reader();
    expect(snap.schema.fields.mv).toMatchObject({ type: 'multivector', muvera: { index: 'columnar' } });
    const sub = truth.filter(([id]) => Number(id.slice(1)) < 20);
    expect(snap.searchMultiVector('mv', query, { k: 3, params: { candidates: 20 } }).map((h) => h.id)).toEqual(
      sub.slice(0, 3).map(([id]) => id),
    );
    writeFileSync(join(dir, 'bad.txt'), '3\n4\n');
    const bad = quarry(['index', join(dir, 'idx2'), '--vectors', join(dir, 'tokens.npy'), '--offsets', join(dir, 'bad.txt'), '--quiet']);
    expect(bad.status).toBe(65);
    expect(bad.stderr).toContain('bad.txt: neither offsets');
  });
});
