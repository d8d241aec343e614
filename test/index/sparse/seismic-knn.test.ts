// Seismic's kNN-graph refinement (CIKM 2024): scoring the graph neighbours of
// the results recovers documents that aggressive settings miss.
import { describe, expect, it } from 'vitest';
import { SparseExactIndex } from '../../../src/index/sparse/exact/sparse-exact-index.js';
import { buildSeismic, readSeismic, writeSeismic } from '../../../src/index/sparse/seismic/index.js';
import { normalizeSparse, sparseMatrixOf, type SparseVector } from '../../../src/kernels/sparse-matrix.js';
import { pinnedViews } from '../../helpers/pinned-views.js';
import { tempDir } from '../../helpers/temp-dir.js';

let seed = 9;
const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
/** Documents about one of 20 topics: topic terms carry the weight. */
function vector(topic: number, nnz: number): SparseVector {
  const ids: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < nnz; i++) {
    const onTopic = rand() < 0.7;
    ids.push(onTopic ? topic * 50 + Math.floor(rand() * 50) : 1000 + Math.floor(rand() * 2000));
    vals.push(onTopic ? 0.5 + 2 * rand() : 0.1 * rand());
  }
  return normalizeSparse(ids, vals);
}
const docs = sparseMatrixOf(
  Array.from({ length: 1500 }, (_, i) => vector(i % 20, 40)),
  3000,
);
const queries = Array.from({ length: 40 }, (_, i) => vector(i % 20, 12));
const exact = new SparseExactIndex(docs);

function recall(index: ReturnType<typeof buildSeismic>, nKnn: number): number {
  let sum = 0;
  for (const q of queries) {
    const want = new Set(exact.search(q, 10, 'exhaustive').ids);
    const got = index.search(q, 10, { queryCut: 2, heapFactor: 1, nKnn }).ids;
    sum += Array.from(got).filter((id) => want.has(id)).length / 10;
  }
  return sum / queries.length;
}

describe('Seismic kNN refinement', () => {
  it('raises recall of aggressive settings, and the graph survives save/reopen', () => {
    const index = buildSeismic(docs, { nPostings: 60, centroidFraction: 0.1, summaryEnergy: 0.3, knn: 10 });
    const without = recall(index, 0);
    const withGraph = recall(index, 10);
    expect(withGraph).toBeGreaterThan(without);
    const path = `${tempDir()}/s.seis`;
    writeSeismic(path, index);
    const back = readSeismic(path);
    expect(recall(back, 10)).toBe(withGraph);
    expect(pinnedViews(back)).toEqual([]);
  }, 60_000);
});
