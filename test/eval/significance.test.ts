import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRuns, holmAdjust, pairedRandomizationTest, pairedTTest, readQrels, studentTwoSidedP } from '../../src/eval/index.js';
import { quarry } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';

describe('Student t distribution', () => {
  it('matches tabulated critical values', () => {
    expect(studentTwoSidedP(2.228138851986, 10)).toBeCloseTo(0.05, 9);
    expect(studentTwoSidedP(12.7062047362, 1)).toBeCloseTo(0.05, 9);
    expect(studentTwoSidedP(2.576, 1e7)).toBeCloseTo(0.01, 4);
    expect(studentTwoSidedP(0, 5)).toBe(1);
  });
});

describe('paired tests', () => {
  it('t-test reproduces a hand-computed example', () => {
    // d = [1, 2, 3, 4, 5]: mean 3, sd sqrt(2.5), t = 3 / (sqrt(2.5)/sqrt(5)) = 4.2426, df 4
    const r = pairedTTest([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]);
    expect(r.t).toBeCloseTo(4.242640687, 8);
    expect(r.p).toBeCloseTo(0.013236, 5);
  });
  it('randomization gives p = 1 for identical runs and (0+1)/(B+1) for a consistent large win', () => {
    const a = Array.from({ length: 40 }, (_, i) => (i % 7) / 10);
    expect(pairedRandomizationTest(a, a, 999).p).toBe(1);
    expect(
      pairedRandomizationTest(
        a,
        a.map((x) => x + 0.5),
        999,
      ).p,
    ).toBe(1 / 1000);
  });
  it('randomization is deterministic for a seed and agrees with the t-test on clear cases', () => {
    const a = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 0.3 + 0.5);
    const b = a.map((x, i) => x + 0.05 + Math.cos(i * 3) * 0.1);
    const r1 = pairedRandomizationTest(a, b, 5000, 7);
    expect(pairedRandomizationTest(a, b, 5000, 7).p).toBe(r1.p);
    expect(r1.p).toBeLessThan(0.05);
    expect(pairedTTest(a, b).p).toBeLessThan(0.05);
  });
  it('p-values are in (0, 1] for any input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), {
          minLength: 2,
          maxLength: 30,
        }),
        (pairs) => {
          const a = pairs.map((p) => p[0]);
          const b = pairs.map((p) => p[1]);
          const t = pairedTTest(a, b).p;
          const r = pairedRandomizationTest(a, b, 200).p;
          expect(t).toBeGreaterThanOrEqual(0);
          expect(t).toBeLessThanOrEqual(1);
          expect(r).toBeGreaterThan(0);
          expect(r).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
  it('Holm adjustment matches the textbook example', () => {
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
  });
});

describe('compareRuns', () => {
  const dir = dataset('metric-fixtures/trec_eval_test');
  it('scores the truncated run against the full run over the same queries', () => {
    const c = compareRuns(readQrels(`${dir}/qrels.test`), `${dir}/results.test`, [`${dir}/results.trunc`], {
      measures: ['map'],
      trials: 500,
    });
    expect(c.queries).toBe(3);
    expect(c.rows[0]!.baseline).toBeCloseTo(0.17854506039656948, 12);
    expect(c.rows[0]!.cells[0]!.mean).toBeCloseTo(0.10156546902493652, 12);
  });
  it('CLI prints a table with a legend', () => {
    const r = quarry(['compare', '-m', 'map', '--trials', '100', `${dir}/qrels.test`, `${dir}/results.test`, `${dir}/results.trunc`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^map\s+0\.1785\s+0\.1016/m);
    expect(r.stdout).toContain('3 queries');
  });
  it('rejects a significance level outside (0, 1)', () => {
    const r = quarry(['compare', '-m', 'map', '--alpha', '2', `${dir}/qrels.test`, `${dir}/results.test`, `${dir}/results.trunc`]);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain("option '--alpha <p>' argument '2' is invalid. expected a number between 0 and 1.");
    expect(() =>
      compareRuns(readQrels(`${dir}/qrels.test`), `${dir}/results.test`, [`${dir}/results.trunc`], { measures: ['map'], alpha: 0 }),
    ).toThrow('alpha: must be between 0 and 1, got 0');
  });
});
