// Trained IVF-PQ codebooks and binarizers in a collection (quarry train-codes): the commit
// re-encodes every segment, new and merged segments use the same codebook, older generations stay
// readable, and a codebook of the wrong shape or kind is refused naming the file.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { readDense } from '../../src/index/dense/dense-registry.js';
import type { IvfPqIndex } from '../../src/index/dense/ivfpq/index.js';
import type { BinaryIndex } from '../../src/index/dense/binary/index.js';
import { codebookPath, writeCodebook } from '../../src/learn/trained-codes/codebook-file.js';
import { fitIvfProductQuantizer } from '../../src/quantize/ivf-product-quantizer.js';
import { trainFieldCodes } from '../../src/train/train-codes.js';
import { buildCollection } from '../helpers/build-collection.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const { base, queries } = loadGlove10k('angular');
const N = 3000;
const doc = (i: number): Record<string, unknown> => ({ _id: `w${i}`, emb: Array.from(base.data.subarray(i * 100, (i + 1) * 100)) });
const schema = parseSchema({ fields: { emb: { type: 'dense', dim: 100, metric: 'cosine', index: 'ivfpq', params: { m: 20 } } } });

function codebookVersionOf(c: Collection, seg: string): number | undefined {
  const index = readDense(join(c.dir, seg, 'emb.vec')) as IvfPqIndex;
  return index.codebook?.version;
}

function recall(c: Collection, n: number): number {
  const snap = c.reader();
  const exact = buildFlat(base.data.subarray(0, n * 100), { dim: 100, metric: 'cosine' });
  let sum = 0;
  for (let q = 0; q < 30; q++) {
    const v = queries.data.subarray(q * 100, (q + 1) * 100);
    const got = snap.searchVector('emb', v, { k: 10, includeStored: false }).map((h) => h.id);
    const want = new Set(Array.from(exact.search(v, 10).ids, (i) => `w${i}`));
    sum += got.filter((id) => want.has(id)).length / 10;
  }
  snap.close();
  return sum / 30;
}

describe('trained codebooks in a collection', () => {
  it('distill-vq re-encodes every segment in one commit; new and merged segments use the codebook', () => {
    const c = buildCollection(
      root,
      Array.from({ length: N }, (_, i) => doc(i)),
      schema,
      { flushDocs: 1500 },
    );
    const before = c.reader();
    const beforeHits = before.searchVector('emb', queries.data.subarray(0, 100), { k: 5, includeStored: false });
    const report = trainFieldCodes({ dir: c.dir, field: 'emb', method: 'distill-vq', sampleQueries: 300, epochs: 2 });
    expect(report.version).toBe(1);
    expect(report.rows).toBe(N);
    expect(report.metric).toBeGreaterThanOrEqual(report.initialMetric);
    expect(existsSync(codebookPath(c.dir, 'emb', 1))).toBe(true);
    const spec = Collection.open(c.dir).schema.fields.emb!;
    expect(spec.type === 'dense' && spec.codebook).toEqual({ version: 1, method: 'distill-vq' });
    // the snapshot opened before the commit still answers from the old files
    expect(before.searchVector('emb', queries.data.subarray(0, 100), { k: 5, includeStored: false })).toEqual(beforeHits);
    before.close();
    const snap = c.reader();
    expect(snap.segments.length).toBe(2);
    for (const s of snap.segments) expect(codebookVersionOf(c, s.info.name)).toBe(1);
    snap.close();
    expect(recall(c, N)).toBeGreaterThanOrEqual(0.85);

    // a small new segment is encoded with the codebook (no k-means, no exact fallback)
    const w = c.writer();
    for (let i = N; i < N + 50; i++) w.add(doc(i));
    w.commit();
    const last = Collection.open(c.dir).reader();
    const newest = last.segments[last.segments.length - 1]!.info.name;
    last.close();
    expect(codebookVersionOf(c, newest)).toBe(1);
    // a merge re-encodes with the same codebook
    w.optimize();
    w.close();
    const merged = c.reader();
    expect(merged.segments.length).toBe(1);
    expect(codebookVersionOf(c, merged.segments[0]!.info.name)).toBe(1);
    merged.close();
    expect(recall(c, N + 50)).toBeGreaterThanOrEqual(0.85);

    // training again writes version 2; version 1 goes once no kept generation names it
    trainFieldCodes({ dir: c.dir, field: 'emb', method: 'distill-vq', sampleQueries: 300, epochs: 1 });
    expect(existsSync(codebookPath(c.dir, 'emb', 2))).toBe(true);
    const w2 = c.writer();
    w2.add(doc(N + 60));
    w2.commit();
    w2.add(doc(N + 61));
    w2.commit();
    w2.close();
    expect(existsSync(codebookPath(c.dir, 'emb', 1))).toBe(false);
  }, 120_000);

  it('jpq trains a query map from judged queries', () => {
    const n = 2000;
    const c = buildCollection(
      root,
      Array.from({ length: n }, (_, i) => doc(i)),
      schema,
    );
    const exact = buildFlat(base.data.subarray(0, n * 100), { dim: 100, metric: 'cosine' });
    const nq = 200;
    // held-out words as queries (rows past the indexed ones)
    const vectors = base.data.slice(5000 * 100, (5000 + nq) * 100);
    const ids = Array.from({ length: nq }, (_, q) => `q${q}`);
    const qrels = new Map(
      ids.map((qid, q) => [qid, new Map(Array.from(exact.search(vectors.subarray(q * 100, (q + 1) * 100), 3).ids, (d) => [`w${d}`, 1]))]),
    );
    const report = trainFieldCodes({ dir: c.dir, field: 'emb', method: 'jpq', queries: { vectors, ids }, qrels, epochs: 2 });
    expect(report.trainQueries + report.validationQueries).toBe(nq);
    // judged validation queries are scored by nDCG@10, which sees relevant rows move within the ten
    expect(report.measure).toBe('nDCG@10');
    expect(report.metric).toBeGreaterThanOrEqual(report.initialMetric);
    const snap = c.reader();
    const index = readDense(join(c.dir, snap.segments[0]!.info.name, 'emb.vec')) as IvfPqIndex;
    snap.close();
    expect(index.codebook?.method).toBe('jpq');
    expect(index.codebook?.queryMap?.matrix.length).toBe(100 * 100);
    expect(recall(c, n)).toBeGreaterThanOrEqual(0.85);
  }, 120_000);

  it('refuses bad requests and a codebook whose shape does not match the field', () => {
    const c = buildCollection(
      root,
      Array.from({ length: 600 }, (_, i) => doc(i)),
      schema,
    );
    expect(() => trainFieldCodes({ dir: c.dir, field: 'nope', method: 'distill-vq' })).toThrow('"nope" is not a dense field');
    expect(() => trainFieldCodes({ dir: c.dir, field: 'emb', method: 'jpq' })).toThrow('JPQ learns from judged queries');
    expect(() => trainFieldCodes({ dir: c.dir, field: 'emb', method: 'pq' as 'jpq' })).toThrow('unknown method "pq"');
    const hnsw = buildCollection(root, [doc(0)], parseSchema({ fields: { emb: { type: 'dense', dim: 100, index: 'hnsw' } } }));
    expect(() => trainFieldCodes({ dir: hnsw.dir, field: 'emb', method: 'distill-vq' })).toThrow(
      'distill-vq codebooks are for ivfpq fields',
    );

    trainFieldCodes({ dir: c.dir, field: 'emb', method: 'distill-vq', sampleQueries: 100, epochs: 1 });
    const gen = Collection.open(c.dir).reader();
    const generation = gen.generation;
    gen.close();
    // replace the codebook with one for 50-d vectors: building the next segment is refused, nothing committed changes
    const other = {
      method: 'distill-vq' as const,
      version: 1,
      queryMap: null,
      quantizer: fitIvfProductQuantizer(base.data.slice(0, 300 * 50), 50, 8, 10, 1),
    };
    const scratch = join(root, 'scratch');
    const wrong = writeCodebook(scratch, 'emb', other);
    copyFileSync(wrong, codebookPath(c.dir, 'emb', 1));
    const w = c.writer();
    w.add(doc(700));
    expect(() => w.commit()).toThrow(
      /codebook shape \(8 cells, 10 sub-quantizers of 50-d vectors\) does not match field "emb": the field's vectors are 100-d/,
    );
    w.abort();
    const after = Collection.open(c.dir).reader();
    expect(after.generation).toBe(generation);
    expect(after.searchVector('emb', queries.data.subarray(0, 100), { k: 3, includeStored: false }).length).toBe(3);
    after.close();
  }, 120_000);

  it("bebr trains a binary field's binarizer; new and merged segments are coded with it", () => {
    const binarySchema = parseSchema({
      fields: { emb: { type: 'dense', dim: 100, metric: 'cosine', index: 'binary', params: { planes: 2, rescore: 0 } } },
    });
    const n = 1500;
    const c = buildCollection(
      root,
      Array.from({ length: n }, (_, i) => doc(i)),
      binarySchema,
      { flushDocs: 800 },
    );
    const before = recall(c, n);
    const report = trainFieldCodes({
      dir: c.dir,
      field: 'emb',
      method: 'bebr',
      sampleQueries: 60,
      epochs: 1,
      hidden: 8,
      teacherDepth: 30,
      studentDepth: 10,
      poolDepth: 100,
    });
    expect(report).toMatchObject({ method: 'bebr', version: 1, rows: n, bytesPerRow: 32, measure: 'recall@10' });
    expect(report.layout).toMatch(/^2 planes of 128 bits \(32 bytes per row\), \d+ centres$/);
    const spec = Collection.open(c.dir).schema.fields.emb!;
    expect(spec.type === 'dense' && spec.codebook).toEqual({ version: 1, method: 'bebr' });
    const snap = c.reader();
    expect(snap.segments.length).toBe(2);
    for (const s of snap.segments)
      expect((readDense(join(c.dir, s.info.name, 'emb.vec')) as BinaryIndex).codebook).toEqual({ method: 'bebr', version: 1 });
    snap.close();
    // every segment coded with one binarizer (fitted on all rows) instead of one fit per segment
    expect(recall(c, n)).toBeGreaterThan(before - 0.05);
    const w = c.writer();
    for (let i = n; i < n + 20; i++) w.add(doc(i));
    w.commit();
    w.optimize();
    w.close();
    const merged = c.reader();
    expect(merged.segments.length).toBe(1);
    const index = readDense(join(c.dir, merged.segments[0]!.info.name, 'emb.vec')) as BinaryIndex;
    merged.close();
    expect(index.codebook).toEqual({ method: 'bebr', version: 1 });
    expect(index.binarizer.encoder).not.toBeNull();
    // wrong kinds both ways
    expect(() => trainFieldCodes({ dir: c.dir, field: 'emb', method: 'distill-vq' })).toThrow(
      'binary fields train a binarizer: --method bebr',
    );
    const pq = buildCollection(root, [doc(0)], schema);
    expect(() => trainFieldCodes({ dir: pq.dir, field: 'emb', method: 'bebr' })).toThrow('bebr binarizers are for binary fields');
    const w2 = pq.writer();
    expect(() => w2.installCodebook('emb', { method: 'bebr', binarizer: index as never })).toThrow(/not coded with a binarizer|codebook/);
    w2.abort();
  }, 120_000);
});
