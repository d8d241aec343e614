/**
 * The training losses by name, as `quarry train --loss` and `trainRetriever`
 * select them; several may be summed, and z-loss added to any of them.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { aucLoss } from './auc-loss.js';
import { harmonicLoss } from './harmonic-loss.js';
import { infoNceLoss } from './infonce.js';
import { listwiseKlLoss } from './listwise-kl.js';
import { multiSimilarityLoss } from './multi-similarity.js';
import type { CandidateList, RankingLoss } from './ranking-loss.js';
import { addZLoss } from './z-loss.js';

/** What each selectable loss is, for help texts and docs. */
export const LOSSES = {
  infonce: 'softmax cross-entropy of each relevant candidate against the negatives (DPR, CPC)',
  auc: 'Mann-Whitney: logistic surrogate of the share of (relevant, negative) pairs ranked the wrong way',
  'multi-similarity': 'mined pairs weighted by soft-maxes around a base similarity (Wang et al. 2019)',
  harmonic: 'probabilities from distances to the power -h instead of exponentials (Baek et al. 2025)',
  'listwise-kl': "KL divergence from a teacher's softmax over the candidates to the student's (distillation)",
} as const;

/** A loss's name. */
export type LossName = keyof typeof LOSSES;

/** The loss names, in the order help texts list them. */
export const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/** How the losses are set up. */
export interface LossOptions {
  /** Softmax temperature of InfoNCE, AUC, listwise KL (student side) and z-loss (default 0.05). */
  temperature?: number;
  /** Temperature of the teacher's scores in listwise KL (default 1, BM25's scale). */
  teacherTemperature?: number;
  /** Exponent of the harmonic loss (default 16). */
  harmonicExponent?: number;
  /** Weight ζ of the z-loss added to the sum (default 0: none). */
  zLoss?: number;
}

/** Throws a BAD_ARGUMENT naming the unknown loss, with the list of known ones. */
export function checkLossNames(names: readonly string[], field = 'loss'): asserts names is LossName[] {
  if (names.length === 0) throw new QuarryError('BAD_ARGUMENT', 'no loss given', { field }, `choose from ${LOSS_NAMES.join(', ')}`);
  for (const name of names)
    if (!(LOSS_NAMES as readonly string[]).includes(name))
      throw new QuarryError(
        'BAD_ARGUMENT',
        `unknown loss "${name}"`,
        { field },
        `choose from ${LOSS_NAMES.join(', ')} (z-loss is set with its weight)`,
      );
}

/** One loss by name. */
export function lossByName(name: LossName, opts: LossOptions = {}): RankingLoss {
  const t = opts.temperature ?? 0.05;
  switch (name) {
    case 'infonce':
      return infoNceLoss(t);
    case 'auc':
      return aucLoss(t);
    case 'multi-similarity':
      return multiSimilarityLoss();
    case 'harmonic':
      return harmonicLoss(opts.harmonicExponent ?? 16);
    case 'listwise-kl':
      return listwiseKlLoss(t, opts.teacherTemperature ?? 1);
  }
}

/** The sum of the named losses, plus z-loss when its weight is above 0. */
export function trainingLoss(names: readonly string[], opts: LossOptions = {}): RankingLoss {
  checkLossNames(names);
  const parts = names.map((n) => lossByName(n, opts));
  const zWeight = opts.zLoss ?? 0;
  const t = opts.temperature ?? 0.05;
  if (parts.length === 1 && zWeight === 0) return parts[0]!;
  let partGrad = new Float64Array(0);
  return {
    name: names.join('+') + (zWeight > 0 ? '+z-loss' : ''),
    needsTeacher: parts.some((p) => p.needsTeacher),
    compute(list: CandidateList, grad: Float64Array): number {
      if (partGrad.length < list.n) partGrad = new Float64Array(list.n);
      grad.fill(0, 0, list.n);
      let loss = 0;
      for (const p of parts) {
        loss += p.compute(list, partGrad);
        for (let i = 0; i < list.n; i++) grad[i]! += partGrad[i]!;
      }
      if (zWeight > 0) loss += addZLoss(list, zWeight, t, grad);
      return loss;
    },
  };
}
