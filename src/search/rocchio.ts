/**
 * Rocchio pseudo-relevance feedback for vector queries (Rocchio, "Relevance
 * Feedback in Information Retrieval", 1971, without the negative term): the
 * new query is alpha × the query plus beta × the centroid of the top
 * feedback documents' vectors.
 */

/** Feedback settings. */
export interface RocchioParams {
  docs: number;
  alpha: number;
  beta: number;
}

/** Dense: alpha·q + beta·mean(rows). */
export function rocchioDense(query: Float32Array, rows: readonly Float32Array[], p: RocchioParams): Float32Array {
  const out = new Float32Array(query.length);
  for (let j = 0; j < query.length; j++) out[j] = p.alpha * query[j]!;
  if (rows.length === 0) return out;
  const w = p.beta / rows.length;
  for (const r of rows) for (let j = 0; j < out.length; j++) out[j]! += w * r[j]!;
  return out;
}

/** Sparse: alpha·q + beta·mean(vectors), over the union of tokens. */
export function rocchioSparse(
  query: ReadonlyMap<string, number>,
  docs: readonly ReadonlyMap<string, number>[],
  p: RocchioParams,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [t, w] of query) out.set(t, p.alpha * w);
  if (docs.length === 0) return out;
  const scale = p.beta / docs.length;
  for (const d of docs) for (const [t, w] of d) out.set(t, (out.get(t) ?? 0) + scale * w);
  return out;
}
