/**
 * Dense query files for `quarry run --vector-queries`: JSONL with one query
 * per line (`{"id" | "_id" | "qid": ..., "vector": [...]}`, Anserini's
 * dense topic format among them) or a vector matrix file (one query per row,
 * ids from a file or the row numbers).
 */
import { forEachJsonObject } from '../../io/jsonl.js';
import { QuarryError } from '../../io/quarry-error.js';
import { parseJsonVector } from '../../io/vector-files.js';
import { readIdsFile, readVectorMatrix } from './vector-import.js';

/** One dense query. */
export interface VectorQuery {
  qid: string;
  vector: Float32Array;
}

/**
 * Reads the queries of `path`, each of `dim` values (the field's): JSONL when
 * the name ends in .jsonl or .json, else a matrix in `format` (see
 * readVectorMatrix). Errors name the line or row.
 */
export function readVectorQueries(path: string, dim: number, opts: { format?: string; ids?: string } = {}): VectorQuery[] {
  const jsonl = opts.format === undefined ? /\.jsonl?$/.test(path) : opts.format === 'jsonl';
  if (jsonl) {
    if (opts.ids !== undefined) throw new QuarryError('BAD_ARGUMENT', 'JSONL queries carry their own ids', { field: '--query-ids' }, 'give --query-ids only with a vector matrix file');
    const queries: VectorQuery[] = [];
    forEachJsonObject(path, (rec, line) => {
      const id = rec.id ?? rec._id ?? rec.qid;
      if (typeof id !== 'string' && typeof id !== 'number') throw new QuarryError('BAD_INPUT', 'query has no "id" (or "_id", "qid")', { file: path, line });
      queries.push({ qid: String(id), vector: parseJsonVector(rec.vector, dim, { file: path, line, field: 'vector' }) });
    });
    return queries;
  }
  const m = readVectorMatrix(path, opts.format);
  if (m.dim !== dim) throw new QuarryError('BAD_INPUT', `queries have dimension ${m.dim}, the field has ${dim}`, { file: path });
  const ids = opts.ids === undefined ? null : readIdsFile(opts.ids, m.rows, 'queries');
  return Array.from({ length: m.rows }, (_, r) => ({ qid: ids?.[r] ?? String(r), vector: m.data.subarray(r * dim, (r + 1) * dim) }));
}
