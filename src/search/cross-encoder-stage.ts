/**
 * The query pipeline's cross-encoder stage (monoBERT-style reranking, Nogueira &
 * Cho 2019): the first `depth` results of the fused (and otherwise reranked)
 * ranking are paired with the query text, scored by a cross-encoder the schema
 * names, and reordered by that score; the rest keep their first-stage order.
 */
import type { RerankerSpec } from '../encode/reranker-spec.js';
import { TransformerCrossEncoder } from '../encode/transformer-cross-encoder.js';
import type { PipelineResult } from './pipeline.js';

const loaded = new Map<string, Promise<TransformerCrossEncoder>>();

/** The cross-encoder of a reranker spec, loaded once per process and settings. */
function crossEncoderFor(spec: RerankerSpec): Promise<TransformerCrossEncoder> {
  const key = JSON.stringify([spec.path, spec.maxLength, spec.batchSize, spec.activation, spec.dtype]);
  let model = loaded.get(key);
  if (model === undefined) {
    model = TransformerCrossEncoder.load(spec.path, {
      batchSize: spec.batchSize,
      activation: spec.activation,
      dtype: spec.dtype,
      ...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {}),
    });
    loaded.set(key, model);
    model.catch(() => loaded.delete(key)); // a failed load is retried next time
  }
  return model;
}

/** Document text a reranker reads from a hit's stored properties. */
function documentText(stored: Record<string, unknown> | undefined, from: readonly string[]): string {
  return from
    .map((p) => stored?.[p])
    .filter((v) => v !== undefined && v !== null)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .join('\n');
}

/**
 * Reranks the first `depth` hits of `first` (a result with stored properties and
 * offset 0) by the cross-encoder and returns the page [offset, offset + k).
 */
export async function rerankWithCrossEncoder(
  first: PipelineResult,
  stage: { text: string; depth: number },
  spec: RerankerSpec,
  k: number,
  offset: number,
  includeStored: boolean,
): Promise<PipelineResult> {
  const model = await crossEncoderFor(spec);
  const head = first.hits.slice(0, stage.depth);
  const scores = await model.score(
    stage.text,
    head.map((h) => documentText(h.stored, spec.from)),
  );
  const order = head.map((h, i) => ({ h, s: scores[i]!, i }));
  // ties keep the first-stage order
  order.sort((a, b) => b.s - a.s || a.i - b.i);
  const reranked = order.map(({ h, s }) => ({ ...h, score: s, crossEncoder: s }));
  const hits = [...reranked, ...first.hits.slice(stage.depth)].slice(offset, offset + k);
  if (!includeStored) for (const h of hits) delete h.stored;
  return { ...first, hits, crossEncoded: head.length };
}
