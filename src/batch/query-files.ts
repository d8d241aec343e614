/**
 * Query files of `quarry run` other than text: learned-sparse JSONL
 * (`--sparse-queries`), and dense and multi-vector queries
 * (`--vector-queries`, `--multivector-queries`): JSONL with one query per line
 * (`{"id" | "_id" | "qid": ..., "vector": [...]}`, Anserini's dense topic
 * format among them; `"vectors": [[...], ...]` for token vectors) or a vector
 * matrix file (one query, or with offsets one query token, per row; ids from
 * a file or the query numbers).
 */
import { forEachJsonObject } from '../io/jsonl.js';
import { QuarryError } from '../core/quarry-error.js';
import { parseJsonVector, readOffsets } from '../io/vector-files.js';
import { parseSparseValue } from '../collection/document.js';
import { readIdsFile, readVectorMatrix } from '../io/vector-files.js';

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
  if (isJsonl(path, opts)) {
    const queries: VectorQuery[] = [];
    forEachJsonObject(path, (rec, line) =>
      queries.push({ qid: queryId(rec, path, line), vector: parseJsonVector(rec.vector, dim, { file: path, line, field: 'vector' }) }),
    );
    return queries;
  }
  const m = readVectorMatrix(path, opts.format);
  if (m.dim !== dim) throw new QuarryError('BAD_INPUT', `queries have dimension ${m.dim}, the field has ${dim}`, { file: path });
  const ids = opts.ids === undefined ? null : readIdsFile(opts.ids, m.rows, 'queries');
  return Array.from({ length: m.rows }, (_, r) => ({ qid: ids?.[r] ?? String(r), vector: m.data.subarray(r * dim, (r + 1) * dim) }));
}

/** Whether `path` is read as JSONL (by `format`, else by its extension); JSONL carries its own ids. */
function isJsonl(path: string, opts: { format?: string; ids?: string }): boolean {
  const jsonl = opts.format === undefined ? /\.jsonl?$/.test(path) : opts.format === 'jsonl';
  if (jsonl && opts.ids !== undefined)
    throw new QuarryError(
      'BAD_ARGUMENT',
      'JSONL queries carry their own ids',
      { field: '--query-ids' },
      'give --query-ids only with a vector matrix file',
    );
  return jsonl;
}

/** A JSONL query's id: "id", "_id" or "qid". */
function queryId(rec: Record<string, unknown>, path: string, line: number): string {
  const id = rec.id ?? rec._id ?? rec.qid;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new QuarryError('BAD_INPUT', 'query has no "id" (or "_id", "qid")', { file: path, line });
  return String(id);
}

/** One multi-vector query: its token vectors, each of the field's dimension. */
export interface MultiVectorQuery {
  qid: string;
  tokens: number[][];
}

/**
 * Reads the multi-vector queries of `path`: JSONL with `"vectors"` (or
 * `"multivector"`, as in a query spec leg) holding the token vectors, or a
 * matrix of token vectors with `offsets` (a file of per-query token counts or
 * cumulative offsets, as `quarry index --offsets` reads). Errors name the
 * line, token or row.
 */
export function readMultiVectorQueries(
  path: string,
  dim: number,
  opts: { format?: string; ids?: string; offsets?: string } = {},
): MultiVectorQuery[] {
  if (isJsonl(path, opts)) {
    if (opts.offsets !== undefined)
      throw new QuarryError(
        'BAD_ARGUMENT',
        'JSONL queries carry their own token vectors',
        { field: '--query-offsets' },
        'give --query-offsets only with a matrix of token vectors',
      );
    const queries: MultiVectorQuery[] = [];
    forEachJsonObject(path, (rec, line) => {
      const qid = queryId(rec, path, line);
      const key = rec.vectors !== undefined ? 'vectors' : 'multivector';
      const list = rec[key];
      if (!Array.isArray(list) || list.length === 0)
        throw new QuarryError('BAD_INPUT', 'query has no token vectors ("vectors": [[...], ...])', { file: path, line, field: key });
      queries.push({
        qid,
        tokens: list.map((v: unknown, i) => Array.from(parseJsonVector(v, dim, { file: path, line, field: `${key}[${i}]` }))),
      });
    });
    return queries;
  }
  if (opts.offsets === undefined)
    throw new QuarryError('BAD_ARGUMENT', 'a matrix of token vectors needs --query-offsets (tokens per query)', {
      field: '--query-offsets',
    });
  const m = readVectorMatrix(path, opts.format);
  if (m.dim !== dim) throw new QuarryError('BAD_INPUT', `token vectors have dimension ${m.dim}, the field has ${dim}`, { file: path });
  const offsets = readOffsets(opts.offsets, m.rows);
  const count = offsets.length - 1;
  const ids = opts.ids === undefined ? null : readIdsFile(opts.ids, count, 'queries');
  return Array.from({ length: count }, (_, q) => {
    if (offsets[q + 1] === offsets[q]) throw new QuarryError('BAD_INPUT', `query ${q} has no token vectors`, { file: opts.offsets });
    const tokens: number[][] = [];
    for (let r = offsets[q]!; r < offsets[q + 1]!; r++) tokens.push(Array.from(m.data.subarray(r * dim, (r + 1) * dim)));
    return { qid: ids?.[q] ?? String(q), tokens };
  });
}

/** One learned-sparse query: token weights. */
export interface SparseQuery {
  qid: string;
  sparse: Map<string, number>;
}

/** Reads learned-sparse queries: JSONL `{"id": ..., "vector": {token: weight}}` (Seismic's format). Errors name the line. */
export function readSparseQueries(path: string): SparseQuery[] {
  const queries: SparseQuery[] = [];
  forEachJsonObject(path, (rec, line) =>
    queries.push({ qid: queryId(rec, path, line), sparse: parseSparseValue(rec.vector, { file: path, line, field: 'vector' }) }),
  );
  return queries;
}
