/**
 * InfoNCE (van den Oord et al., "Representation Learning with Contrastive
 * Predictive Coding", 2018; as used for retrieval by DPR, Karpukhin et al.,
 * EMNLP 2020): each relevant candidate against all negatives, a softmax
 * cross-entropy over scores divided by a temperature. With several relevant
 * candidates, each is contrasted with the negatives alone and the losses are
 * averaged, so relevant candidates never push each other down.
 */
import { NOT_RELEVANT, RELEVANT, type CandidateList, type RankingLoss } from './ranking-loss.js';

/** Softmax cross-entropy of each relevant candidate against the negatives over `logits`; writes dLoss/dLogit into `grad`. Shared by InfoNCE and the harmonic loss. */
export function contrastPositives(list: CandidateList, logits: Float64Array, grad: Float64Array): number {
  const { n, labels } = list;
  grad.fill(0, 0, n);
  let positives = 0;
  let negMax = -Infinity;
  for (let i = 0; i < n; i++) {
    if (labels[i] === RELEVANT) positives++;
    else if (labels[i] === NOT_RELEVANT && logits[i]! > negMax) negMax = logits[i]!;
  }
  if (positives === 0) return 0;
  let loss = 0;
  for (let p = 0; p < n; p++) {
    if (labels[p] !== RELEVANT) continue;
    const m = Math.max(negMax, logits[p]!);
    let z = Math.exp(logits[p]! - m);
    for (let i = 0; i < n; i++) if (labels[i] === NOT_RELEVANT) z += Math.exp(logits[i]! - m);
    const logZ = m + Math.log(z);
    loss += logZ - logits[p]!;
    grad[p]! += (Math.exp(logits[p]! - logZ) - 1) / positives;
    for (let i = 0; i < n; i++) if (labels[i] === NOT_RELEVANT) grad[i]! += Math.exp(logits[i]! - logZ) / positives;
  }
  return loss / positives;
}

/** InfoNCE with the given temperature (0.05 suits cosine scores). */
export function infoNceLoss(temperature = 0.05): RankingLoss {
  let logits = new Float64Array(0);
  return {
    name: 'infonce',
    needsTeacher: false,
    compute(list, grad) {
      if (logits.length < list.n) logits = new Float64Array(list.n);
      for (let i = 0; i < list.n; i++) logits[i] = list.scores[i]! / temperature;
      const loss = contrastPositives(list, logits, grad);
      for (let i = 0; i < list.n; i++) grad[i]! /= temperature;
      return loss;
    },
  };
}
