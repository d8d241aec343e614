// Trained binarizers (BEBR) for binary fields: the untrained start codes exactly as the fitted
// binary index, training lowers its loss, symmetric search by query codes, and the codebook
// file's round trip and shape checks.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBinary, buildBinaryWithCodebook, readBinary, writeBinary } from '../../src/index/dense/binary/index.js';
import { defaultBinaryCentroids } from '../../src/index/dense/binary/params.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { initialTrainedBinarizer, trainBinarizer } from '../../src/learn/trained-codes/binarizer-training.js';
import { codebookPath, readCodebookFile, writeCodebook, type BinaryCodebook } from '../../src/learn/trained-codes/codebook-file.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const dim = 100;
const { base, queries } = loadGlove10k('angular');
const n = 3000;
const rows = base.data.slice(0, n * dim);
normalizeRows(rows, dim);
const layout = (planes: number) => ({ planes, centroids: defaultBinaryCentroids(n), rotate: true, seed: 42, hidden: 16 });

describe('trained binarizers', () => {
  it('start from codes identical to the fitted binary index', () => {
    for (const planes of [1, 2]) {
      const fitted = buildBinary(rows, { dim, metric: 'cosine', planes });
      const start = initialTrainedBinarizer(rows, dim, layout(planes));
      const coded = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, { method: 'bebr', version: 1, binarizer: start });
      expect(coded.codes).toEqual(fitted.codes);
      expect(coded.corrections).toEqual(fitted.corrections);
      for (let q = 0; q < 10; q++) {
        const v = queries.data.subarray(q * dim, (q + 1) * dim);
        expect(coded.search(v, 10, { rescore: 0 }).ids).toEqual(fitted.search(v, 10, { rescore: 0 }).ids);
      }
    }
  });

  it('lowers the distillation loss and keeps the best binarizer on validation', () => {
    const initial = initialTrainedBinarizer(rows, dim, layout(1));
    const picks = (from: number, count: number): Float32Array => {
      const out = new Float32Array(count * dim);
      for (let i = 0; i < count; i++) out.set(rows.subarray((from + i * 7) * dim, (from + i * 7 + 1) * dim), i * dim);
      return out;
    };
    const queryRows = Int32Array.from({ length: 80 }, (_, i) => 1 + i * 7);
    const res = trainBinarizer(
      { dim, metric: 'dot', rows, queries: picks(1, 80), queryRows, validation: { queries: picks(3, 40) } },
      { initial, correction: true, epochs: 3, patience: 5, learningRate: 0.0001, poolDepth: 200, teacherDepth: 40, studentDepth: 20 },
    );
    expect(res.epochs.length).toBe(3);
    expect(res.epochs[2]!.loss).toBeLessThan(res.epochs[0]!.loss);
    const bestSeen = Math.max(res.initialMetric, ...res.epochs.map((e) => e.metric));
    expect(res.best.metric).toBe(bestSeen);
    // the kept binarizer is the start exactly when no epoch beat it
    const moved = res.binarizer.binarizer.decoder.some((v, i) => v !== initial.binarizer.decoder[i]);
    expect(moved).toBe(res.best.epoch > 0);
    expect(res.binarizer.binarizer.encoder.w2.some((v) => v !== 0)).toBe(res.best.epoch > 0);
  }, 30_000);

  it('searches by query codes alone (SDC), as search({ sdc }) does without rescoring', () => {
    const start = initialTrainedBinarizer(rows, dim, layout(2));
    const index = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, { method: 'bebr', version: 1, binarizer: start });
    let found = 0;
    for (let q = 0; q < 20; q++) {
      const v = queries.data.subarray(q * dim, (q + 1) * dim);
      const code = index.encodeQuery(v);
      expect(code.planes.length).toBe(2 * 4);
      const bySdc = index.searchQueryCode(code, 10);
      expect(bySdc.ids).toEqual(index.search(v, 10, { rescore: 0, sdc: true }).ids);
      const asymmetric = new Set(index.search(v, 10, { rescore: 0 }).ids);
      found += Array.from(bySdc.ids).filter((id) => asymmetric.has(id)).length;
    }
    // symmetric estimates are noisier, but they rank mostly the same rows
    expect(found / 200).toBeGreaterThan(0.4);
    expect(() => index.searchQueryCode({ centre: 9999, planes: new Uint32Array(8) }, 10)).toThrow(/names one of \d+ centres/);
  });

  it('round-trips trained indexes and codebook files, refusing one of another shape', () => {
    const start = initialTrainedBinarizer(rows, dim, layout(2));
    start.binarizer.encoder.w2.fill(0.01);
    const cb: BinaryCodebook = { method: 'bebr', version: 2, binarizer: start };
    const index = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, cb);
    const file = join(root, 'b.vec');
    writeBinary(file, index);
    const back = readBinary(file);
    expect(back.codebook).toEqual({ method: 'bebr', version: 2 });
    const v = queries.data.subarray(0, dim);
    expect(back.search(v, 10, { rescore: 0 }).ids).toEqual(index.search(v, 10, { rescore: 0 }).ids);
    expect(back.encodeQuery(v).planes).toEqual(index.encodeQuery(v).planes);

    writeCodebook(root, 'bits', cb);
    const read = readCodebookFile(codebookPath(root, 'bits', 2), { field: 'bits', dim, planes: 2 }) as BinaryCodebook;
    expect(read.method).toBe('bebr');
    expect(read.binarizer.binarizer.decoder).toEqual(start.binarizer.decoder);
    expect(read.binarizer.binarizer.encoder.w2).toEqual(start.binarizer.encoder.w2);
    expect(read.binarizer.binarizer.centres).toEqual(start.binarizer.centres);
    const again = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, read);
    expect(again.codes).toEqual(index.codes);
    expect(() => readCodebookFile(codebookPath(root, 'bits', 2), { field: 'bits', dim: 64 })).toThrow(
      /does not match field "bits": the field's vectors are 64-d/,
    );
    expect(() => readCodebookFile(codebookPath(root, 'bits', 2), { field: 'bits', dim, planes: 1 })).toThrow(/ask for 1 planes/);
    expect(() => buildBinaryWithCodebook(rows, { dim, metric: 'cosine', planes: 3 }, cb)).toThrow(
      /ask for 3 planes, its binarizer codes 2/,
    );
  });
});
