// Drift adapters saved with a collection: fitted from new-model vectors of some documents,
// named by query legs and searchVector, copied by snapshots, and refused clearly when wrong.
import { existsSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Collection,
  fitFieldAdapter,
  listFieldAdapters,
  parseSchema,
  readFieldAdapter,
  snapshotCollection,
  writeFieldAdapter,
} from '../../src/collection/index.js';
import { writeCalibration } from '../../src/collection/calibration-file.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { buildCollection } from '../helpers/build-collection.js';
import { errorOf } from '../helpers/errors.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const { base } = loadGlove10k('angular');
const N = 2000;
const D = 100;
const P = 64;
const docs = Array.from({ length: N }, (_, i) => ({
  _id: `w${i}`,
  text: `word ${i}`,
  emb: Array.from(base.data.subarray(i * D, (i + 1) * D)),
}));

/** The "new model": a fixed random linear map into 64 dimensions, bent by tanh. */
function newModel(v: ArrayLike<number>): Float32Array {
  let s = 777;
  const out = new Float32Array(P);
  for (let i = 0; i < P; i++) {
    let z = 0;
    for (let j = 0; j < D; j++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      z += ((s >>> 0) / 4294967296 - 0.5) * 0.4 * v[j]!;
    }
    out[i] = z + 0.2 * Math.tanh(3 * z);
  }
  normalizeRows(out, P);
  return out;
}

describe('drift adapters in a collection', () => {
  const schema = parseSchema({ fields: { text: { type: 'text' }, emb: { type: 'dense', dim: D, metric: 'cosine', index: 'hnsw' } } });
  const collection = buildCollection(root, docs, schema, { flushDocs: 800 });
  const dir = collection.dir;
  const sample = 600;
  const ids = Array.from({ length: sample }, (_, i) => `w${i * 3}`);
  const vectors = new Float32Array(sample * P);
  ids.forEach((_, i) => vectors.set(newModel(base.data.subarray(i * 3 * D, (i * 3 + 1) * D)), i * P));

  it('fits from new-model vectors of some documents, reports on held-out pairs, and serves queries', () => {
    const snap = collection.reader();
    const { adapter, report } = fitFieldAdapter(snap, 'emb', vectors, P, ids, { name: 'v2', kind: 'affine' });
    expect(report).toMatchObject({ pairs: sample, heldOut: 60, unmapped: null });
    expect(report.meanCosine!).toBeGreaterThan(0.9);
    expect(report.selfAt10!).toBeGreaterThan(0.9);
    writeFieldAdapter(dir, adapter);
    expect(listFieldAdapters(dir)).toEqual(['v2']);
    expect(readFieldAdapter(dir, 'v2')).toMatchObject({ field: 'emb', kind: 'affine', inputDim: P, outputDim: D, normalizeInput: true });
    // a document outside the sample, queried with its new-model vector, finds itself
    let found = 0;
    for (let i = 1; i < 100; i += 3) {
      const q = Array.from(newModel(base.data.subarray(i * D, (i + 1) * D)));
      const viaSpec = snap.query({ retrieve: [{ field: 'emb', vector: q, adapter: 'v2' }], k: 10 }).hits.map((h) => h.id);
      const viaSearch = snap.searchVector('emb', q, { k: 10, adapter: 'v2', includeStored: false }).map((h) => h.id);
      expect(viaSearch).toEqual(viaSpec);
      if (viaSpec.includes(`w${i}`)) found++;
    }
    expect(found / 33).toBeGreaterThan(0.85);
  });

  it('re-reads an adapter refitted while a snapshot is open', () => {
    const snap = collection.reader();
    // an adapter that sends every vector to document `target`'s own vector
    const pointAt = (target: number): string =>
      writeFieldAdapter(dir, {
        name: 'fixed',
        field: 'emb',
        kind: 'affine',
        mlp: null,
        normalizeInput: false,
        inputDim: 3,
        outputDim: D,
        matrix: new Float32Array(3 * D),
        bias: base.data.slice(target * D, (target + 1) * D),
      });
    pointAt(42);
    expect(snap.searchVector('emb', [1, 2, 3], { k: 1, adapter: 'fixed', includeStored: false })[0]!.id).toBe('w42');
    pointAt(77);
    const path = join(dir, 'adapters', 'fixed.safetensors');
    utimesSync(path, new Date(), new Date(Date.now() + 5000)); // a different modification time even on coarse clocks
    expect(snap.searchVector('emb', [1, 2, 3], { k: 1, adapter: 'fixed', includeStored: false })[0]!.id).toBe('w77');
    rmSync(path);
  });

  it('goes with snapshots of the collection, with the calibration', () => {
    writeCalibration(dir, { version: 1, depth: 10, spec: {}, wa: [0], wb: [0], means: [0], stds: [1] } as unknown as Parameters<
      typeof writeCalibration
    >[1]);
    const copy = join(root, 'backup');
    snapshotCollection(dir, copy);
    expect(existsSync(join(copy, 'calibration.json'))).toBe(true);
    expect(listFieldAdapters(copy)).toEqual(['v2']);
    const q = Array.from(newModel(base.data.subarray(7 * D, 8 * D)));
    const fromCopy = Collection.open(copy).reader().searchVector('emb', q, { k: 5, adapter: 'v2', includeStored: false });
    expect(fromCopy.map((h) => h.id)).toEqual(
      collection
        .reader()
        .searchVector('emb', q, { k: 5, adapter: 'v2', includeStored: false })
        .map((h) => h.id),
    );
  });

  it('pairs ids with the live documents of every segment (denseVectors skips deleted ones)', () => {
    const c = buildCollection(root, docs.slice(0, 50), schema, { flushDocs: 20 });
    const w = c.writer();
    w.delete('w3');
    w.delete('w25');
    w.add({ _id: 'w3', text: 'again', emb: docs[4]!.emb });
    w.commit();
    w.close();
    const snap = c.reader();
    expect(snap.segments.length).toBeGreaterThan(2);
    const { ids: live, rows, dim } = snap.denseVectors('emb');
    expect(live).toHaveLength(49);
    expect(live).not.toContain('w25');
    expect(live.filter((id) => id === 'w3')).toHaveLength(1);
    // the re-added w3 carries w4's vector (normalized, as the cosine field stores it)
    const at = live.indexOf('w3');
    const w4 = Float32Array.from(docs[4]!.emb);
    normalizeRows(w4, D);
    for (let j = 0; j < D; j++) expect(rows[at * dim + j]).toBeCloseTo(w4[j]!, 6);
    expect(errorOf(() => fitFieldAdapter(snap, 'emb', vectors.subarray(0, 2 * P), P, ['w25', 'w1'], { name: 'x' })).message).toMatch(
      /no live document "w25"/,
    );
  });

  it('refuses what does not fit, naming the problem', () => {
    const snap = collection.reader();
    const q = Array.from(newModel(base.data.subarray(0, D)));
    expect(errorOf(() => snap.searchVector('emb', q, { adapter: 'v3' })).message).toMatch(
      /^adapter: the collection has no adapter "v3" \(adapters: v2\)/,
    );
    expect(errorOf(() => snap.searchVector('emb', q, { adapter: '../x' })).message).toMatch(/^adapter: "\.\.\/x" is not an adapter name/);
    expect(errorOf(() => snap.searchVector('emb', q.slice(1), { adapter: 'v2' })).message).toMatch(
      /^vector: vector has dimension 63; adapter "v2" maps 64-dimensional vectors/,
    );
    expect(errorOf(() => snap.searchVector('emb', q)).message).toMatch(/query has dimension 64, the field has 100/);
    expect(errorOf(() => snap.query({ retrieve: [{ field: 'text', text: 'word', adapter: 'v2' }] })).message).toMatch(
      /retrieve\.adapter: adapters map dense vectors; "text" is not a dense field/,
    );
    expect(errorOf(() => snap.query({ retrieve: [{ field: 'emb', vector: q.slice(2), adapter: 'v2' }] })).message).toMatch(
      /^retrieve\.vector: vector has dimension 62; adapter "v2" maps 64/,
    );
    expect(
      errorOf(() =>
        fitFieldAdapter(snap, 'emb', vectors, P, ['nope', ...ids.slice(1)], { name: 'x' }, (r) => ({ file: 'ids.txt', line: r + 1 })),
      ).message,
    ).toMatch(/^ids\.txt:1: no live document "nope" in the collection/);
    expect(errorOf(() => fitFieldAdapter(snap, 'text', vectors, P, ids, { name: 'x' })).message).toMatch(
      /^field: "text" is not a dense field/,
    );
    expect(errorOf(() => fitFieldAdapter(snap, 'emb', vectors, P, ids, { name: 'x', holdout: 0.9 })).message).toMatch(/^holdout: /);
    expect(errorOf(() => fitFieldAdapter(snap, 'emb', vectors, P, ids.slice(1), { name: 'x' })).message).toMatch(
      /^ids: 600 vectors for 599 ids/,
    );
    expect(listFieldAdapters(dir)).toEqual(['v2']);
  });
});
