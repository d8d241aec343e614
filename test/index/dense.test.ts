// Dense families against their exact reference: flat reproduces Anserini's
// expected runs; HNSW reaches high recall@10 on real GloVe vectors, keeps it
// after deletes, honours filters, and survives a save/reopen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Bitset } from '../../src/kernels/bitset.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { buildHnsw, readHnsw, writeHnsw } from '../../src/index/dense/hnsw/index.js';
import { writeSectionFile } from '../../src/io/section-file.js';
import { loadGlove10k, recallAt } from '../helpers/glove.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();

describe('flat', () => {
  for (const model of ['ada2', 'cosdpr-distil']) {
    it(`reproduces Anserini's expected top-5 for ${model} (score = (1 + dot) / 2)`, () => {
      const docs = readFileSync(dataset('anserini-dense-samples', `${model}.sample100.docs.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { docid: string; vector: number[] });
      const queries = readFileSync(dataset('anserini-dense-samples', `${model}.queries.jsonl`), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { qid: number; vector: number[] });
      const dim = docs[0]!.vector.length;
      const flat = buildFlat(Float32Array.from(docs.flatMap((d) => d.vector)), { dim, metric: 'dot' });
      const lines: string[] = [];
      for (const q of queries) {
        const hits = flat.search(Float32Array.from(q.vector), 5);
        hits.ids.forEach((id, r) =>
          lines.push(`${q.qid} Q0 ${docs[id]!.docid} ${r + 1} ${((1 + hits.scores[r]!) / 2).toFixed(6)} Anserini`),
        );
      }
      const expected = readFileSync(dataset('anserini-dense-samples', `expected.flat.${model}.top5.run`), 'utf8')
        .trim()
        .split('\n');
      expect([...lines].sort()).toEqual([...expected].sort());
    });
  }

  it('matches the GloVe ground truth for every metric', () => {
    for (const [metric, truth] of [
      ['cosine', 'angular'],
      ['l2', 'l2'],
      ['dot', 'ip'],
    ] as const) {
      const { base, queries, gt } = loadGlove10k(truth);
      const flat = buildFlat(base.data, { dim: base.dim, metric });
      const res = flat.searchBatch(queries.data, 10).map((h) => h.ids);
      expect(recallAt(10, res, gt), metric).toBeGreaterThanOrEqual(0.998);
    }
  });

  it('rejects queries of the wrong dimension or with NaN', () => {
    const flat = buildFlat(new Float32Array(8), { dim: 4, metric: 'cosine' });
    expect(() => flat.search(new Float32Array(3), 1)).toThrow(/dimension 3, the field has 4/);
    expect(() => flat.search(Float32Array.of(1, NaN, 0, 0), 1)).toThrow(/component 1 is not a finite number/);
  });
});

describe('hnsw', () => {
  const { base, queries, gt } = loadGlove10k('angular');
  const index = buildHnsw(base.data, { dim: base.dim, metric: 'cosine', M: 16, efConstruction: 100 });
  const exact = buildFlat(base.data, { dim: base.dim, metric: 'cosine' });

  it('reaches recall@10 >= 0.95 against the exact ground truth', () => {
    const res = index.searchBatch(queries.data, 10, { efSearch: 64 }).map((h) => h.ids);
    expect(recallAt(10, res, gt)).toBeGreaterThanOrEqual(0.95);
  });

  it('returns exact similarities, best first', () => {
    const h = index.search(queries.data.subarray(0, base.dim), 10);
    const e = exact.search(queries.data.subarray(0, base.dim), 10);
    expect(h.scores[0]).toBeCloseTo(e.scores[0]!, 5);
    for (let i = 1; i < h.scores.length; i++) expect(h.scores[i]!).toBeLessThanOrEqual(h.scores[i - 1]!);
  });

  it('is reproduced exactly after save and reopen, and accepts more inserts', () => {
    const path = join(dir, 'g.hnsw');
    writeHnsw(path, index);
    const again = readHnsw(path);
    const q = queries.data.subarray(0, base.dim);
    expect(Array.from(again.search(q, 10).ids)).toEqual(Array.from(index.search(q, 10).ids));
    const row = again.add(queries.data.subarray(0, base.dim));
    expect(again.search(q, 1).ids[0]).toBe(row);
  });

  it('refuses a file whose graph sections do not fit its node count, naming the file and section', () => {
    const path = join(dir, 'short.hnsw');
    const s = index.graph.s;
    const n = s.count;
    const M0 = index.graph.M0;
    const sections = {
      vectors: s.vectors.subarray(0, n * base.dim),
      levels: s.levels.subarray(0, n),
      links0: s.links0.subarray(0, (n - 1) * M0),
      counts0: s.counts0.subarray(0, n),
      upperStart: s.upperStart.subarray(0, n),
      upperLinks: s.upperLinks.subarray(0, s.upperUsed * index.graph.M),
      upperCounts: s.upperCounts.subarray(0, s.upperUsed),
      deleted: s.deleted.subarray(0, n),
    };
    writeSectionFile(path, 'HNSW', 1, sections, {
      params: index.params,
      count: n,
      upperUsed: s.upperUsed,
      entry: s.entry,
      maxLevel: s.maxLevel,
      rngState: s.rngState,
    });
    expect(() => readHnsw(path)).toThrow(
      `short.hnsw: section "links0" holds ${(n - 1) * M0} values, not ${n * M0} for ${n} nodes (rebuild the index, or restore the collection from a snapshot)`,
    );
  });

  it('keeps recall after deleting 20% of the rows (graph repaired, deleted rows never returned)', () => {
    const g = buildHnsw(base.data, { dim: base.dim, metric: 'cosine', M: 16, efConstruction: 100 });
    const deleted = new Set<number>();
    for (let i = 0; i < base.rows; i += 5) deleted.add(i);
    g.delete(deleted);
    const allow = Bitset.of(
      base.rows,
      Array.from({ length: base.rows }, (_, i) => i).filter((i) => !deleted.has(i)),
    );
    let sum = 0;
    for (let q = 0; q < queries.rows; q++) {
      const v = queries.data.subarray(q * base.dim, (q + 1) * base.dim);
      const got = g.search(v, 10, { efSearch: 64 });
      for (const id of got.ids) expect(deleted.has(id)).toBe(false);
      const want = new Set(exact.search(v, 10, { allow }).ids);
      sum += Array.from(got.ids).filter((id) => want.has(id)).length / 10;
    }
    expect(sum / queries.rows).toBeGreaterThanOrEqual(0.95);
  });

  it('filtered search returns k allowed rows whenever k exist, near the exact filtered answer', () => {
    for (const share of [0.3, 0.05, 0.001]) {
      const members = Array.from({ length: base.rows }, (_, i) => i).filter((i) => (i * 2654435761) % 1000 < share * 1000);
      const allow = Bitset.of(base.rows, members);
      let sum = 0;
      for (let q = 0; q < 20; q++) {
        const v = queries.data.subarray(q * base.dim, (q + 1) * base.dim);
        const got = index.search(v, 10, { allow });
        expect(got.ids.length).toBe(Math.min(10, members.length));
        for (const id of got.ids) expect(allow.has(id)).toBe(true);
        const want = new Set(exact.search(v, 10, { allow }).ids);
        sum += Array.from(got.ids).filter((id) => want.has(id)).length / Math.max(1, want.size);
      }
      expect(sum / 20, `share ${share}`).toBeGreaterThanOrEqual(0.9);
    }
  });
}, 120_000);
