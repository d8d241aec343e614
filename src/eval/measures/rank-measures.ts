/**
 * Rank-based binary-relevance measures of trec_eval 9.0.8: average precision,
 * precision/recall at cutoffs, R-precision, reciprocal rank, interpolated
 * precision at recall points.
 */
import type { RankedJudgments } from '../ranked-judgments.js';
import { relevantInTop, type MeasureDef } from './measure-def.js';

const CUTOFFS = [5, 10, 15, 20, 30, 100, 200, 500, 1000];
const RECALL_POINTS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

function averagePrecision(rr: RankedJudgments, depth: number, level: number): number {
  if (rr.numRel === 0) return 0;
  const end = Math.min(depth, rr.numRet);
  let sum = 0;
  let rel = 0;
  for (let i = 0; i < end; i++) {
    if (rr.rels[i]! >= level) {
      rel++;
      sum += rel / (i + 1);
    }
  }
  return sum / rr.numRel;
}

/** trec_eval's `map` measure. */
export const map: MeasureDef = {
  name: 'map',
  description: 'Mean average precision',
  valueType: 'float',
  average: 'mean',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => [averagePrecision(rr, rr.numRet, ctx.relevanceLevel)],
};
/** trec_eval's `gm_map` measure. */
export const gmMap: MeasureDef = {
  name: 'gm_map',
  description: 'Geometric mean of average precision (values floored at 1e-5)',
  valueType: 'float',
  average: 'geometric',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => [averagePrecision(rr, rr.numRet, ctx.relevanceLevel)],
};
/** trec_eval's `map_cut` measure. */
export const mapCut: MeasureDef = {
  name: 'map_cut',
  description: 'Average precision over the first k documents',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: CUTOFFS,
  compute: (rr, p, ctx) => p.values.map((k) => averagePrecision(rr, k, ctx.relevanceLevel)),
};
/** trec_eval's `Rprec` measure. */
export const rprec: MeasureDef = {
  name: 'Rprec',
  description: 'Precision after R documents, R = number of relevant',
  valueType: 'float',
  average: 'mean',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => [rr.numRel > 0 ? relevantInTop(rr, rr.numRel, ctx.relevanceLevel) / rr.numRel : 0],
};
/** trec_eval's `recip_rank` measure. */
export const recipRank: MeasureDef = {
  name: 'recip_rank',
  description: 'Reciprocal rank of the first relevant document',
  valueType: 'float',
  average: 'mean',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => {
    for (let i = 0; i < rr.numRet; i++) if (rr.rels[i]! >= ctx.relevanceLevel) return [1 / (i + 1)];
    return [0];
  },
};
/** trec_eval's `P` measure. */
export const precision: MeasureDef = {
  name: 'P',
  description: 'Precision at k',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: CUTOFFS,
  compute: (rr, p, ctx) => p.values.map((k) => relevantInTop(rr, k, ctx.relevanceLevel) / k),
};
/** trec_eval's `recall` measure. */
export const recall: MeasureDef = {
  name: 'recall',
  description: 'Recall at k',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: CUTOFFS,
  compute: (rr, p, ctx) => p.values.map((k) => (rr.numRel > 0 ? relevantInTop(rr, k, ctx.relevanceLevel) / rr.numRel : 0)),
};
/** trec_eval's `relative_P` measure. */
export const relativeP: MeasureDef = {
  name: 'relative_P',
  description: 'Precision at k divided by the best possible precision at k',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: CUTOFFS,
  compute: (rr, p, ctx) =>
    p.values.map((k) => {
      const d = Math.min(k, rr.numRel);
      return d > 0 ? relevantInTop(rr, k, ctx.relevanceLevel) / d : 0;
    }),
};
/** trec_eval's `success` measure. */
export const success: MeasureDef = {
  name: 'success',
  description: '1 if a relevant document is in the top k',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: [1, 5, 10],
  compute: (rr, p, ctx) => p.values.map((k) => (relevantInTop(rr, k, ctx.relevanceLevel) > 0 ? 1 : 0)),
};

/**
 * Interpolated precision at recall points (trec_eval 9.0.8 rounding: the
 * number of relevant documents for a point is floor(point * R + 0.9)).
 */
function interpolatedPrecision(rr: RankedJudgments, points: readonly number[], level: number): number[] {
  const out = new Array<number>(points.length).fill(0);
  if (rr.numRet === 0) return out;
  const cut = points.map((p) => Math.trunc(p * rr.numRel + 0.9));
  let c = points.length - 1;
  while (c >= 0 && cut[c]! > rr.numRelRet) c--;
  let best = rr.numRelRet / rr.numRet;
  let relSoFar = rr.numRelRet;
  for (let i = rr.numRet; i > 0 && relSoFar > 0; i--) {
    const prec = relSoFar / i;
    if (best < prec) best = prec;
    if (rr.rels[i - 1]! >= level) {
      while (c >= 0 && relSoFar === cut[c]) out[c--] = best;
      relSoFar--;
    }
  }
  while (c >= 0) out[c--] = best;
  return out;
}

/** trec_eval's `iprec_at_recall` measure. */
export const iprecAtRecall: MeasureDef = {
  name: 'iprec_at_recall',
  description: 'Interpolated precision at recall points',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutDouble',
  defaults: RECALL_POINTS,
  compute: (rr, p, ctx) => interpolatedPrecision(rr, p.values, ctx.relevanceLevel),
};
/** trec_eval's `11pt_avg` measure. */
export const elevenPtAvg: MeasureDef = {
  name: '11pt_avg',
  description: 'Mean interpolated precision at the 11 recall points 0, 0.1, ..., 1',
  valueType: 'float',
  average: 'mean',
  paramKind: 'floats',
  defaults: RECALL_POINTS,
  compute: (rr, p, ctx) => {
    const v = interpolatedPrecision(rr, p.values, ctx.relevanceLevel);
    let s = 0;
    for (const x of v) s += x;
    return [v.length > 0 ? s / v.length : 0];
  },
};

/** trec_eval's `Rprec_mult` measure. */
export const rprecMult: MeasureDef = {
  name: 'Rprec_mult',
  description: 'Precision at multiples of R',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutDouble',
  defaults: [0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8, 2],
  compute: (rr, p, ctx) => {
    const out = new Array<number>(p.values.length).fill(0);
    const cut = p.values.map((m) => Math.trunc(m * rr.numRel + 0.9));
    let c = cut.length - 1;
    while (c >= 0 && cut[c]! > rr.numRet) {
      out[c] = cut[c]! > 0 ? rr.numRelRet / cut[c]! : 0;
      c--;
    }
    let relSoFar = rr.numRelRet;
    for (let i = rr.numRet; i > 0 && relSoFar > 0; i--) {
      const prec = relSoFar / i;
      while (c >= 0 && i === cut[c]) out[c--] = prec;
      if (rr.rels[i - 1]! >= ctx.relevanceLevel) relSoFar--;
    }
    return out;
  },
};
