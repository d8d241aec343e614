// Seismic's `sorted` search option: the first list's blocks in descending
// summary-score order. Checked against exact search and the unsorted order.
import { describe, expect, it } from 'vitest';
import { SparseExactIndex } from '../../../src/index/sparse/exact/sparse-exact-index.js';
import { buildSeismic } from '../../../src/index/sparse/seismic/index.js';
import { QuarryError } from '../../../src/core/quarry-error.js';
import { normalizeSparse, sparseMatrixOf, type SparseVector } from '../../../src/kernels/sparse-matrix.js';

let seed = 21;
const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
/** Documents about one of 30 topics: topic terms carry the weight. */
function vector(topic: number, nnz: number): SparseVector {
  const ids: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < nnz; i++) {
    const onTopic = rand() < 0.6;
    ids.push(onTopic ? topic * 40 + Math.floor(rand() * 40) : 1200 + Math.floor(rand() * 1800));
    vals.push(onTopic ? 0.3 + 2.5 * rand() ** 2 : 0.1 * rand());
  }
  return normalizeSparse(ids, vals);
}
const docs = sparseMatrixOf(
  Array.from({ length: 3000 }, (_, i) => vector(i % 30, 40)),
  3000,
);
const queries = Array.from({ length: 60 }, (_, i) => vector(i % 30, 12));
const exact = new SparseExactIndex(docs);
const index = buildSeismic(docs, { nPostings: 300, centroidFraction: 0.1, summaryEnergy: 0.4 });

function run(sorted: boolean, heapFactor: number): { recall: number; scored: number; ids: string[] } {
  let recall = 0;
  let scored = 0;
  const ids: string[] = [];
  for (const q of queries) {
    const want = new Set(exact.search(q, 10, 'exhaustive').ids);
    const hits = index.search(q, 10, { queryCut: 5, heapFactor, sorted });
    recall += Array.from(hits.ids).filter((id) => want.has(id)).length / 10;
    scored += hits.scored;
    ids.push(hits.ids.join());
  }
  return { recall: recall / queries.length, scored, ids };
}

describe('Seismic sorted first list', () => {
  it('visits the same blocks when nothing is skipped, so it returns the same top 10', () => {
    const sorted = run(true, 0);
    const plain = run(false, 0);
    expect(sorted.ids).toEqual(plain.ids);
    expect(sorted.scored).toBe(plain.scored);
  });

  it('scores fewer documents than the list order at the same heapFactor, with recall close to it', () => {
    const sorted = run(true, 0.9);
    const plain = run(false, 0.9);
    expect(sorted.scored).toBeLessThan(plain.scored);
    expect(sorted.recall).toBeGreaterThan(plain.recall - 0.05);
    expect(sorted.recall).toBeGreaterThan(0.8);
  });

  it('rejects malformed search parameters by name', () => {
    const q = queries[0]!;
    const cases: [Record<string, unknown>, string][] = [
      [{ queryCut: 0 }, 'params.queryCut'],
      [{ queryCut: 2.5 }, 'params.queryCut'],
      [{ heapFactor: -1 }, 'params.heapFactor'],
      [{ heapFactor: Number.NaN }, 'params.heapFactor'],
      [{ nKnn: -1 }, 'params.nKnn'],
      [{ sorted: 'yes' }, 'params.sorted'],
    ];
    for (const [params, field] of cases) {
      let err: unknown;
      try {
        index.search(q, 10, params as never);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(params)).toBeInstanceOf(QuarryError);
      expect((err as QuarryError).location?.field).toBe(field);
    }
    expect(index.search(q, 10, { sorted: 1 as unknown as boolean }).ids.join()).toBe(index.search(q, 10, { sorted: true }).ids.join());
  });
});
