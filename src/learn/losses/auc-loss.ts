/**
 * The Mann-Whitney (AUC) loss: one minus the area under the ROC curve of a
 * query's candidate list is the share of (relevant, negative) pairs ranked
 * the wrong way, the Mann-Whitney U statistic; its smooth surrogate replaces
 * each pair's step by a logistic of the score difference over a temperature
 * (as in RankNet, Burges et al., ICML 2005), averaged over all pairs.
 */
import { NOT_RELEVANT, RELEVANT, sigmoid, softplus, type RankingLoss } from './ranking-loss.js';

/** The pairwise AUC surrogate with the given temperature. */
export function aucLoss(temperature = 0.05): RankingLoss {
  return {
    name: 'auc',
    needsTeacher: false,
    compute({ n, scores, labels }, grad) {
      grad.fill(0, 0, n);
      let pos = 0;
      let neg = 0;
      for (let i = 0; i < n; i++) {
        if (labels[i] === RELEVANT) pos++;
        else if (labels[i] === NOT_RELEVANT) neg++;
      }
      if (pos === 0 || neg === 0) return 0;
      const pairs = pos * neg;
      let loss = 0;
      for (let p = 0; p < n; p++) {
        if (labels[p] !== RELEVANT) continue;
        for (let j = 0; j < n; j++) {
          if (labels[j] !== NOT_RELEVANT) continue;
          const x = (scores[j]! - scores[p]!) / temperature;
          loss += softplus(x);
          const g = sigmoid(x) / temperature / pairs;
          grad[j]! += g;
          grad[p]! -= g;
        }
      }
      return loss / pairs;
    },
  };
}
