// Recall targets on Seismic fields: each segment of 3,000 synthetic learned-sparse documents
// measures the recall of its search settings against the exact lists when it is built; the
// curve rises with the setting, held-out queries of the same kind get about the recall it
// predicts, and searches without parameters use the setting chosen for their target.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { chooseSetting } from '../../src/index/dense/recall-tuning.js';
import { Prng } from '../../bench/common/prng.js';
import { tempDir } from '../helpers/temp-dir.js';

const VOCAB = 2000;
const rng = new Prng(21);
/** A document: 40 to 80 terms drawn with a Zipf-like bias, log-normal weights. */
function document(): Record<string, number> {
  const v: Record<string, number> = {};
  const n = 40 + rng.int(41);
  for (let i = 0; i < n; i++) v[`t${Math.floor(VOCAB * rng.next() ** 2)}`] = Math.exp(rng.next() * 2 - 1);
  return v;
}
const docs = Array.from({ length: 3000 }, document);
/** Held-out queries: the 20 largest terms of unseen documents. */
const queries = Array.from({ length: 60 }, () =>
  Object.fromEntries(
    Object.entries(document())
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20),
  ),
);

describe('Seismic recall targets', () => {
  const dir = join(tempDir('quarry-sparse-recall-'), 'c');
  const c = Collection.create(dir, { fields: { s: { type: 'sparse', index: 'seismic' }, e: { type: 'sparse', from: 's' } } });
  const w = c.writer();
  docs.forEach((v, i) => w.add({ _id: String(i), s: v }));
  w.commit();
  w.close();
  const snap = c.reader();
  const curve = readLatestManifest(dir).segments[0]!.tuning!.s!;

  it('measures a curve that rises with the setting; the exact field has none', () => {
    expect(curve.points.length).toBe(11);
    expect(curve.points[0]!.params).toEqual({ queryCut: 3, heapFactor: 0.9 });
    expect(curve.points.at(-1)!.recall).toBeGreaterThan(curve.points[0]!.recall);
    expect(curve.points.at(-1)!.recall).toBeGreaterThan(0.97);
    expect(readLatestManifest(dir).segments[0]!.tuning!.e).toBeUndefined();
  });

  it('searches without parameters at the chosen setting, near the recall it predicts', () => {
    for (const target of [0.8, 0.95]) {
      const chosen = chooseSetting(curve, target, 100)!;
      let hits = 0;
      for (const q of queries) {
        const got = snap.query({ retrieve: [{ field: 's', sparse: q, targetRecall: target }], k: 10 }).hits.map((h) => h.id);
        const same = snap.query({ retrieve: [{ field: 's', sparse: q, params: chosen.params }], k: 10 }).hits.map((h) => h.id);
        expect(got).toEqual(same);
        const exact = new Set(snap.query({ retrieve: [{ field: 'e', sparse: q }], k: 10 }).hits.map((h) => h.id));
        hits += got.filter((id) => exact.has(id)).length;
      }
      const measured = hits / (queries.length * 10);
      expect(measured).toBeGreaterThanOrEqual(Math.min(target, chosen.recall) - 0.05);
    }
    expect(c.info().fields.find((f) => f.name === 's')!.recall!.segments).toHaveLength(1);
  });
});
