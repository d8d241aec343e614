/** Types shared by every trec_eval measure implementation. */
import type { RankedJudgments } from '../ranked-judgments.js';
import type { Qrels } from '../qrels.js';

/** Evaluation-wide settings a measure may read. */
export interface MeasureContext {
  /** Minimum relevance level counted as relevant (trec_eval -l). */
  relevanceLevel: number;
  /** Collection size, used only by utility's fourth coefficient (trec_eval -N). */
  numDocsInColl: number;
}

/** A `level=gain` pair for the gain-based measures (ndcg, G, ...). */
export interface GainParam {
  level: number;
  gain: number;
}

/**
 * How a measure's parameters are written after the dot in `-m name.params`:
 * `cutLong` (5,10,...), `cutDouble` (.1,.2), `gains` (1=3,2=9), `floats`
 * (2,-1,0,0) or `none`.
 */
export type ParamKind = 'none' | 'cutLong' | 'cutDouble' | 'gains' | 'floats';

/** How the per-query values are combined into the `all` line. */
export type AverageKind = 'mean' | 'sum' | 'geometric' | 'none' | 'count' | 'runid';

/** Parsed parameters of one requested measure. */
export interface MeasureParams {
  /** Cutoffs or float parameters, ascending for cut kinds. */
  values: number[];
  /** Gain pairs, for `gains` measures. */
  gains: GainParam[];
  /** The parameter text as the user wrote it, or null for defaults. */
  raw: string | null;
}

/** One measure of trec_eval (or Quarry's `judged`). */
export interface MeasureDef {
  name: string;
  /** One-line description for `--help` and docs. */
  description: string;
  valueType: 'long' | 'float' | 'string';
  average: AverageKind;
  paramKind: ParamKind;
  /** Default parameter values (cutoffs or floats). */
  defaults: readonly number[];
  /** Computes one value per output name (or a string for relstring). */
  compute(rr: RankedJudgments, params: MeasureParams, ctx: MeasureContext): number[] | string;
  /**
   * The summary with `-c` (every judged query counted), when trec_eval computes it from the
   * judgments rather than from the per-query values (only `num_rel` does).
   */
  completeSummary?: (qrels: Qrels) => number;
}

/** Number of relevant documents in the first `k` ranks. */
export function relevantInTop(rr: RankedJudgments, k: number, level: number): number {
  const end = Math.min(k, rr.numRet);
  let c = 0;
  for (let i = 0; i < end; i++) if (rr.rels[i]! >= level) c++;
  return c;
}
