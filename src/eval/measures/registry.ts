/**
 * The measure table in trec_eval's order, measure groups (`official`,
 * `all_trec`) and parsing of `-m name[.params]` requests.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { formatFixed } from '../c-format.js';
import { gMeasure, ndcg, ndcgCut, ndcgRel, rndcg } from './gain-measures.js';
import type { GainParam, MeasureDef, MeasureParams } from './measure-def.js';
import { binG, bpref, gmBpref, infAP } from './preference-measures.js';
import {
  elevenPtAvg,
  gmMap,
  iprecAtRecall,
  map,
  mapCut,
  precision,
  recall,
  recipRank,
  relativeP,
  rprec,
  rprecMult,
  success,
} from './rank-measures.js';
import {
  judged,
  numNonrelJudgedRet,
  numRel,
  numRelRet,
  numRet,
  relstring,
  setF,
  setMap,
  setP,
  setRecall,
  setRelativeP,
  utility,
} from './set-measures.js';

const runid: MeasureDef = {
  name: 'runid',
  description: 'Tag of the run (sixth column of its first line)',
  valueType: 'string',
  average: 'runid',
  paramKind: 'none',
  defaults: [],
  compute: () => [],
};
const numQ: MeasureDef = {
  name: 'num_q',
  description: 'Number of queries evaluated',
  valueType: 'long',
  average: 'count',
  paramKind: 'none',
  defaults: [],
  compute: () => [],
};

/** Every measure, in the order trec_eval 9.0.8 prints them. */
export const MEASURES: readonly MeasureDef[] = [
  runid,
  numQ,
  numRet,
  numRel,
  numRelRet,
  map,
  gmMap,
  rprec,
  bpref,
  recipRank,
  iprecAtRecall,
  precision,
  relstring,
  recall,
  infAP,
  gmBpref,
  rprecMult,
  utility,
  elevenPtAvg,
  binG,
  gMeasure,
  ndcg,
  ndcgRel,
  rndcg,
  ndcgCut,
  mapCut,
  relativeP,
  success,
  setP,
  setRelativeP,
  setRecall,
  setMap,
  setF,
  numNonrelJudgedRet,
  judged,
];

const BY_NAME = new Map(MEASURES.map((m) => [m.name, m]));

/** Named groups of measures, as trec_eval's `-m official` and `-m all_trec`. */
export const MEASURE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  official: [
    'runid',
    'num_q',
    'num_ret',
    'num_rel',
    'num_rel_ret',
    'map',
    'gm_map',
    'Rprec',
    'bpref',
    'recip_rank',
    'iprec_at_recall',
    'P',
  ],
  all_trec: MEASURES.map((m) => m.name).filter((n) => n !== 'judged'),
  set: ['num_q', 'num_ret', 'num_rel', 'num_rel_ret', 'set_P', 'set_recall', 'set_relative_P', 'set_map', 'set_F', 'utility'],
};

/** A measure with its parameters, ready to compute. */
export interface RequestedMeasure {
  def: MeasureDef;
  params: MeasureParams;
  /** Output names, one per value (e.g. P_5, P_10). */
  names: string[];
}

/**
 * Turns `-m` requests (e.g. `["map", "P.5,10", "ndcg_cut.10", "all_trec"]`)
 * into measures in trec_eval's print order. Explicit parameters replace the
 * defaults; cutoffs given twice are merged.
 */
export function resolveMeasures(requests: readonly string[]): RequestedMeasure[] {
  const chosen = new Map<string, MeasureParams>();
  for (const req of requests.length > 0 ? requests : ['official']) {
    const group = MEASURE_GROUPS[req];
    if (group !== undefined) {
      for (const name of group) if (!chosen.has(name)) chosen.set(name, defaultParams(BY_NAME.get(name)!));
      continue;
    }
    const dot = req.indexOf('.');
    const name = dot < 0 ? req : req.slice(0, dot);
    const def = BY_NAME.get(name);
    if (def === undefined) {
      const likely = likelyMeasure(req);
      throw new QuarryError(
        'BAD_ARGUMENT',
        `unknown measure "${name}"${likely === null ? '' : `; trec_eval writes it ${likely}`}`,
        { field: '-m' },
        `known measures: ${MEASURES.map((m) => m.name).join(', ')}; groups: ${Object.keys(MEASURE_GROUPS).join(', ')}`,
      );
    }
    if (dot < 0) {
      if (!chosen.has(name)) chosen.set(name, defaultParams(def));
      continue;
    }
    const parsed = parseParams(def, req.slice(dot + 1), req);
    const prev = chosen.get(name);
    if (prev !== undefined && prev.raw !== null && (def.paramKind === 'cutLong' || def.paramKind === 'cutDouble')) {
      parsed.values = uniqueSorted([...prev.values, ...parsed.values]);
    }
    chosen.set(name, parsed);
  }
  const out: RequestedMeasure[] = [];
  for (const def of MEASURES) {
    const params = chosen.get(def.name);
    if (params !== undefined) out.push({ def, params, names: outputNames(def, params) });
  }
  return out;
}

function defaultParams(def: MeasureDef): MeasureParams {
  return { values: [...def.defaults], gains: [], raw: null };
}

function parseParams(def: MeasureDef, text: string, req: string): MeasureParams {
  const fail = (why: string): never => {
    throw new QuarryError('BAD_ARGUMENT', `measure "${req}": ${why}`, { field: '-m' });
  };
  if (def.paramKind === 'none') fail('takes no parameters');
  const parts = text.split(',');
  if (parts.some((p) => p.trim() === '')) fail('empty parameter');
  if (def.paramKind === 'gains') {
    const gains: GainParam[] = parts.map((p) => {
      const [lv, gv, extra] = p.split('=');
      const level = Number(lv);
      const gain = Number(gv);
      if (extra !== undefined || !Number.isInteger(level) || !Number.isFinite(gain)) fail(`"${p}" is not level=gain`);
      return { level, gain };
    });
    return { values: [], gains, raw: text };
  }
  const values = parts.map((p) => {
    const v = Number(p);
    if (!Number.isFinite(v)) fail(`"${p}" is not a number`);
    return v;
  });
  if (def.paramKind === 'cutLong') {
    const cuts = values.map((v) => Math.trunc(v));
    if (cuts.some((c) => c <= 0)) fail('cutoffs must be positive');
    return { values: uniqueSorted(cuts), gains: [], raw: text };
  }
  if (def.paramKind === 'cutDouble') {
    if (values.some((v) => v < 0)) fail('values must not be negative');
    return { values: uniqueSorted(values), gains: [], raw: text };
  }
  if (def.name === 'utility' && values.length !== 4) fail('needs exactly 4 coefficients');
  return { values, gains: [], raw: text };
}

function uniqueSorted(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

function outputNames(def: MeasureDef, params: MeasureParams): string[] {
  switch (def.paramKind) {
    case 'cutLong':
      return params.values.map((v) => `${def.name}_${v}`);
    case 'cutDouble':
      return params.values.map((v) => `${def.name}_${formatFixed(v, 2)}`);
    default:
      return [params.raw === null ? def.name : `${def.name}_${params.raw}`];
  }
}

/** trec_eval's spelling of a measure written the way papers write it ("ndcg@10", "P@5", "R@100", "MRR@10"), or null. */
function likelyMeasure(req: string): string | null {
  const m = /^([A-Za-z]+)@(\d+)$/.exec(req);
  if (m === null) return req.toLowerCase() === 'mrr' ? 'recip_rank' : null;
  const [, base, k] = m;
  const name = base!.toLowerCase();
  if (name === 'ndcg') return `ndcg_cut.${k}`;
  if (name === 'p' || name === 'precision') return `P.${k}`;
  if (name === 'r' || name === 'recall') return `recall.${k}`;
  if (name === 'map') return `map_cut.${k}`;
  if (name === 'mrr') return `recip_rank (with -M ${k})`;
  if (name === 'success') return `success.${k}`;
  return null;
}
