// Every dense family answers the same with the WebAssembly SIMD kernels as with the
// pure-TypeScript kernels (QUARRY_KERNELS=ts), up to float32 rounding of scores: the
// same hits (or, where two candidates tie within rounding, the same score at each
// rank), on real GloVe vectors, with and without filters, for every metric.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Bitset } from '../../src/kernels/bitset.js';
import type { DenseHits, DenseIndex, DenseSearchOptions } from '../../src/index/dense/dense-types.js';
import { loadGlove10k } from '../helpers/glove.js';

const saved = process.env.QUARRY_KERNELS;
afterAll(() => {
  if (saved === undefined) delete process.env.QUARRY_KERNELS;
  else process.env.QUARRY_KERNELS = saved;
});

type Backend = 'wasm-simd' | 'typescript';
type Metric = 'cosine' | 'dot' | 'l2';

/** Fresh copies of the index modules, loaded with the kernels of `backend`. */
async function load(backend: Backend) {
  vi.resetModules();
  if (backend === 'typescript') process.env.QUARRY_KERNELS = 'ts';
  else delete process.env.QUARRY_KERNELS;
  const kernels = await import('../../src/kernels/wasm/kernel-module.js');
  expect(kernels.kernelBackend()).toBe(backend);
  return {
    flat: await import('../../src/index/dense/flat/index.js'),
    hnsw: await import('../../src/index/dense/hnsw/index.js'),
    int8: await import('../../src/index/dense/int8/index.js'),
    binary: await import('../../src/index/dense/binary/index.js'),
    ivfpq: await import('../../src/index/dense/ivfpq/index.js'),
  };
}

type Modules = Awaited<ReturnType<typeof load>>;
const builders: Record<string, (m: Modules, data: Float32Array, dim: number, metric: Metric) => DenseIndex> = {
  flat: (m, data, dim, metric) => m.flat.buildFlat(data, { dim, metric }),
  hnsw: (m, data, dim, metric) => m.hnsw.buildHnsw(data, { dim, metric, M: 8, efConstruction: 40, efSearch: 40 }),
  int8: (m, data, dim, metric) => m.int8.buildInt8(data, { dim, metric }),
  binary: (m, data, dim, metric) => m.binary.buildBinary(data, { dim, metric, planes: 2 }),
  // rows in several bases: the 4-bit, 128-dimension loop unrescored, so that the popcount estimates
  // themselves are compared, and the general loop (3-bit query weights, 2 planes) through the candidates
  // it picks (its unrescored l2 estimates are large sums whose float32 rounding of the rotated query
  // differs between the backends by more than the comparison allows)
  'binary, several bases': (m, data, dim, metric) => m.binary.buildBinary(data, { dim, metric, planes: 1, variants: 8, rescore: 0 }),
  'binary, several bases and centres': (m, data, dim, metric) =>
    m.binary.buildBinary(data, { dim, metric, planes: 1, variants: 8, centreChoices: 3, rescore: 0 }),
  'binary, several bases, 3-bit queries': (m, data, dim, metric) =>
    m.binary.buildBinary(data, { dim, metric, planes: 2, variants: 4, queryBits: 3 }),
  ivfpq: (m, data, dim, metric) => m.ivfpq.buildIvfPq(data, { dim, metric, nlist: 16, m: 20, nprobe: 4 }),
};

function expectSameHits(a: DenseHits, b: DenseHits, label: string): void {
  expect(a.ids.length, label).toBe(b.ids.length);
  let same = 0;
  for (let i = 0; i < a.ids.length; i++) {
    expect(Math.abs(a.scores[i]! - b.scores[i]!), `${label} rank ${i}`).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(b.scores[i]!)));
    if (a.ids[i] === b.ids[i]) same++;
  }
  // ids may swap only between candidates whose scores tie within float32 rounding (checked above)
  expect(same / Math.max(1, a.ids.length), label).toBeGreaterThanOrEqual(0.8);
}

describe('WebAssembly and TypeScript kernels give the same results', () => {
  const { base, queries } = loadGlove10k('angular');
  const rows = 4000;
  const data = base.data.slice(0, rows * base.dim);
  const nq = 25;
  const allow = Bitset.of(
    rows,
    Array.from({ length: rows / 4 }, (_, i) => i * 4 + 1),
  );

  for (const family of Object.keys(builders)) {
    it(`${family}: every metric, unfiltered and filtered`, async () => {
      const results: Record<Backend, DenseHits[]> = { 'wasm-simd': [], typescript: [] };
      for (const backend of ['wasm-simd', 'typescript'] as const) {
        const m = await load(backend);
        for (const metric of ['cosine', 'dot', 'l2'] as const) {
          // product quantizer training dominates ivfpq's time: train it on fewer rows
          const rowsUsed = family === 'ivfpq' ? 1500 : rows;
          const idx = builders[family]!(m, data.subarray(0, rowsUsed * base.dim), base.dim, metric);
          for (let q = 0; q < nq; q++) {
            const query = queries.data.subarray(q * base.dim, (q + 1) * base.dim);
            for (const opts of [{}, { allow }] as DenseSearchOptions[]) results[backend].push(idx.search(query, 10, opts));
          }
        }
      }
      if (family === 'hnsw') {
        // graphs built with float32 vs float64 distance sums may link differently: compare recall, not ranks
        let agree = 0;
        let total = 0;
        results['wasm-simd'].forEach((h, i) => {
          const ref = new Set(results.typescript[i]!.ids);
          for (const id of h.ids) if (ref.has(id)) agree++;
          total += h.ids.length;
        });
        expect(agree / total).toBeGreaterThanOrEqual(0.9);
        return;
      }
      results['wasm-simd'].forEach((h, i) => expectSameHits(h, results.typescript[i]!, `${family} query ${i}`));
    }, 60_000);
  }
});

describe('Seismic answers alike on both kernel backends', () => {
  it('real SPLADE vectors (seismic-toy): same hits, scores within float32 rounding', async () => {
    const { readSeismicJsonl, TokenVocabulary } = await import('../../src/io/sparse-files.js');
    const { dataset } = await import('../helpers/shared-data.js');
    const docs = readSeismicJsonl(dataset('seismic-toy/documents.jsonl'));
    const queries = readSeismicJsonl(dataset('seismic-toy/queries.jsonl'), new TokenVocabulary(docs.vocab.tokens, true));
    const got: Record<Backend, DenseHits[]> = { 'wasm-simd': [], typescript: [] };
    for (const backend of ['wasm-simd', 'typescript'] as const) {
      await load(backend);
      const { buildSeismic } = await import('../../src/index/sparse/seismic/index.js');
      const idx = buildSeismic(docs.matrix, { nPostings: 8, centroidFraction: 0.5, valueBits: 16 });
      const qm = queries.matrix;
      for (let q = 0; q < qm.rows; q++) {
        const vec = { ids: qm.indices.slice(qm.indptr[q]!, qm.indptr[q + 1]!), values: qm.values.slice(qm.indptr[q]!, qm.indptr[q + 1]!) };
        got[backend].push(idx.search(vec, 5, { queryCut: 10, heapFactor: 0.9 }));
        got[backend].push(idx.search(vec, 5, { queryCut: 10, heapFactor: 0.9, sorted: true }));
      }
    }
    got['wasm-simd'].forEach((h, i) => {
      expect(h.ids.length).toBe(5);
      expectSameHits(h, got.typescript[i]!, `seismic query ${i}`);
    });
  });
});
