/**
 * The harmonic loss (Baek et al., "Harmonic Loss Trains Interpretable AI
 * Models", 2025): a candidate's probability is proportional to its Euclidean
 * distance from the query raised to the power -h, instead of an exponential
 * of a similarity. For unit vectors the distance follows from the cosine,
 * d² = 2 − 2s, so the loss is a softmax cross-entropy over the logits
 * −(h/2)·log(2 − 2s), each relevant candidate against the negatives.
 */
import { contrastPositives } from './infonce.js';
import type { RankingLoss } from './ranking-loss.js';

/** Smallest squared distance used, so identical vectors give a finite loss. */
const MIN_SQUARED_DISTANCE = 1e-6;

/** The harmonic loss with exponent `exponent` (h; the paper suggests about √dim). */
export function harmonicLoss(exponent = 16): RankingLoss {
  let logits = new Float64Array(0);
  let slope = new Float64Array(0);
  return {
    name: 'harmonic',
    needsTeacher: false,
    compute(list, grad) {
      if (logits.length < list.n) {
        logits = new Float64Array(list.n);
        slope = new Float64Array(list.n);
      }
      for (let i = 0; i < list.n; i++) {
        const raw = 2 - 2 * list.scores[i]!;
        const d2 = Math.max(raw, MIN_SQUARED_DISTANCE);
        logits[i] = -(exponent / 2) * Math.log(d2);
        slope[i] = raw > MIN_SQUARED_DISTANCE ? exponent / d2 : 0;
      }
      const loss = contrastPositives(list, logits, grad);
      for (let i = 0; i < list.n; i++) grad[i]! *= slope[i]!;
      return loss;
    },
  };
}
