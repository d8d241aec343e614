/** Query vectors for a dense field from the CLI's `--queries` (vectors) or `--text-queries` (texts its encoder encodes). */
import { readVectorQueries } from '../batch/query-files.js';
import type { CollectionSchema, DenseFieldSpec } from '../collection/schema.js';
import { QuarryError } from '../core/quarry-error.js';
import { loadFieldEncoder } from '../encode/dense-text-encoder.js';
import { readQueries, readQueryTexts } from '../io/beir.js';

/** The dense field `field` of `schema`, or a usage error naming `--field`. */
export function denseFieldOf(schema: CollectionSchema, field: string): DenseFieldSpec {
  const spec = schema.fields[field];
  if (spec?.type !== 'dense')
    throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a dense field`, { field: '--field' }, 'quarry info DIR lists the fields');
  return spec;
}

/**
 * Reads the queries as rows of the field's dimension, with their ids: vectors from `queries`, or
 * texts from `textQueries` encoded with the field's encoder (`idsNeeded`: a file with query ids,
 * BEIR JSONL, TSV or TREC topics; otherwise also plain lines, numbered from 0).
 */
export function readDenseFieldQueries(
  field: string,
  spec: DenseFieldSpec,
  from: { queries?: string; textQueries?: string; format?: string },
  idsNeeded: boolean,
): { vectors: Float32Array; ids: string[] } {
  let ids: string[];
  let vectors: Float32Array;
  if (from.queries !== undefined) {
    const qs = readVectorQueries(from.queries, spec.dim, { format: from.format });
    vectors = new Float32Array(qs.length * spec.dim);
    qs.forEach((q, i) => vectors.set(q.vector, i * spec.dim));
    ids = qs.map((q) => q.qid);
  } else {
    if (spec.encoder === undefined)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${field}" has no encoder to turn texts into vectors`,
        { field: '--text-queries' },
        'give vectors with --queries',
      );
    const byId = idsNeeded
      ? readQueries(from.textQueries!)
      : new Map(readQueryTexts(from.textQueries!).map((t, i) => [String(i), t] as const));
    const encoder = loadFieldEncoder(field, spec.encoder, spec.dim);
    vectors = new Float32Array(byId.size * spec.dim);
    [...byId.values()].forEach((t, i) => vectors.set(encoder.encodeQuery(t), i * spec.dim));
    ids = [...byId.keys()];
  }
  if (ids.length === 0) throw new QuarryError('EMPTY', 'the queries file has no queries', { file: from.queries ?? from.textQueries });
  return { vectors, ids };
}
