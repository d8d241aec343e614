// The family registries: every dense family builds, writes and reads back through its
// definition (the file's kind names the reader, the index its writer), and unknown names
// are refused naming the families there are.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDense, DENSE_FAMILIES, denseFamily, readDense, writeDense } from '../../src/index/dense/dense-registry.js';
import { IVFPQ_MIN_ROWS } from '../../src/index/dense/ivfpq/ivfpq-family.js';
import { SPARSE_FAMILIES, sparseFamily } from '../../src/index/sparse/sparse-registry.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const dim = 16;

function randomRows(n: number, seed: number): Float32Array {
  const rand = xorshift32(seed);
  return Float32Array.from({ length: n * dim }, () => rand() - 0.5);
}

describe('dense family registry', () => {
  const rows = randomRows(IVFPQ_MIN_ROWS + 200, 7);
  const queries = randomRows(5, 11);

  it.each(DENSE_FAMILIES.map((f) => [f]))('%s round-trips through its definition', (name) => {
    const index = buildDense(name, rows, dim, 'dot', {});
    expect(index.family).toBe(name);
    expect(denseFamily(name).name).toBe(name);
    const path = join(dir, `${name}.vec`);
    writeDense(path, index);
    const back = readDense(path);
    expect(back.family).toBe(name);
    for (let q = 0; q < 5; q++) {
      const v = queries.subarray(q * dim, (q + 1) * dim);
      expect(Array.from(back.search(v, 10).ids)).toEqual(Array.from(index.search(v, 10).ids));
    }
    expect(back.floatRow(3)).toEqual(index.floatRow(3));
  });

  it('builds IVF-PQ below its threshold as an exact scan, and says so', () => {
    const few = buildDense('ivfpq', randomRows(IVFPQ_MIN_ROWS - 1, 3), dim, 'dot', {});
    expect(few.family).toBe('flat');
  });

  it('refuses unknown families and files naming what there is', () => {
    expect(() => denseFamily('annoy')).toThrow(/"annoy" is not a dense index family.*flat, hnsw, int8, binary, ivfpq/);
    expect(() => sparseFamily('splade')).toThrow(/"splade" is not a sparse index family.*exact, seismic/);
    expect(SPARSE_FAMILIES).toEqual(['exact', 'seismic']);
  });
});
