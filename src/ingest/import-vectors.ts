/**
 * Importing dense vectors from matrix files (.fvecs, .ivecs, .bvecs, .npy,
 * raw float32) into a collection, one document per row: the id is the row number
 * or the matching line of an ids file.
 */
import { existsSync, rmSync } from 'node:fs';
import { Collection, parseSchema, type CollectionSchema } from '../collection/index.js';
import { QuarryError } from '../core/quarry-error.js';
import { readIdsFile, readOffsets, readVectorMatrix } from '../io/vector-files.js';
import { parseParamsOption } from '../io/json-option.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';

/** How to read the matrix and what to create. */
export interface VectorImportOptions {
  vectors: string;
  /** fvecs | ivecs | bvecs | npy | raw (default: from the file extension). */
  format?: string;
  /** Row length for raw files. */
  dim?: number;
  field: string;
  /**
   * Index family when the collection is created (default hnsw; with offsets, the
   * MUVERA encodings' index, default columnar, or exhaustive). Given for an existing
   * collection, it must be the field's.
   */
  index?: string;
  /** Metric when the collection is created (default cosine); given for an existing collection, it must be the field's. */
  metric?: string;
  /** Where a new compressed field keeps its rescoring floats (memory or disk); given for an existing collection, it must be the field's. */
  floats?: string;
  /**
   * Family parameters of a new field as JSON (`{"M": 32, "efConstruction": 400}`):
   * the schema's `params` (with offsets, its `muvera.params`). Given for an existing
   * collection, they must be the field's.
   */
  params?: string;
  /** File with one id per line, in row order. */
  ids?: string;
  /** Document boundaries: the rows are token vectors of multi-vector documents (see readOffsets). */
  offsets?: string;
  /** Reports imported rows (default: nothing shown). */
  progress?: ProgressFactory;
}

/** Imports every row as a document, all-or-nothing. Returns the number of rows added. */
export function importVectors(dir: string, opts: VectorImportOptions): number {
  const m = readVectorMatrix(opts.vectors, opts.format, opts.dim);
  const offsets = opts.offsets === undefined ? null : readOffsets(opts.offsets, m.rows);
  const docs = offsets === null ? m.rows : offsets.length - 1;
  const ids = opts.ids === undefined ? null : readIdsFile(opts.ids, docs, offsets === null ? 'vectors' : 'documents');
  const created = !Collection.exists(dir);
  const existed = existsSync(dir);
  const metric = opts.metric ?? 'cosine';
  const index = opts.index ?? (offsets === null ? 'hnsw' : 'columnar');
  const params =
    opts.params === undefined ? undefined : parseParamsOption(opts.params, '--params', 'family', '{"M": 32, "efConstruction": 400}');
  if (params !== undefined && offsets !== null && index === 'exhaustive')
    throw new QuarryError(
      'BAD_ARGUMENT',
      'exhaustive MaxSim has no parameters',
      { field: '--params' },
      'give --family columnar (or another MUVERA index) to set its parameters',
    );
  const field =
    offsets === null
      ? {
          type: 'dense',
          dim: m.dim,
          metric,
          index,
          ...(params === undefined ? {} : { params }),
          ...(opts.floats === undefined ? {} : { floats: opts.floats }),
        }
      : {
          type: 'multivector',
          dim: m.dim,
          metric,
          ...(index === 'exhaustive' ? {} : { muvera: { index, ...(params === undefined ? {} : { params }) } }),
        };
  const collection = created
    ? Collection.create(dir, parseSchema({ id: 'id', fields: { [opts.field]: field } }, '--vectors'))
    : Collection.open(dir);
  if (!created) checkExistingField(collection.schema, opts, offsets !== null, params);
  const w = collection.writer();
  const progress = (opts.progress ?? noProgress)('importing', docs, offsets === null ? 'vectors' : 'documents');
  try {
    const idField = collection.schema.id;
    for (let r = 0; r < docs; r++) {
      const value =
        offsets === null
          ? Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim))
          : Array.from({ length: offsets[r + 1]! - offsets[r]! }, (_, t) =>
              Array.from(m.data.subarray((offsets[r]! + t) * m.dim, (offsets[r]! + t + 1) * m.dim)),
            );
      w.add({ [idField]: ids?.[r] ?? String(r), [opts.field]: value }, { file: opts.offsets ?? opts.vectors, line: r + 1 });
      if ((r & 4095) === 0) progress.update(r, r);
    }
    w.commit();
    progress.stop();
    w.close();
    return docs;
  } catch (e) {
    progress.stop();
    w.abort();
    if (created && !existed) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Adding to an existing collection: the field must exist with the kind the files
 * give, and a --family or --metric typed for it must be the field's own (they only
 * choose settings when the collection is created, so a different one would be ignored).
 */
function checkExistingField(
  schema: CollectionSchema,
  opts: VectorImportOptions,
  multiVector: boolean,
  params: Record<string, unknown> | undefined,
): void {
  const spec = schema.fields[opts.field];
  const kind = multiVector ? 'multivector' : 'dense';
  if (spec === undefined || spec.type !== kind) {
    const names = Object.entries(schema.fields)
      .filter(([, f]) => f.type === kind)
      .map(([n]) => n);
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the collection has no ${kind} field "${opts.field}"`,
      { field: '--field' },
      names.length > 0 ? `its ${kind} fields: ${names.join(', ')}` : `it has no ${kind} field; import into a new folder`,
    );
  }
  const family = spec.type === 'dense' ? spec.index : spec.type === 'multivector' ? (spec.muvera?.index ?? 'exhaustive') : undefined;
  const metric = spec.type === 'dense' || spec.type === 'multivector' ? spec.metric : undefined;
  const hint = 'these choose the field when a collection is created; omit them to add to this one';
  if (opts.index !== undefined && opts.index !== family)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the collection's field "${opts.field}" uses ${family}, not ${opts.index}`,
      { field: '--family' },
      hint,
    );
  if (opts.metric !== undefined && opts.metric !== metric)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the collection's field "${opts.field}" uses ${metric}, not ${opts.metric}`,
      { field: '--metric' },
      hint,
    );
  const floats = spec.type === 'dense' ? (spec.floats ?? 'memory') : undefined;
  if (opts.floats !== undefined && opts.floats !== floats)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the collection's field "${opts.field}" keeps its floats in ${floats}, not ${opts.floats}`,
      { field: '--floats' },
      hint,
    );
  if (params !== undefined) {
    const own: Record<string, number> =
      spec.type === 'dense' ? spec.params : spec.type === 'multivector' ? (spec.muvera?.params ?? {}) : {};
    const differs = Object.keys({ ...own, ...params }).find((k) => own[k] !== params[k]);
    if (differs !== undefined) {
      const theirs = own[differs];
      const given = params[differs];
      const what =
        theirs === undefined
          ? `leaves ${differs} at its default, not ${String(given)}`
          : given === undefined
            ? `has ${differs} ${theirs}, which --params leaves out`
            : `has ${differs} ${theirs}, not ${String(given)}`;
      throw new QuarryError('BAD_ARGUMENT', `the collection's field "${opts.field}" ${what}`, { field: '--params' }, hint);
    }
  }
}
