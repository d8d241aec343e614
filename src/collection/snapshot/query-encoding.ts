/**
 * Encoding a query spec's text with the models that run asynchronously
 * (transformers): before the synchronous pipeline runs, text on such fields becomes
 * what the field's encoder makes of it on the query side.
 */
import { loadAsyncFieldEncoder } from '../../encode/dense-text-encoder.js';
import { loadSparseFieldEncoder, loadTokenFieldEncoder, tokenRowsOf } from '../../encode/field-encoders.js';
import type { QuerySpec } from '../../search/query-spec.js';
import { isAsyncField } from '../document.js';
import type { CollectionSchema, MultiVectorFieldSpec } from '../schema.js';

/**
 * `spec` with text on fields whose encoder runs a model replaced by a vector (dense),
 * weights (sparse) or token rows (multi-vector), in retrieval legs and in a rerank
 * stage; a spec without such text is returned as it is.
 */
export async function encodeTextLegs(schema: CollectionSchema, spec: QuerySpec): Promise<QuerySpec> {
  const fields = schema.fields;
  const needs = (field: string, text: string | undefined): text is string => {
    const f = fields[field];
    return text !== undefined && f !== undefined && f.type !== 'text' && isAsyncField(f);
  };
  const encodeFor = async (
    field: string,
    text: string,
  ): Promise<{ vector?: number[]; sparse?: Record<string, number>; multivector?: number[][]; text: undefined }> => {
    const f = fields[field]!;
    if (f.type === 'dense') {
      const [v] = await (await loadAsyncFieldEncoder(field, f.encoder!, f.dim)).encodeQueries([text]);
      return { vector: Array.from(v!), text: undefined };
    }
    if (f.type === 'sparse') {
      const [w] = await (await loadSparseFieldEncoder(f.encoder!)).encodeQueries([text]);
      return { sparse: w!, text: undefined };
    }
    const mv = f as MultiVectorFieldSpec;
    const [t] = await (await loadTokenFieldEncoder(field, mv.encoder!, mv.dim)).encodeQueries([text]);
    return { multivector: tokenRowsOf(t!), text: undefined };
  };
  const rerank = spec.rerank;
  if (!spec.retrieve.some((l) => needs(l.field, l.text)) && (rerank === undefined || !needs(rerank.field, rerank.text))) return spec;
  const retrieve = await Promise.all(
    spec.retrieve.map(async (leg) => (needs(leg.field, leg.text) ? { ...leg, ...(await encodeFor(leg.field, leg.text)) } : leg)),
  );
  const out: QuerySpec = { ...spec, retrieve };
  if (rerank !== undefined && needs(rerank.field, rerank.text)) out.rerank = { ...rerank, ...(await encodeFor(rerank.field, rerank.text)) };
  return out;
}
