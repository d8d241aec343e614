/** Set-based measures of trec_eval: counts, set precision/recall/F, utility. */
import { REL_NONPOOL } from '../ranked-judgments.js';
import type { MeasureDef } from './measure-def.js';

const single = { valueType: 'float', average: 'mean', paramKind: 'none', defaults: [] } as const;
const count = { valueType: 'long', average: 'sum', paramKind: 'none', defaults: [] } as const;

/** trec_eval's `num_ret` measure. */
export const numRet: MeasureDef = { name: 'num_ret', description: 'Number of documents retrieved', ...count, compute: (rr) => [rr.numRet] };
/** trec_eval's `num_rel` measure. */
export const numRel: MeasureDef = {
  name: 'num_rel',
  description: 'Number of relevant documents judged',
  ...count,
  compute: (rr) => [rr.numRel],
  // trec_eval 9.0.8 (m_num_rel.c, te_calc_avg_num_rel): with -c the summary counts every
  // judgment above 0 in the qrels, whatever -l says; byte-identical output reproduces that
  completeSummary: (qrels) => {
    let n = 0;
    for (const judgments of qrels.values()) for (const rel of judgments.values()) if (rel > 0) n++;
    return n;
  },
};
/** trec_eval's `num_rel_ret` measure. */
export const numRelRet: MeasureDef = {
  name: 'num_rel_ret',
  description: 'Number of relevant documents retrieved',
  ...count,
  compute: (rr) => [rr.numRelRet],
};

/** trec_eval's `num_nonrel_judged_ret` measure. */
export const numNonrelJudgedRet: MeasureDef = {
  name: 'num_nonrel_judged_ret',
  description: 'Number of retrieved documents judged non-relevant',
  ...count,
  compute: (rr, _p, ctx) => {
    let c = 0;
    for (let i = 0; i < rr.numRet; i++) {
      const r = rr.rels[i]!;
      if (r >= 0 && r < ctx.relevanceLevel) c++;
    }
    return [c];
  },
};

/** trec_eval's `set_P` measure. */
export const setP: MeasureDef = {
  name: 'set_P',
  description: 'Precision of the whole retrieved set',
  ...single,
  compute: (rr) => [rr.numRet > 0 ? rr.numRelRet / rr.numRet : 0],
};
/** trec_eval's `set_relative_P` measure. */
export const setRelativeP: MeasureDef = {
  name: 'set_relative_P',
  description: 'Set precision relative to the best possible for the set size',
  ...single,
  compute: (rr) => {
    const d = Math.min(rr.numRet, rr.numRel);
    return [d > 0 ? rr.numRelRet / d : 0];
  },
};
/** trec_eval's `set_recall` measure. */
export const setRecall: MeasureDef = {
  name: 'set_recall',
  description: 'Recall of the whole retrieved set',
  ...single,
  compute: (rr) => [rr.numRel > 0 ? rr.numRelRet / rr.numRel : 0],
};
/** trec_eval's `set_map` measure. */
export const setMap: MeasureDef = {
  name: 'set_map',
  description: 'Set precision times set recall',
  ...single,
  compute: (rr) => [rr.numRet > 0 && rr.numRel > 0 ? (rr.numRelRet / rr.numRet) * (rr.numRelRet / rr.numRel) : 0],
};
/** trec_eval's `set_F` measure. */
export const setF: MeasureDef = {
  name: 'set_F',
  description: 'Set F-measure (x+1)PR/(xP+R), x = relative weight of recall (default 1)',
  valueType: 'float',
  average: 'mean',
  paramKind: 'floats',
  defaults: [1],
  compute: (rr, p) => {
    if (rr.numRet === 0 || rr.numRel === 0 || rr.numRelRet === 0) return [0];
    const x = Math.fround(p.values[0]!);
    const P = rr.numRelRet / rr.numRet;
    const R = rr.numRelRet / rr.numRel;
    return [((x + 1) * P * R) / (x * P + R)];
  },
};
/** trec_eval's `utility` measure. */
export const utility: MeasureDef = {
  name: 'utility',
  description: 'Utility a*relret + b*nonrelret + c*relnotret + d*nonrelnotret (default 1,-1,0,0)',
  valueType: 'float',
  average: 'mean',
  paramKind: 'floats',
  defaults: [1, -1, 0, 0],
  compute: (rr, p, ctx) => {
    const [a, b, c, d] = p.values.map((v) => Math.fround(v)) as [number, number, number, number];
    return [
      a * rr.numRelRet +
        b * (rr.numRet - rr.numRelRet) +
        c * (rr.numRel - rr.numRelRet) +
        d * (ctx.numDocsInColl + rr.numRelRet - rr.numRet - rr.numRel),
    ];
  },
};

/** Not a trec_eval 9.0.8 measure: fraction of the top k documents that have a judgment (label >= 0). */
export const judged: MeasureDef = {
  name: 'judged',
  description: 'Fraction of the top k retrieved documents that are judged (any label >= 0); denominator k, as in Pyserini',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: [10],
  compute: (rr, p) =>
    p.values.map((k) => {
      const end = Math.min(k, rr.numRet);
      let c = 0;
      for (let i = 0; i < end; i++) if (rr.rels[i]! >= 0) c++;
      return c / k;
    }),
};

/** Relevance labels of the first N documents as a string (per-query only). */
export const relstring: MeasureDef = {
  name: 'relstring',
  description: 'Relevance labels of the first N retrieved documents as a string (per query only)',
  valueType: 'string',
  average: 'none',
  paramKind: 'floats',
  defaults: [10],
  compute: (rr, p) => {
    const len = Math.max(0, Math.min(Math.trunc(p.values[0]!), rr.numRet));
    let s = '';
    for (let i = 0; i < len; i++) {
      const r = rr.rels[i]!;
      s += r > 9 ? '>' : r >= 0 ? String(r) : r === REL_NONPOOL ? '-' : '.';
    }
    return `'${s}'`;
  },
};
