// Every training loss: its gradient is the derivative of its value (central differences
// at random candidate lists, fast-check), and its value is what its definition says on
// lists worked by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOSS_NAMES, trainingLoss, checkLossNames } from '../../src/learn/losses/loss-registry.js';
import { IGNORED, NOT_RELEVANT, RELEVANT, type CandidateList, type RankingLoss } from '../../src/learn/losses/ranking-loss.js';
import { infoNceLoss } from '../../src/learn/losses/infonce.js';
import { aucLoss } from '../../src/learn/losses/auc-loss.js';
import { listwiseKlLoss } from '../../src/learn/losses/listwise-kl.js';
import { harmonicLoss } from '../../src/learn/losses/harmonic-loss.js';
import { multiSimilarityLoss } from '../../src/learn/losses/multi-similarity.js';

const list = (scores: number[], labels: number[], teacher: number[] | null = null): CandidateList => ({
  n: scores.length,
  scores: Float64Array.from(scores),
  labels: Int8Array.from(labels),
  teacher: teacher === null ? null : Float64Array.from(teacher),
});

/** Largest gap between `loss`'s gradient and central differences at `l`. */
function gradientGap(loss: RankingLoss, l: CandidateList, h = 1e-6): { gap: number; scale: number } {
  const grad = new Float64Array(l.n);
  loss.compute(l, grad);
  const g = new Float64Array(l.n);
  let gap = 0;
  let scale = 1e-3;
  for (let i = 0; i < l.n; i++) {
    const s = l.scores[i]!;
    l.scores[i] = s + h;
    const up = loss.compute(l, g);
    l.scores[i] = s - h;
    const down = loss.compute(l, g);
    l.scores[i] = s;
    const numeric = (up - down) / (2 * h);
    gap = Math.max(gap, Math.abs(numeric - grad[i]!));
    scale = Math.max(scale, Math.abs(numeric));
  }
  return { gap, scale };
}

const candidateLists = fc
  .array(
    fc.record({
      score: fc.double({ min: -0.95, max: 0.95, noNaN: true }),
      label: fc.constantFrom(RELEVANT, NOT_RELEVANT, NOT_RELEVANT, IGNORED),
      teacher: fc.double({ min: -5, max: 15, noNaN: true }),
    }),
    { minLength: 2, maxLength: 12 },
  )
  .map((cs) =>
    list(
      cs.map((c) => c.score),
      cs.map((c) => c.label),
      cs.map((c) => c.teacher),
    ),
  );

describe('training losses', () => {
  for (const name of LOSS_NAMES) {
    it(`${name}: the gradient matches central differences`, () => {
      fc.assert(
        fc.property(candidateLists, (l) => {
          const { gap, scale } = gradientGap(trainingLoss([name], { temperature: 0.1 }), l);
          expect(gap).toBeLessThan(2e-4 * scale + 1e-6);
        }),
        { numRuns: 200, seed: 7 },
      );
    });
  }

  it('z-loss added to infonce: the gradient matches central differences', () => {
    fc.assert(
      fc.property(candidateLists, (l) => {
        const { gap, scale } = gradientGap(trainingLoss(['infonce', 'listwise-kl'], { temperature: 0.1, zLoss: 0.01 }), l);
        expect(gap).toBeLessThan(2e-4 * scale + 1e-6);
      }),
      { numRuns: 200, seed: 8 },
    );
  });

  it('infonce: -log softmax of the relevant candidate over it and the negatives; ignored ones are left out', () => {
    const g = new Float64Array(4);
    const v = infoNceLoss(1).compute(list([0.5, 0.1, -0.2, 0.9], [RELEVANT, NOT_RELEVANT, NOT_RELEVANT, IGNORED]), g);
    const z = Math.exp(0.5) + Math.exp(0.1) + Math.exp(-0.2);
    expect(v).toBeCloseTo(-Math.log(Math.exp(0.5) / z), 12);
    expect(g[3]).toBe(0);
    expect(infoNceLoss(1).compute(list([0.5, 0.1], [NOT_RELEVANT, NOT_RELEVANT]), g)).toBe(0);
  });

  it('auc: the logistic surrogate averaged over (relevant, negative) pairs', () => {
    const g = new Float64Array(3);
    const v = aucLoss(1).compute(list([0.4, 0.1, 0.6], [RELEVANT, NOT_RELEVANT, NOT_RELEVANT]), g);
    expect(v).toBeCloseTo((Math.log1p(Math.exp(-0.3)) + Math.log1p(Math.exp(0.2))) / 2, 12);
  });

  it('harmonic: probabilities proportional to distance^-h', () => {
    const g = new Float64Array(2);
    const d = (s: number) => Math.sqrt(2 - 2 * s);
    const v = harmonicLoss(4).compute(list([0.8, 0.2], [RELEVANT, NOT_RELEVANT]), g);
    const p = d(0.8) ** -4 / (d(0.8) ** -4 + d(0.2) ** -4);
    expect(v).toBeCloseTo(-Math.log(p), 12);
  });

  it('listwise-kl: zero when the student ranks as the teacher, at the matching temperatures', () => {
    const g = new Float64Array(3);
    expect(listwiseKlLoss(0.1, 1).compute(list([0.3, 0.2, 0.1], [0, 0, 0], [3, 2, 1]), g)).toBeCloseTo(0, 12);
    expect(listwiseKlLoss(0.1, 1).compute(list([0.1, 0.2, 0.3], [0, 0, 0], [3, 2, 1]), g)).toBeGreaterThan(0.1);
  });

  it('multi-similarity: only mined pairs count', () => {
    const g = new Float64Array(3);
    // the negative at -0.5 is far below the relevant 0.9 (beyond the margin): nothing is mined
    expect(multiSimilarityLoss().compute(list([0.9, -0.5], [RELEVANT, NOT_RELEVANT]), g)).toBe(0);
    expect(multiSimilarityLoss().compute(list([0.5, 0.6], [RELEVANT, NOT_RELEVANT]), g)).toBeGreaterThan(0);
  });

  it('unknown names are refused with the list of known ones', () => {
    expect(() => checkLossNames(['triplet'])).toThrow(/unknown loss "triplet".*infonce, auc, multi-similarity, harmonic, listwise-kl/s);
    expect(() => checkLossNames([])).toThrow(/no loss given/);
  });
});
