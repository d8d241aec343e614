// Neighbourhood signals against a brute-force reference: the local outlier factor of points in a
// cluster is about 1 and that of a point away from it is large; the centroid distance is exact;
// on a dot-product field the audit's norm signal flags a long vector.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditSnapshot } from '../../src/audit/index.js';
import { neighbourhoodSignals } from '../../src/audit/neighbourhood.js';
import { Collection } from '../../src/collection/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { Prng } from '../../bench/common/prng.js';

function gaussianCluster(n: number, dim: number, rng: Prng): Float32Array {
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < rows.length; i++) rows[i] = Math.sqrt(-2 * Math.log(rng.next() + 1e-12)) * Math.cos(2 * Math.PI * rng.next());
  return rows;
}

/** Exact k nearest neighbours by Euclidean distance. */
function bruteNeighbours(rows: Float32Array, dim: number, k: number): (i: number) => number[] {
  const n = rows.length / dim;
  return (i) => {
    const d = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let t = 0; t < dim; t++) s += (rows[i * dim + t]! - rows[j * dim + t]!) ** 2;
      return [j, s] as const;
    });
    return d
      .sort((a, b) => a[1] - b[1])
      .slice(0, k + 1)
      .map((x) => x[0]);
  };
}

describe('neighbourhoodSignals', () => {
  it('an isolated point has the largest outlier factor and centroid distance; cluster points are near 1', () => {
    const dim = 4;
    const rng = new Prng(11);
    const rows = gaussianCluster(200, dim, rng);
    const withOutlier = new Float32Array(rows.length + dim);
    withOutlier.set(rows);
    withOutlier.set([12, 12, 12, 12], rows.length);
    const s = neighbourhoodSignals(withOutlier, dim, 10, bruteNeighbours(withOutlier, dim, 10));
    const last = 200;
    expect(s.lof[last]).toBeGreaterThan(3);
    const median = Array.from(s.lof.subarray(0, 200)).sort((a, b) => a - b)[100]!;
    expect(median).toBeGreaterThan(0.9);
    expect(median).toBeLessThan(1.2);
    for (let i = 0; i < 200; i++) expect(s.centroid[i]).toBeLessThan(s.centroid[last]!);
    // the centroid distance is exact
    const mean = new Float64Array(dim);
    for (let i = 0; i <= last; i++) for (let t = 0; t < dim; t++) mean[t]! += withOutlier[i * dim + t]! / (last + 1);
    const d = Math.hypot(...Array.from(mean, (m, t) => withOutlier[last * dim + t]! - m));
    expect(s.centroid[last]).toBeCloseTo(d, 5);
  });

  it('duplicates (zero distances) give a finite factor or NaN, never a crash', () => {
    const rows = new Float32Array(6 * 2).fill(1);
    const s = neighbourhoodSignals(rows, 2, 3, bruteNeighbours(rows, 2, 3));
    for (const v of s.lof) expect(Number.isNaN(v) || Number.isFinite(v)).toBe(true);
  });
});

describe('the norm signal of a dot-product field', () => {
  it('flags the one long vector among unit ones', () => {
    const c = Collection.create(join(tempDir('quarry-norm-'), 'c'), {
      fields: { v: { type: 'dense', dim: 4, index: 'flat', metric: 'dot' } },
    });
    const w = c.writer();
    const rng = new Prng(2);
    for (let i = 0; i < 300; i++) {
      const v = Array.from({ length: 4 }, () => rng.next() * 2 - 1);
      const n = Math.hypot(...v);
      w.add({ _id: `d${i}`, v: v.map((x) => (x / n) * (0.9 + 0.2 * rng.next())) });
    }
    w.add({ _id: 'long', v: [40, 40, 40, 40] });
    w.commit();
    w.close();
    const report = auditSnapshot(c.reader(), { sampleQueries: 10 });
    expect(report.signals['norm:v']).toBeDefined();
    const long = report.flagged.find((f) => f.id === 'long');
    expect(long?.reasons.map((r) => r.signal)).toContain('norm:v');
  });
});
