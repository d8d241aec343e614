/**
 * The shape every retrieval training loss shares: one query's candidate list
 * (its scores, which candidates are relevant, optionally a teacher's scores)
 * in, the loss and its gradient with respect to each score out.
 */

/** A candidate's label: relevant, not relevant, or left out of the loss (a suspected false negative). */
export const RELEVANT = 1;
/** Label of a candidate the loss treats as a negative. */
export const NOT_RELEVANT = 0;
/** Label of a candidate the loss ignores, e.g. a hard negative the teacher scores as relevant. */
export const IGNORED = -1;

/** One query's candidates: `n` scores (cosine similarities for trained encoders) with labels and, for distillation, teacher scores. */
export interface CandidateList {
  readonly n: number;
  readonly scores: Float64Array;
  /** RELEVANT, NOT_RELEVANT or IGNORED per candidate. */
  readonly labels: Int8Array;
  /** A stronger ranker's scores of the same candidates (null when none is given). */
  readonly teacher: Float64Array | null;
}

/** A loss over a query's candidate list. */
export interface RankingLoss {
  /** The name it is selected by (`infonce`, `auc`, ...). */
  readonly name: string;
  /** True when it reads `teacher` (listwise distillation). */
  readonly needsTeacher: boolean;
  /**
   * The loss of `list`; writes dLoss/dScore of candidate i into `grad[i]`
   * (every entry in 0..n-1 is written, ignored ones with 0). A list without a
   * relevant candidate (or, for distillation, without a teacher) has loss 0.
   */
  compute(list: CandidateList, grad: Float64Array): number;
}

/** log(1 + e^x) without overflow. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1 / (1 + e^-x). */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
