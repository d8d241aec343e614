/**
 * Z-loss (Chowdhery et al., "PaLM", 2022, §5): a penalty ζ·(log Z)² on the
 * log-partition of the softmax over the candidate scores (over a
 * temperature), added to another loss so the logits' scale stays anchored.
 */
import { IGNORED, type CandidateList } from './ranking-loss.js';

/** Adds ζ·(log Σ e^{s/τ})² over the non-ignored candidates to `grad`; returns the penalty. */
export function addZLoss(list: CandidateList, weight: number, temperature: number, grad: Float64Array): number {
  const { n, scores, labels } = list;
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (labels[i] !== IGNORED) m = Math.max(m, scores[i]! / temperature);
  if (m === -Infinity) return 0;
  let z = 0;
  for (let i = 0; i < n; i++) if (labels[i] !== IGNORED) z += Math.exp(scores[i]! / temperature - m);
  const logZ = m + Math.log(z);
  const scale = (2 * weight * logZ) / temperature;
  for (let i = 0; i < n; i++) if (labels[i] !== IGNORED) grad[i]! += (scale * Math.exp(scores[i]! / temperature - m)) / z;
  return weight * logZ * logZ;
}
