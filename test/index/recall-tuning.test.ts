// Recall targets: the curve an approximate index measures on pseudo-queries from its own rows
// predicts the recall of real held-out queries (GloVe words the rows do not contain); the
// cheapest setting reaching a target is chosen; a collection stores each segment's curve and
// searches without parameters with the chosen setting, explicit parameters winning.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { buildDense, tuneDense } from '../../src/index/dense/dense-registry.js';
import { chooseSetting, measureRecallCurve, type RecallCurve } from '../../src/index/dense/recall-tuning.js';
import { writeFileSync } from 'node:fs';
import { quarry } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';
import { loadGlove10k, recallAt } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const { base, queries, gt } = loadGlove10k('angular');

describe('recall curves', () => {
  const index = buildDense('hnsw', base.data, 100, 'cosine', { M: 8, efConstruction: 60 });
  const curve = tuneDense(index)!;

  it('are measured for every setting, cheapest first, and rise with the search effort', () => {
    expect(curve.k).toBe(10);
    expect(curve.source).toBe('sampled');
    expect(curve.points.map((p) => p.params.efSearch)).toEqual([10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768]);
    expect(curve.points[0]!.recall).toBeLessThan(curve.points.at(-1)!.recall);
    expect(curve.points.at(-1)!.recall).toBeGreaterThan(0.97);
    for (const p of curve.points) {
      expect(p.micros).toBeGreaterThan(0);
      // the top 10 of a deeper search is at least about as good
      expect(p.deepRecall!).toBeGreaterThanOrEqual(p.recall - 0.01);
    }
    expect(chooseSetting(curve, 0.97, 100)!.params.efSearch!).toBeLessThanOrEqual(chooseSetting(curve, 0.97, 10)!.params.efSearch!);
  });

  it('predict the recall of held-out real queries within 0.05 at the setting chosen for 0.9 and 0.95', () => {
    for (const target of [0.9, 0.95]) {
      const chosen = chooseSetting(curve, target)!;
      expect(chosen.recall).toBeGreaterThanOrEqual(target);
      const results = Array.from(
        { length: queries.rows },
        (_, q) => index.search(queries.data.subarray(q * 100, (q + 1) * 100), 10, chosen.params).ids,
      );
      const measured = recallAt(10, results, gt);
      expect(Math.abs(measured - chosen.recall), `target ${target}: predicted ${chosen.recall}, measured ${measured}`).toBeLessThan(0.05);
    }
  });

  it('choose the first (cheapest) setting that reaches the target, else the most accurate', () => {
    const c: RecallCurve = {
      k: 10,
      queries: 1,
      source: 'sampled',
      points: [
        { params: { e: 1 }, recall: 0.8, micros: 1 },
        { params: { e: 2 }, recall: 0.96, micros: 5 },
        { params: { e: 3 }, recall: 0.97, micros: 4 },
        { params: { e: 4 }, recall: 0.99, micros: 9 },
      ],
    };
    // the order decides, not the (noisy) times
    expect(chooseSetting(c, 0.95)!.params.e).toBe(2);
    expect(chooseSetting(c, 0.5)!.params.e).toBe(1);
    expect(chooseSetting(c, 0.999)!.params.e).toBe(4);
    expect(chooseSetting(undefined, 0.9)).toBeNull();
  });

  it('are not measured for exact or small indexes; a query log replaces the pseudo-queries', () => {
    expect(tuneDense(buildDense('flat', base.data, 100, 'cosine', {}))).toBeUndefined();
    expect(tuneDense(buildDense('hnsw', base.data.subarray(0, 500 * 100), 100, 'cosine', {}))).toBeUndefined();
    const logged = measureRecallCurve(index, index.floatRows()!, [{ efSearch: 64 }], { queries: queries.data });
    expect(logged.source).toBe('log');
    expect(logged.queries).toBe(queries.rows);
  });
});

describe('a collection with a recall target', () => {
  const dir = join(tempDir('quarry-recall-'), 'c');
  const c = Collection.create(dir, {
    fields: { v: { type: 'dense', dim: 100, index: 'hnsw', metric: 'cosine', params: { M: 8, efConstruction: 60 } } },
  });
  const w = c.writer();
  for (let i = 0; i < 3000; i++) w.add({ _id: String(i), v: Array.from(base.data.subarray(i * 100, (i + 1) * 100)) });
  w.commit();
  w.close();
  const snap = c.reader();
  const q = Array.from(queries.data.subarray(0, 100));

  it('stores the segment’s curve and searches without parameters at the chosen setting', () => {
    const info = readLatestManifest(dir).segments[0]!;
    const curve = info.tuning?.v;
    expect(curve?.points.length).toBe(13);
    // a query spec's leg fetches 100 candidates: the setting is chosen for that depth
    const low = chooseSetting(curve, 0.5, 100)!.params;
    const high = chooseSetting(curve, 0.999, 100)!.params;
    const ids = (spec: QuerySpecInput): string[] => snap.query(spec).hits.map((h) => h.id);
    expect(ids({ retrieve: [{ field: 'v', vector: q, targetRecall: 0.5 }] })).toEqual(
      ids({ retrieve: [{ field: 'v', vector: q, params: low }] }),
    );
    expect(ids({ retrieve: [{ field: 'v', vector: q, targetRecall: 0.999 }] })).toEqual(
      ids({ retrieve: [{ field: 'v', vector: q, params: high }] }),
    );
    // the result says what recall its legs' settings were measured to reach
    const result = snap.query({ retrieve: [{ field: 'v', vector: q, targetRecall: 0.999 }] });
    expect(result.expectedRecall).toEqual([chooseSetting(curve, 0.999, 100)!.recall]);
    expect(snap.query({ retrieve: [{ field: 'v', vector: q, params: low }] }).expectedRecall).toBeUndefined();
    // explicit parameters win over the target
    expect(ids({ retrieve: [{ field: 'v', vector: q, params: low, targetRecall: 0.999 }] })).toEqual(
      ids({ retrieve: [{ field: 'v', vector: q, params: low }] }),
    );
  });

  it('measures the curves again on a query log and commits them (writer.tuneRecall, quarry tune)', () => {
    const w = c.writer();
    const gen = w.tuneRecall('v', queries.data);
    w.close();
    const curve = readLatestManifest(dir).segments[0]!.tuning!.v!;
    expect(curve.source).toBe('log');
    expect(curve.queries).toBe(queries.rows);
    expect(readLatestManifest(dir).generation).toBe(gen);
    const w2 = c.writer();
    expect(errorOf(() => w2.tuneRecall('v', new Float32Array(7))).message).toContain('rows of the field');
    expect(errorOf(() => w2.tuneRecall('nope', queries.data)).message).toContain('is not a dense field');
    w2.close();
    // the CLI, with the queries as an .fvecs file
    const fvecs = join(dir, '..', 'log.fvecs');
    const buf = Buffer.alloc(queries.rows * 404);
    for (let r = 0; r < queries.rows; r++) {
      buf.writeInt32LE(100, r * 404);
      for (let j = 0; j < 100; j++) buf.writeFloatLE(queries.data[r * 100 + j]!, r * 404 + 4 + 4 * j);
    }
    writeFileSync(fvecs, buf);
    const r = quarry(['tune', dir, '--field', 'v', '--queries', fvecs]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/measured 1 segment of v on 100 queries\n {2}seg-\d+ +recall@10 0\.\d+ at efSearch \d+ \(target 0\.95\)/);
    const info = quarry(['info', dir]);
    expect(info.stdout).toMatch(/recall@10 0\.\d+ predicted at efSearch \d+ \(target 0\.95\)/);
    const bad = quarry(['tune', dir, '--field', 'v']);
    expect(bad.stderr).toContain('give the queries as vectors (--queries) or as texts (--text-queries)');
  }, 60_000);

  it('refuses a target outside (0, 1] and a target on a leg that is not dense', () => {
    expect(errorOf(() => snap.query({ retrieve: [{ field: 'v', vector: q, targetRecall: 1.5 }] })).message).toContain('targetRecall');
    const t = Collection.create(join(tempDir('quarry-recall-'), 't'), { fields: { body: { type: 'text' } } });
    const e = errorOf(() => t.reader().query({ retrieve: [{ field: 'body', text: 'x', targetRecall: 0.9 }] }));
    expect(e.message).toContain('targetRecall applies to dense, sparse and multi-vector legs');
  });
});
