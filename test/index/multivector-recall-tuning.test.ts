// Recall targets on MUVERA fields: a segment of 1,200 documents of clustered token vectors
// measures the recall of each candidate depth against exhaustive MaxSim when it is built; the
// curve rises with the depth, and searches without `candidates` use the depth chosen for their
// target (explicit `candidates` win); fields without MUVERA are exact and keep no curve.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { readLatestManifest } from '../../src/collection/manifest.js';
import { chooseSetting } from '../../src/index/dense/recall-tuning.js';
import { Prng } from '../../bench/common/prng.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIM = 16;
const rng = new Prng(5);
const centres = Array.from({ length: 40 }, () => Array.from({ length: DIM }, () => rng.next() * 2 - 1));
/** A document: 6 to 12 tokens around a few centres. */
function tokens(n: number): number[][] {
  return Array.from({ length: n }, () => centres[rng.int(centres.length)]!.map((x) => x + 0.4 * (rng.next() * 2 - 1)));
}

describe('MUVERA recall targets', () => {
  const dir = join(tempDir('quarry-mv-recall-'), 'c');
  const c = Collection.create(dir, {
    fields: {
      t: { type: 'multivector', dim: DIM, muvera: { kSim: 3, dProj: 8, rReps: 4 } },
      x: { type: 'multivector', dim: DIM, from: 't' },
    },
  });
  const w = c.writer();
  for (let i = 0; i < 1200; i++) w.add({ _id: String(i), t: tokens(6 + rng.int(7)) });
  w.commit();
  w.close();
  const snap = c.reader();
  const curve = readLatestManifest(dir).segments[0]!.tuning!.t!;

  it('measures every candidate depth against exhaustive MaxSim; the exact field has no curve', () => {
    expect(curve.points.map((p) => p.params.candidates)).toEqual([20, 50, 100, 200, 400, 800, 1600]);
    expect(curve.points.at(-1)!.recall).toBeGreaterThan(curve.points[0]!.recall);
    expect(curve.points.at(-1)!.recall).toBeGreaterThan(0.97);
    expect(readLatestManifest(dir).segments[0]!.tuning!.x).toBeUndefined();
  });

  it('searches without candidates at the depth chosen for the target; explicit candidates win', () => {
    const q = tokens(4);
    for (const target of [0.5, 0.99]) {
      const depth = chooseSetting(curve, target, 100)!.params.candidates!;
      const ids = (extra: object): string[] =>
        snap.query({ retrieve: [{ field: 't', multivector: q, ...extra }], k: 10 }).hits.map((h) => h.id);
      expect(ids({ targetRecall: target })).toEqual(ids({ params: { candidates: depth } }));
    }
    expect(c.info().fields.find((f) => f.name === 't')!.recall!.segments).toHaveLength(1);
  });
});
