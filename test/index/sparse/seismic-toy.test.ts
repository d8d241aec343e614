// Real SPLADE vectors (seismic-toy): exact search in every mode and Seismic
// with near-exact settings reproduce the brute-force inner-product top-10.
import { describe, expect, it } from 'vitest';
import { readSeismicJsonl, TokenVocabulary } from '../../../src/io/sparse-files.js';
import { SparseExactIndex } from '../../../src/index/sparse/exact/sparse-exact-index.js';
import { buildSeismic } from '../../../src/index/sparse/seismic/index.js';
import { dataset } from '../../helpers/shared-data.js';

const docs = readSeismicJsonl(dataset('seismic-toy/documents.jsonl'));
const queries = readSeismicJsonl(dataset('seismic-toy/queries.jsonl'), new TokenVocabulary(docs.vocab.tokens, true));

/** Brute force in float64, as a reference independent of the index code. */
function bruteForce(q: number, k: number): string[] {
  const m = docs.matrix;
  const qm = queries.matrix;
  const weights = new Map<number, number>();
  for (let i = qm.indptr[q]!; i < qm.indptr[q + 1]!; i++) weights.set(qm.indices[i]!, qm.values[i]!);
  const scores: [number, number][] = [];
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let i = m.indptr[r]!; i < m.indptr[r + 1]!; i++) s += (weights.get(m.indices[i]!) ?? 0) * m.values[i]!;
    scores.push([s, r]);
  }
  // Documents sharing no term with the query (score 0) are not results.
  return scores
    .filter(([s]) => s > 0)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, r]) => docs.ids[r]!);
}

function queryVector(q: number) {
  const m = queries.matrix;
  return { ids: m.indices.slice(m.indptr[q]!, m.indptr[q + 1]!), values: m.values.slice(m.indptr[q]!, m.indptr[q + 1]!) };
}

describe('seismic-toy (real SPLADE vectors)', () => {
  it('has 20 documents and 5 queries', () => {
    expect(docs.matrix.rows).toBe(20);
    expect(queries.matrix.rows).toBe(5);
  });

  it('exact search (pruned, exhaustive, forward scan) reproduces the brute-force top-10', () => {
    const exact = new SparseExactIndex(docs.matrix);
    for (let q = 0; q < 5; q++) {
      for (const mode of ['pruned', 'exhaustive', 'scan'] as const) {
        expect(
          Array.from(exact.search(queryVector(q), 10, mode).ids, (r) => docs.ids[r]!),
          `${mode} q${q}`,
        ).toEqual(bruteForce(q, 10));
      }
    }
  });

  it('Seismic with near-exact settings reproduces the brute-force top-10', () => {
    const index = buildSeismic(docs.matrix, { nPostings: 100, centroidFraction: 0.5, summaryEnergy: 1, valueBits: 32 });
    for (let q = 0; q < 5; q++) {
      const got = index.search(queryVector(q), 10, { queryCut: 1000, heapFactor: 0 });
      expect(
        Array.from(got.ids, (r) => docs.ids[r]!),
        `q${q}`,
      ).toEqual(bruteForce(q, 10));
    }
  });

  it('Seismic with half-precision values keeps the same documents in the top-10', () => {
    const index = buildSeismic(docs.matrix, { nPostings: 100, centroidFraction: 0.5, summaryEnergy: 1, valueBits: 16 });
    for (let q = 0; q < 5; q++) {
      const got = new Set(Array.from(index.search(queryVector(q), 10, { queryCut: 1000, heapFactor: 0 }).ids, (r) => docs.ids[r]!));
      expect(got).toEqual(new Set(bruteForce(q, 10)));
    }
  });
});
