/** The query pipeline: spec, filters, fusion, execution. */
export { parseQuerySpec, fillQueryTemplate, querySpecSchema, type QuerySpec, type QuerySpecInput } from './query-spec.js';
export { evaluateWhere, validateWhere, whereSchema, type Where, type FilterColumns, type FieldKinds } from './where.js';
export { fuseRrf, fuseWeighted, fuseCombMnz, type LegResult, type Fused } from './fusion.js';
export { fuseRuns, type RunFusionOptions, type NamedRun } from './run-fusion.js';
export { tuneRunFusion, type FusionTuning, type FusionTuningOptions, type FusionTrial } from './run-fusion-tuning.js';
export { runQuery, type QuerySource, type PipelineHit, type PipelineResult, type LegHits } from './pipeline.js';
export { resolveRm3Params, rm3Expand, RM3_DEFAULTS, type Rm3Params, type FeedbackDoc } from './rm3.js';
export { highlight, queryTermSet, type HighlightFragment, type HighlightOptions } from './highlight.js';
