/**
 * Multi-Similarity loss (Wang et al., "Multi-Similarity Loss with General
 * Pair Weighting for Deep Metric Learning", CVPR 2019): pairs are first mined
 * (a negative is kept when it scores above the weakest relevant candidate
 * minus a margin, a relevant one when it scores below the strongest negative
 * plus the margin), then weighted by soft-maxes of their similarities around
 * a base: (1/α) log(1 + Σ e^{-α(s_p - λ)}) + (1/β) log(1 + Σ e^{β(s_n - λ)}).
 */
import { NOT_RELEVANT, RELEVANT, type RankingLoss } from './ranking-loss.js';

/** Multi-Similarity's parameters (the paper's defaults for cosine similarities). */
export interface MultiSimilarityOptions {
  /** Weight of relevant pairs (α, default 2). */
  alpha?: number;
  /** Weight of negative pairs (β, default 50). */
  beta?: number;
  /** The similarity pairs are measured from (λ, default 0.5). */
  base?: number;
  /** The mining margin (ε, default 0.1). */
  margin?: number;
}

/** log(1 + Σ_i e^{x_i}) over the selected x, stably; `weights` receive softmax weights (with the 1 as an extra term). */
function log1pSumExp(xs: Float64Array, count: number, weights: Float64Array): number {
  let m = 0;
  for (let i = 0; i < count; i++) if (xs[i]! > m) m = xs[i]!;
  let z = Math.exp(-m);
  for (let i = 0; i < count; i++) z += Math.exp(xs[i]! - m);
  for (let i = 0; i < count; i++) weights[i] = Math.exp(xs[i]! - m) / z;
  return m + Math.log(z);
}

/** The Multi-Similarity loss. */
export function multiSimilarityLoss(opts: MultiSimilarityOptions = {}): RankingLoss {
  const alpha = opts.alpha ?? 2;
  const beta = opts.beta ?? 50;
  const base = opts.base ?? 0.5;
  const margin = opts.margin ?? 0.1;
  let xs = new Float64Array(0);
  let ws = new Float64Array(0);
  let at = new Int32Array(0);
  return {
    name: 'multi-similarity',
    needsTeacher: false,
    compute({ n, scores, labels }, grad) {
      grad.fill(0, 0, n);
      if (xs.length < n) {
        xs = new Float64Array(n);
        ws = new Float64Array(n);
        at = new Int32Array(n);
      }
      let minPos = Infinity;
      let maxNeg = -Infinity;
      for (let i = 0; i < n; i++) {
        if (labels[i] === RELEVANT) minPos = Math.min(minPos, scores[i]!);
        else if (labels[i] === NOT_RELEVANT) maxNeg = Math.max(maxNeg, scores[i]!);
      }
      if (minPos === Infinity || maxNeg === -Infinity) return 0;
      let loss = 0;
      let c = 0;
      for (let i = 0; i < n; i++)
        if (labels[i] === RELEVANT && scores[i]! - margin < maxNeg) {
          at[c] = i;
          xs[c++] = -alpha * (scores[i]! - base);
        }
      if (c > 0) {
        loss += log1pSumExp(xs, c, ws) / alpha;
        for (let k = 0; k < c; k++) grad[at[k]!]! -= ws[k]!;
      }
      c = 0;
      for (let i = 0; i < n; i++)
        if (labels[i] === NOT_RELEVANT && scores[i]! + margin > minPos) {
          at[c] = i;
          xs[c++] = beta * (scores[i]! - base);
        }
      if (c > 0) {
        loss += log1pSumExp(xs, c, ws) / beta;
        for (let k = 0; k < c; k++) grad[at[k]!]! += ws[k]!;
      }
      return loss;
    },
  };
}
