// Code training (JPQ, Distill-VQ): score gradients against finite differences, product
// quantization with subspaces of unequal length, the codebook file, and the trainer's guarantees.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ivfPqIndexOf } from '../../src/index/dense/ivfpq/build.js';
import { IVFPQ_DEFAULTS } from '../../src/index/dense/ivfpq/params.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { codebookPath, readCodebookFile, writeCodebook, type IvfPqCodebook } from '../../src/learn/trained-codes/codebook-file.js';
import {
  addCandidateGradient,
  candidateScore,
  chooseAnisotropy,
  trainIvfPqCodes,
} from '../../src/learn/trained-codes/ivfpq-code-training.js';
import { encodeIvfPq, fitIvfProductQuantizer } from '../../src/quantize/ivf-product-quantizer.js';
import { addProductReconstruction, centroidOffset, encodeProduct, fitProductQuantizer } from '../../src/quantize/product-quantizer.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const { base } = loadGlove10k('angular');

describe('candidate score gradients', () => {
  for (const metric of ['dot', 'l2'] as const)
    it(`${metric}: match finite differences in x and y`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }),
          fc.float({ min: -3, max: 3, noNaN: true }),
          (values, weight) => {
            const dim = 6;
            const y = Float32Array.from(values.slice(0, dim));
            const x = Float32Array.from(values.slice(dim));
            const gx = new Float32Array(dim);
            const gy = new Float32Array(dim);
            addCandidateGradient(metric, weight, y, x, 0, dim, gx, 0, gy);
            const h = 1e-2;
            for (let j = 0; j < dim; j++) {
              for (const [v, g] of [
                [x, gx],
                [y, gy],
              ] as const) {
                const keep = v[j]!;
                v[j] = keep + h;
                const up = candidateScore(metric, y, x, 0, dim);
                v[j] = keep - h;
                const down = candidateScore(metric, y, x, 0, dim);
                v[j] = keep;
                expect(g[j]!).toBeCloseTo((weight * (up - down)) / (2 * h), 1);
              }
            }
          },
        ),
        { numRuns: 100 },
      );
    });
});

describe('product quantization with subspaces of unequal length', () => {
  const dim = 100;
  const rows = base.data.slice(0, 2000 * dim);
  it('encodes each subspace with its nearest sub-centroid', () => {
    const pq = fitProductQuantizer(rows, dim, 32, 3, 4);
    expect(Array.from(pq.starts.subarray(0, 4))).toEqual([0, 3, 6, 9]);
    expect(pq.starts[32]).toBe(100);
    const codes = encodeProduct(pq, rows.subarray(0, 50 * dim));
    for (let r = 0; r < 50; r++)
      for (let s = 0; s < 32; s++) {
        const from = pq.starts[s]!;
        const len = pq.starts[s + 1]! - from;
        const dist = (c: number): number => {
          let d = 0;
          for (let j = 0; j < len; j++) d += (rows[r * dim + from + j]! - pq.centroids[centroidOffset(pq, s, c) + j]!) ** 2;
          return d;
        };
        const chosen = dist(codes[r * 32 + s]!);
        for (let c = 0; c < pq.ksub; c++) expect(chosen).toBeLessThanOrEqual(dist(c) + 1e-6);
      }
  }, 30_000);

  it('reconstructs closer with more bytes', () => {
    const err = (m: number): number => {
      const pq = fitProductQuantizer(rows, dim, m, 3, 4);
      const codes = encodeProduct(pq, rows);
      const out = new Float32Array(dim);
      let e = 0;
      for (let r = 0; r < 2000; r++) {
        out.fill(0);
        addProductReconstruction(pq, codes, r * m, out, 0);
        for (let j = 0; j < dim; j++) e += (out[j]! - rows[r * dim + j]!) ** 2;
      }
      return e;
    };
    expect(err(32)).toBeLessThan(err(16));
    expect(err(48)).toBeLessThan(err(32));
  }, 30_000);

  it('IVF-PQ scores are the inner product with cell centroid plus reconstructed residual', () => {
    const unit = rows.slice();
    normalizeRows(unit, dim);
    const q = fitIvfProductQuantizer(unit, dim, 16, 32, 5);
    const index = ivfPqIndexOf(q, unit, { ...IVFPQ_DEFAULTS, dim, metric: 'cosine', nlist: 16, m: 32, rescore: 0 }, false, null);
    const { cells, codes } = encodeIvfPq(q, unit);
    const query = unit.slice(7 * dim, 8 * dim);
    const hits = index.search(query, 10, { nprobe: 16, rescore: 0 });
    for (let i = 0; i < hits.ids.length; i++) {
      const d = hits.ids[i]!;
      const x = q.coarse.centroids.slice(cells[d]! * dim, (cells[d]! + 1) * dim);
      addProductReconstruction(q.pq, codes, d * 32, x, 0);
      expect(hits.scores[i]!).toBeCloseTo(candidateScore('dot', query, x, 0, dim), 4);
    }
  }, 30_000);
});

describe('anisotropic codes (ScaNN)', () => {
  it('lower the anisotropic loss of the nearest codes and the error along each row', () => {
    const dim = 100;
    const rows = base.data.slice(0, 1000 * dim);
    normalizeRows(rows, dim);
    const q = fitIvfProductQuantizer(rows, dim, 8, 25, 2);
    const plain = encodeIvfPq(q, rows);
    const eta = 8;
    const aniso = encodeIvfPq({ ...q, anisotropy: eta }, rows);
    expect(Array.from(aniso.cells)).toEqual(Array.from(plain.cells));
    const losses = (codes: Uint8Array): { loss: number; parallel: number } => {
      let loss = 0;
      let parallel = 0;
      const x = new Float32Array(dim);
      for (let d = 0; d < 1000; d++) {
        x.set(q.coarse.centroids.subarray(plain.cells[d]! * dim, (plain.cells[d]! + 1) * dim));
        addProductReconstruction(q.pq, codes, d * 25, x, 0);
        let e = 0;
        let p = 0;
        for (let j = 0; j < dim; j++) {
          const r = rows[d * dim + j]! - x[j]!;
          e += r * r;
          p += r * rows[d * dim + j]!;
        }
        loss += e + (eta - 1) * p * p;
        parallel += p * p;
      }
      return { loss, parallel };
    };
    const before = losses(plain.codes);
    const after = losses(aniso.codes);
    expect(after.loss).toBeLessThan(before.loss);
    expect(after.parallel).toBeLessThan(before.parallel / 2);
  }, 30_000);
});

describe('codebook files', () => {
  const dim = 100;
  const rows = base.data.slice(0, 1500 * dim);
  const quantizer = fitIvfProductQuantizer(rows, dim, 8, 25, 1);
  it('round-trips the quantizer and the query map', () => {
    const dir = join(root, 'cb');
    const queryMap = { matrix: new Float32Array(dim * dim).map((_, i) => (i % 101 === 0 ? 1 : 0)), bias: new Float32Array(dim).fill(0.5) };
    writeCodebook(dir, 'emb', { method: 'jpq', version: 3, quantizer: { ...quantizer, anisotropy: 4 }, queryMap });
    const back = readCodebookFile(codebookPath(dir, 'emb', 3), { field: 'emb', dim }) as IvfPqCodebook;
    expect(back.method).toBe('jpq');
    expect(back.version).toBe(3);
    expect(back.quantizer.coarse.centroids).toEqual(quantizer.coarse.centroids);
    expect(back.quantizer.pq.centroids).toEqual(quantizer.pq.centroids);
    expect(back.quantizer.pq.m).toBe(25);
    expect(back.quantizer.anisotropy).toBe(4);
    expect(back.queryMap?.bias).toEqual(queryMap.bias);
  });

  it('refuses a file of another shape or kind, naming it', () => {
    const dir = join(root, 'cb2');
    const path = writeCodebook(dir, 'emb', { method: 'distill-vq', version: 1, quantizer, queryMap: null });
    expect(() => readCodebookFile(path, { field: 'emb', dim: 64 })).toThrow(
      `${path}: codebook shape (8 cells, 25 sub-quantizers of 100-d vectors) does not match field "emb": the field's vectors are 64-d`,
    );
    expect(() => readCodebookFile(path, { field: 'emb', dim, m: 20 })).toThrow("the field's params ask for m = 20");
    writeFileSync(path, Buffer.from([1, 2, 3]));
    expect(() => readCodebookFile(path, { field: 'emb', dim })).toThrow(path);
    expect(() => readCodebookFile(join(dir, 'none.safetensors'), { field: 'emb', dim })).toThrow('is missing');
  });
});

describe('trainIvfPqCodes', () => {
  const dim = 100;
  const rows = base.data.slice(0, 3000 * dim);
  normalizeRows(rows, dim);
  const initial = fitIvfProductQuantizer(rows, dim, 32, 20, 11);
  const queries = base.data.slice(3000 * dim, 3300 * dim);
  normalizeRows(queries, dim);
  const validation = { queries: base.data.slice(3300 * dim, 3400 * dim) };
  normalizeRows(validation.queries, dim);

  it('never keeps codes worse on validation than k-means, and is deterministic', () => {
    const run = () =>
      trainIvfPqCodes({ dim, metric: 'dot', rows, queries, validation }, { method: 'distill-vq', initial, epochs: 2, nprobe: 8, seed: 3 });
    const a = run();
    expect(a.best.metric).toBeGreaterThanOrEqual(a.initialMetric);
    expect(a.epochs.length).toBeGreaterThan(0);
    const b = run();
    expect(b.quantizer.pq.centroids).toEqual(a.quantizer.pq.centroids);
    expect(b.best).toEqual(a.best);
    // the starting quantizer is not changed
    expect(initial.pq.centroids).toEqual(fitIvfProductQuantizer(rows, dim, 32, 20, 11).pq.centroids);
  }, 60_000);

  it('chooses the anisotropy whose codes do best on validation', () => {
    const choice = chooseAnisotropy({ dim, metric: 'dot', rows, queries, validation }, initial, [1, 4], 8);
    expect(choice.metrics.map((r) => r.anisotropy)).toEqual([1, 4]);
    const best = Math.max(...choice.metrics.map((r) => r.metric));
    expect(choice.metrics.find((r) => r.anisotropy === choice.anisotropy)!.metric).toBe(best);
  }, 30_000);

  it('refuses JPQ without judgments and rows of the wrong width', () => {
    expect(() => trainIvfPqCodes({ dim, metric: 'dot', rows, queries, validation }, { method: 'jpq', initial })).toThrow(
      'JPQ learns from judgments',
    );
    expect(() =>
      trainIvfPqCodes({ dim, metric: 'dot', rows: rows.subarray(0, 150), queries, validation }, { method: 'distill-vq', initial }),
    ).toThrow('150 values are not whole 100-d rows');
  });
});
