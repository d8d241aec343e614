// Calibrated relevance filtering: the map is monotone in the score and
// adapts to each query's score scale; fitting separates relevant from
// non-relevant candidates on synthetic queries of different scales;
// filter.minRelevance in the query spec; quarry calibrate end to end.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Collection } from '../../src/collection/index.js';
import { readCalibration } from '../../src/collection/calibration-file.js';
import { calibrate, calibrationLoss, fitCalibration, type CalibrationExample } from '../../src/search/calibration.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { buildCollection } from '../helpers/build-collection.js';
import { quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

/** Queries whose score scale varies (×1 to ×10): relevant candidates score high within their own query. */
function synthetic(n: number, seed: number): CalibrationExample[] {
  const rand = xorshift32(seed);
  return Array.from({ length: n }, () => {
    const scale = 1 + 9 * rand();
    const items = Array.from({ length: 30 }, (_, j) => {
      const rel = j < 3 && rand() < 0.8 ? 1 : 0;
      return { s: scale * (rel ? 0.8 + 0.2 * rand() : 0.5 * rand()), rel };
    }).sort((a, b) => b.s - a.s);
    return { scores: items.map((x) => x.s), labels: items.map((x) => x.rel), queryLength: 3 };
  });
}

describe('calibration', () => {
  const train = synthetic(200, 1);
  const model = fitCalibration(train, { depth: 30, spec: {} });

  it('fits: lower log loss than a constant, and separates held-out relevant candidates', () => {
    const test = synthetic(100, 2);
    const base = train.reduce((a, e) => a + e.labels.reduce((x, y) => x + y, 0), 0) / train.reduce((a, e) => a + e.labels.length, 0);
    const constLoss = -(base * Math.log(base) + (1 - base) * Math.log(1 - base));
    expect(calibrationLoss(model, test)).toBeLessThan(0.5 * constLoss);
    let tp = 0;
    let fp = 0;
    for (const e of test) calibrate(model, e.scores, 3).forEach((p, j) => (p >= 0.5 ? (e.labels[j] ? tp++ : fp++) : 0));
    expect(tp / (tp + fp)).toBeGreaterThan(0.9);
  });

  it('fits as well on cosine-sized scores as on BM25-sized ones (the scores are standardized first)', () => {
    const shrink = (es: CalibrationExample[]): CalibrationExample[] => es.map((e) => ({ ...e, scores: e.scores.map((x) => x / 30) }));
    const small = fitCalibration(shrink(train), { depth: 30, spec: {} });
    const test = synthetic(100, 2);
    expect(calibrationLoss(small, shrink(test))).toBeCloseTo(calibrationLoss(model, test), 3);
  });

  it('is monotone in the score for any query (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 2, maxLength: 40 }), fc.nat(20), (raw, len) => {
        const scores = [...raw].sort((a, b) => b - a);
        const p = calibrate(model, scores, len);
        for (let i = 1; i < p.length; i++) expect(p[i]!).toBeLessThanOrEqual(p[i - 1]! + 1e-12);
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('filters a query spec by calibrated probability, and quarry calibrate fits and saves one', () => {
    const root = tempDir();
    // Relevant documents (i % 4 = 0) match every query term; the others match one term among filler words.
    const docs = Array.from({ length: 40 }, (_, i) => ({
      _id: `d${i}`,
      title: `topic ${i % 4}`,
      text:
        i % 4 === 0
          ? 'solar panel storage battery'
          : `${['solar', 'panel', 'battery', 'storage'][i % 4]} among many unrelated filler words number ${i}`,
    }));
    const c = buildCollection(root, docs);
    expect(() => c.reader().query({ retrieve: [{ field: 'contents', text: 'solar' }], filter: { minRelevance: 0.5 } })).toThrow(
      'filter.minRelevance: this collection has no relevance calibration',
    );
    const qdir = tempDir('quarry-cal-');
    const queries = writeFile(
      qdir,
      'q.tsv',
      ['1\tsolar panel', '2\tbattery storage', '3\tsolar storage', '4\tpanel battery'].join('\n') + '\n',
    );
    const qrels = writeFile(
      qdir,
      'qrels.txt',
      ['1', '2', '3', '4'].flatMap((q) => docs.filter((_, i) => i % 4 === 0).map((d) => `${q} 0 ${d._id} 1`)).join('\n') + '\n',
    );
    const r = quarry(['calibrate', c.dir, '--queries', queries, '--qrels', qrels, '--depth', '20', '--json']);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout) as { queries: number; pairs: number; positives: number };
    expect(summary).toMatchObject({ queries: 4, positives: 40 });
    expect(summary.pairs).toBeGreaterThan(summary.positives); // negatives were retrieved too
    expect(readCalibration(c.dir)!.depth).toBe(20);
    const snap = Collection.open(c.dir).reader();
    const all = snap.query({ retrieve: [{ field: 'contents', text: 'solar battery' }], k: 40 });
    expect(all.hits.some((h) => Number(h.id.slice(1)) % 4 !== 0)).toBe(true);
    const res = snap.query({ retrieve: [{ field: 'contents', text: 'solar battery' }], filter: { minRelevance: 0.5 }, k: 40 });
    expect(res.hits.length).toBe(10);
    for (const h of res.hits) {
      expect(Number(h.id.slice(1)) % 4).toBe(0);
      expect(h.relevance!).toBeGreaterThanOrEqual(0.5);
    }
    const bad = quarry(['calibrate', c.dir, '--queries', queries, '--qrels', writeFile(qdir, 'none.txt', '99 0 d0 1\n')]);
    expect(bad.stderr).toContain('no query of the queries file is judged');
  });
});
