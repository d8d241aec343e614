/**
 * Quarry: an embedded retrieval engine for TypeScript.
 *
 * @example
 * import { Collection, BEIR_FLAT_SCHEMA } from 'quarry';
 * const c = Collection.create('./idx', BEIR_FLAT_SCHEMA);
 * const w = c.writer();
 * w.add({ _id: '1', title: 'BM25', text: 'Okapi BM25 is a ranking function' });
 * w.commit();
 * w.close();
 * console.log(c.reader().search('ranking function'));
 */
export * from './collection/index.js';
export * from './core/quarry-error.js';
export { kernelBackend } from './kernels/wasm/kernel-module.js';
export { createAnalyzer, ANALYZER_PRESETS, type Analyzer, type AnalyzerConfig } from './text/index.js';
export type {
  QueryTerm,
  SearchMode,
  TextQuery,
  TermQueryNode,
  PhraseQueryNode,
  PrefixQueryNode,
  WildcardQueryNode,
  RegexpQueryNode,
  TermRangeQueryNode,
  AllDocsQueryNode,
  BooleanQueryNode,
} from './index/inverted/index.js';
export { parseQuerySyntax, type ClauseSyntax, type QuerySyntax } from './search/query-syntax.js';
export { parseQuerySpec, type QuerySpec, type QuerySpecInput } from './search/query-spec.js';
export type { PipelineResult, PipelineHit, LegHits } from './search/pipeline.js';
export type { Where } from './search/where.js';
export { describeTextQuery } from './search/text-query-compiler.js';
export { fuseRuns, type RunFusionOptions, type NamedRun } from './search/run-fusion.js';
export { tuneRunFusion, type FusionTuning, type FusionTuningOptions, type FusionTrial } from './search/run-fusion-tuning.js';
export * from './audit/index.js';
