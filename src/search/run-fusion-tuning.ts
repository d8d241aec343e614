/**
 * Choosing fusion weights on judged queries: every weight vector on a grid over
 * the simplex (weights ≥ 0 summing to 1, in steps of `step`) is fused and scored
 * with one trec_eval measure, and the best is kept. Tune on training queries and
 * apply the weights to test runs; tuning on the queries you report is overfitting.
 */
import { evaluateRun, type Qrels } from '../eval/index.js';
import { QuarryError } from '../core/quarry-error.js';
import { fuseRuns, type NamedRun, type RunFusionOptions } from './run-fusion.js';

/** How weights are searched: the fusion settings (weights aside), the measure, the grid. */
export interface FusionTuningOptions extends Omit<RunFusionOptions, 'weights'> {
  /** One trec_eval measure, e.g. "ndcg_cut.10" or "map". */
  measure: string;
  /** Grid step of each weight (default 0.1); 1 / step must be a whole number. */
  step?: number;
}

/** One weight vector tried and the measure's value with it. */
export interface FusionTrial {
  weights: number[];
  value: number;
}

/** The trials in grid order, the best one (the first of equals), and the measure's printed name. */
export interface FusionTuning {
  measure: string;
  trials: FusionTrial[];
  best: FusionTrial;
}

/** Grids larger than this are refused: each point is a fusion and an evaluation. */
const MAX_TRIALS = 5000;

/** Every way to split `units` among `parts` (non-negative integers), in lexicographic order. */
function compositions(units: number, parts: number): number[][] {
  if (parts === 1) return [[units]];
  const out: number[][] = [];
  for (let first = units; first >= 0; first--) for (const rest of compositions(units - first, parts - 1)) out.push([first, ...rest]);
  return out;
}

/** Number of weight vectors on the grid: C(units + parts - 1, parts - 1). */
function gridSize(units: number, parts: number): number {
  let c = 1;
  for (let i = 1; i < parts; i++) c = (c * (units + i)) / i;
  return Math.round(c);
}

/** Fuses the runs with every weight vector on the grid and scores each with `measure` against `qrels`. */
export function tuneRunFusion(runs: readonly NamedRun[], qrels: Qrels, opts: FusionTuningOptions): FusionTuning {
  const step = opts.step ?? 0.1;
  const units = Math.round(1 / step);
  if (!(step > 0 && step <= 1) || Math.abs(units * step - 1) > 1e-9)
    throw new QuarryError('BAD_ARGUMENT', `must divide 1 into whole steps, got ${step}`, { field: 'step' }, 'use 0.1, 0.05, 0.25, ...');
  if (runs.length < 2)
    throw new QuarryError('BAD_ARGUMENT', `tuning weights needs two or more runs, got ${runs.length}`, { field: 'runs' });
  const size = gridSize(units, runs.length);
  if (size > MAX_TRIALS)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `a step of ${step} over ${runs.length} runs is ${size} weight vectors, more than ${MAX_TRIALS}`,
      { field: 'step' },
      'use a larger step',
    );
  let measure: string | null = null;
  const trials: FusionTrial[] = [];
  for (const parts of compositions(units, runs.length)) {
    const weights = parts.map((p) => p / units);
    const report = evaluateRun(qrels, fuseRuns(runs, { ...opts, weights }), { measures: [opts.measure] });
    measure ??=
      report.names.find((n) => typeof report.all.get(n) === 'number' && !['num_q', 'num_ret', 'num_rel', 'num_rel_ret'].includes(n)) ??
      null;
    if (measure === null)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${opts.measure}" gives no averaged value to tune`,
        { field: 'measure' },
        'use a measure such as map or ndcg_cut.10',
      );
    trials.push({ weights, value: report.all.get(measure) as number });
  }
  const best = trials.reduce((a, b) => (b.value > a.value ? b : a));
  return { measure: measure!, trials, best };
}
