/**
 * Graded-relevance measures of trec_eval 9.0.8: nDCG (Järvelin & Kekäläinen,
 * TOIS 2002, with discount log2(rank + 1)), nDCG at cutoffs, nDCG averaged at
 * relevant documents and at R levels, and the experimental G measure.
 * Gains default to the relevance level; `level=gain` parameters override them.
 */
import type { RankedJudgments } from '../ranked-judgments.js';
import type { GainParam, MeasureDef, MeasureParams } from './measure-def.js';

interface GainLevel {
  level: number;
  gain: number;
  count: number;
}

/** Gain levels sorted by increasing gain, with the number of judged documents at each. */
class GainTable {
  readonly levels: GainLevel[];

  constructor(rr: RankedJudgments, params: readonly GainParam[], asFloat: boolean) {
    const levels: GainLevel[] = params.map((p) => ({ level: p.level, gain: asFloat ? Math.fround(p.gain) : p.gain, count: 0 }));
    for (let r = 0; r < rr.numRelLevels; r++) {
      const found = levels.find((l) => l.level === r);
      if (found !== undefined) found.count = rr.relLevels[r]!;
      else levels.push({ level: r, gain: r, count: rr.relLevels[r]! });
    }
    levels.sort((a, b) => a.gain - b.gain);
    this.levels = levels;
  }

  gainOf(rel: number): number {
    for (const l of this.levels) if (l.level === rel) return l.gain;
    return 0;
  }
}

/**
 * Walks the ideal ranking: judged documents from the highest gain level down.
 * `step()` moves to the next rank; `gain` is the ideal gain at that rank.
 */
class IdealCursor {
  private cur: number;
  private atLevel = 0;
  gain: number;

  constructor(private readonly table: GainTable) {
    this.cur = table.levels.length - 1;
    this.gain = this.cur >= 0 ? table.levels[this.cur]!.gain : 0;
  }

  step(): void {
    this.atLevel++;
    const levels = this.table.levels;
    while (this.cur >= 0 && this.atLevel > levels[this.cur]!.count) {
      this.atLevel = 1;
      this.cur--;
      this.gain = this.cur >= 0 ? levels[this.cur]!.gain : 0;
    }
  }
}

const discount = (i: number): number => Math.log2(i + 2);

function ndcgOf(rr: RankedJudgments, gains: readonly GainParam[]): number {
  const table = new GainTable(rr, gains, true);
  const ideal = new IdealCursor(table);
  let dcg = 0;
  let idcg = 0;
  let i = 0;
  for (; i < rr.numRet && ideal.gain > 0; i++) {
    const g = table.gainOf(rr.rels[i]!);
    if (g !== 0) dcg += g / discount(i);
    ideal.step();
    if (ideal.gain > 0) idcg += ideal.gain / discount(i);
  }
  for (; i < rr.numRet; i++) {
    const g = table.gainOf(rr.rels[i]!);
    if (g !== 0) dcg += g / discount(i);
  }
  for (; ideal.gain > 0; i++) {
    ideal.step();
    if (ideal.gain > 0) idcg += ideal.gain / discount(i);
  }
  return idcg > 0 ? dcg / idcg : 0;
}

/** trec_eval's `ndcg` measure. */
export const ndcg: MeasureDef = {
  name: 'ndcg',
  description: 'nDCG over the whole ranking; parameters level=gain override gains',
  valueType: 'float',
  average: 'mean',
  paramKind: 'gains',
  defaults: [],
  compute: (rr, p) => [ndcgOf(rr, p.gains)],
};

/** trec_eval's `ndcg_cut` measure. */
export const ndcgCut: MeasureDef = {
  name: 'ndcg_cut',
  description: 'nDCG over the first k documents',
  valueType: 'float',
  average: 'mean',
  paramKind: 'cutLong',
  defaults: [5, 10, 15, 20, 30, 100, 200, 500, 1000],
  compute: (rr, p: MeasureParams) => {
    const table = new GainTable(rr, [], false);
    const out: number[] = [];
    for (const k of p.values) {
      let dcg = 0;
      const end = Math.min(k, rr.numRet);
      for (let i = 0; i < end; i++) {
        const g = table.gainOf(rr.rels[i]!);
        if (g !== 0) dcg += g / discount(i);
      }
      const ideal = new IdealCursor(table);
      let idcg = 0;
      for (let i = 0; i < k; i++) {
        ideal.step();
        if (ideal.gain <= 0) break;
        idcg += ideal.gain / discount(i);
      }
      out.push(idcg > 0 ? dcg / idcg : 0);
    }
    return out;
  },
};

/** trec_eval's `ndcg_rel` measure. */
export const ndcgRel: MeasureDef = {
  name: 'ndcg_rel',
  description: 'nDCG averaged over the ranks of relevant documents',
  valueType: 'float',
  average: 'mean',
  paramKind: 'gains',
  defaults: [],
  compute: (rr, p) => {
    const table = new GainTable(rr, p.gains, false);
    const ideal = new IdealCursor(table);
    let dcg = 0;
    let idcg = 0;
    let sum = 0;
    let numRelRet = 0;
    let numRel = 0;
    let i = 0;
    for (; i < rr.numRet && ideal.gain > 0; i++) {
      const g = table.gainOf(rr.rels[i]!);
      if (g !== 0) dcg += g / discount(i);
      ideal.step();
      if (ideal.gain > 0) {
        numRel++;
        idcg += ideal.gain / discount(i);
      }
      if (g > 0) {
        sum += dcg / idcg;
        numRelRet++;
      }
    }
    for (; i < rr.numRet; i++) {
      const g = table.gainOf(rr.rels[i]!);
      if (g !== 0) dcg += g / discount(i);
      if (g > 0) {
        sum += dcg / idcg;
        numRelRet++;
      }
    }
    for (; ideal.gain > 0; i++) {
      ideal.step();
      if (ideal.gain > 0) {
        numRel++;
        idcg += ideal.gain / discount(i);
      }
    }
    sum += ((numRel - numRelRet) * dcg) / idcg;
    return [sum > 0 ? sum / numRel : 0];
  },
};

/** trec_eval's `Rndcg` measure. */
export const rndcg: MeasureDef = {
  name: 'Rndcg',
  description: 'nDCG averaged at the R levels of each gain level',
  valueType: 'float',
  average: 'mean',
  paramKind: 'gains',
  defaults: [],
  compute: (rr, p) => {
    const table = new GainTable(rr, p.gains, false);
    if (rr.numRel === 0) return [0];
    const ideal = new IdealCursor(table);
    let prevIdealGain = ideal.gain;
    let dcg = 0;
    let idcg = 0;
    let sum = 0;
    let changes = 0;
    let i = 0;
    const boundary = (): void => {
      if (prevIdealGain !== ideal.gain) {
        if (idcg > 0) {
          sum += dcg / idcg;
          changes++;
        }
        prevIdealGain = ideal.gain;
      }
    };
    for (; i < rr.numRet && ideal.gain > 0; i++) {
      const g = table.gainOf(rr.rels[i]!);
      ideal.step();
      boundary();
      if (g !== 0) dcg += g / discount(i);
      if (ideal.gain > 0) idcg += ideal.gain / discount(i);
    }
    if (i < rr.numRet) {
      for (; i < rr.numRet; i++) {
        const g = table.gainOf(rr.rels[i]!);
        if (g !== 0) dcg += g / discount(i);
      }
      if (idcg > 0) {
        sum += dcg / idcg;
        changes++;
      }
    }
    for (; ideal.gain > 0; i++) {
      ideal.step();
      boundary();
      if (ideal.gain > 0) idcg += ideal.gain / discount(i);
    }
    return [changes > 0 ? sum / changes : 0];
  },
};

/** trec_eval's `G` measure. */
export const gMeasure: MeasureDef = {
  name: 'G',
  description: 'Experimental gain measure combining MAP and nDCG (trec_eval G)',
  valueType: 'float',
  average: 'mean',
  paramKind: 'gains',
  defaults: [],
  compute: (rr, p) => {
    const table = new GainTable(rr, p.gains, false);
    const ideal = new IdealCursor(table);
    const minCost = 1;
    let g = 0;
    let sumResults = 0;
    let sumIdeal = 0;
    let sumCost = 0;
    let i = 0;
    for (; i < rr.numRet && ideal.gain > 0; i++) {
      const rg = table.gainOf(rr.rels[i]!);
      sumResults += rg;
      ideal.step();
      if (ideal.gain > 0) sumIdeal += ideal.gain;
      sumCost += ideal.gain >= minCost ? ideal.gain : minCost;
      if (rg !== 0) g += rg / Math.log2(2 + sumCost - sumResults);
    }
    for (; i < rr.numRet; i++) {
      const rg = table.gainOf(rr.rels[i]!);
      sumResults += rg;
      sumCost += minCost;
      if (rg !== 0) g += rg / Math.log2(2 + sumCost - sumResults);
    }
    while (ideal.gain > 0) {
      ideal.step();
      if (ideal.gain > 0) sumIdeal += ideal.gain;
    }
    return [sumIdeal > 0 ? g / sumIdeal : 0];
  },
};
