/**
 * Quarry's evaluation harness: reads qrels and TREC runs, computes every
 * trec_eval 9.0.8 measure with identical numbers, and compares systems with
 * paired significance tests. Depends only on `io/`.
 *
 * @example
 * import { readQrels, evaluateRunFile, formatTrecEval } from 'quarry/eval';
 * const report = evaluateRunFile(readQrels('qrels.txt'), 'run.trec', { measures: ['map', 'ndcg_cut.10'] });
 * process.stdout.write(formatTrecEval(report, false));
 */
export { readQrels, parseQrelsText, qrelsFromTriples, formatQrels, type Qrels, type QueryJudgments } from './qrels.js';
export { readRun, streamRun, parseRunLine, formatRunLines, type RunData, type QueryRun, type RunStreamInfo } from './run.js';
export { evaluateRun, evaluateRunFile, type EvalOptions, type EvalReport, type MeasureValue } from './evaluate.js';
export { formatTrecEval, formatValue, reportToJson } from './trec-format.js';
export { formatFixed } from './c-format.js';
export { MEASURES, MEASURE_GROUPS, resolveMeasures, type RequestedMeasure } from './measures/registry.js';
export type { MeasureDef, MeasureParams, GainParam } from './measures/measure-def.js';
export { rankJudgments, compareBytes, REL_NONPOOL, REL_UNJUDGED, type RankedJudgments, type RankingOptions } from './ranked-judgments.js';
export { pairedTTest, pairedRandomizationTest, holmAdjust, type TTestResult, type RandomizationResult } from './significance.js';
export { compareRuns, formatComparison, type CompareOptions, type Comparison, type CompareRow, type CompareCell } from './compare.js';
export { studentTwoSidedP, regularizedBeta } from './student-t.js';
export { readQueries, forEachBeirDocument, type BeirDocument } from '../io/beir.js';
