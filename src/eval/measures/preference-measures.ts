/**
 * Measures built for incomplete judgments: bpref (Buckley & Voorhees, SIGIR
 * 2004), inferred AP (Yilmaz & Aslam, CIKM 2006) and binary G, as trec_eval
 * 9.0.8 computes them.
 */
import { REL_NONPOOL, REL_UNJUDGED, type RankedJudgments } from '../ranked-judgments.js';
import type { MeasureDef } from './measure-def.js';

const INFAP_EPSILON = 0.00001;

function bprefOf(rr: RankedJudgments, level: number): number {
  let numNonrel = 0;
  for (let r = 0; r < level && r < rr.relLevels.length; r++) numNonrel += rr.relLevels[r]!;
  let nonrel = 0;
  let sum = 0;
  for (let j = 0; j < rr.numRet; j++) {
    const r = rr.rels[j]!;
    if (r === REL_NONPOOL || r === REL_UNJUDGED) continue;
    if (r >= 0 && r < level) nonrel++;
    else sum += nonrel > 0 ? 1 - Math.min(nonrel, rr.numRel) / Math.min(numNonrel, rr.numRel) : 1;
  }
  return rr.numRel > 0 ? sum / rr.numRel : sum;
}

/** trec_eval's `bpref` measure. */
export const bpref: MeasureDef = {
  name: 'bpref',
  description: 'Binary preference: judged non-relevant ranked above each relevant',
  valueType: 'float',
  average: 'mean',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => [bprefOf(rr, ctx.relevanceLevel)],
};
/** trec_eval's `gm_bpref` measure. */
export const gmBpref: MeasureDef = {
  name: 'gm_bpref',
  description: 'Geometric mean of bpref (values floored at 1e-5)',
  valueType: 'float',
  average: 'geometric',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => [bprefOf(rr, ctx.relevanceLevel)],
};

/** trec_eval's `infAP` measure. */
export const infAP: MeasureDef = {
  name: 'infAP',
  description: 'Inferred average precision over a sampled judgment pool',
  valueType: 'float',
  average: 'mean',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => {
    let nonrel = 0;
    let rel = 0;
    let unjudged = 0;
    let ap = 0;
    for (let j = 0; j < rr.numRet; j++) {
      const r = rr.rels[j]!;
      if (r === REL_NONPOOL) continue;
      if (r === REL_UNJUDGED) {
        unjudged++;
        continue;
      }
      if (r >= 0 && r < ctx.relevanceLevel) {
        nonrel++;
        continue;
      }
      rel++;
      if (j === 0) ap += 1;
      else {
        const fj = j;
        ap +=
          1 / (fj + 1) +
          (fj / (fj + 1)) * ((rel - 1 + nonrel + unjudged) / fj) * ((rel - 1 + INFAP_EPSILON) / (rel - 1 + nonrel + 2 * INFAP_EPSILON));
      }
    }
    return [rr.numRel > 0 ? ap / rr.numRel : ap];
  },
};

/** trec_eval's `binG` measure. */
export const binG: MeasureDef = {
  name: 'binG',
  description: 'Binary G: mean over relevant documents of 1/log2(2 + non-relevant before it)',
  valueType: 'float',
  average: 'mean',
  paramKind: 'none',
  defaults: [],
  compute: (rr, _p, ctx) => {
    let rel = 0;
    let sum = 0;
    for (let i = 0; i < rr.numRet; i++) {
      if (rr.rels[i]! >= ctx.relevanceLevel) {
        rel++;
        sum += 1 / Math.log2(3 + i - rel);
      }
    }
    return [rel > 0 ? sum / rr.numRel : 0];
  },
};
