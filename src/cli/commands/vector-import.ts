/**
 * Importing dense vectors from matrix files (.fvecs, .bvecs, .npy, raw
 * float32) into a collection, one document per row: the id is the row number
 * or the matching line of an ids file.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Collection, parseSchema } from '../../collection/index.js';
import { QuarryError } from '../../io/quarry-error.js';
import { readBvecs, readFvecs, readNpy, readRawFloat32, type VectorMatrix } from '../../io/vector-files.js';
import { createProgress } from '../progress.js';

/** How to read the matrix and what to create. */
export interface VectorImportOptions {
  vectors: string;
  /** fvecs | bvecs | npy | raw (default: from the file extension). */
  format?: string;
  /** Row length for raw files. */
  dim?: number;
  field: string;
  /** Index family and metric when the collection is created. */
  index: string;
  metric: string;
  /** File with one id per line, in row order. */
  ids?: string;
  quiet?: boolean;
}

/** Reads a vector matrix in any supported format. */
export function readVectorMatrix(path: string, format?: string, dim?: number): VectorMatrix {
  const f = format ?? path.slice(path.lastIndexOf('.') + 1);
  switch (f) {
    case 'fvecs':
      return readFvecs(path);
    case 'bvecs':
      return readBvecs(path);
    case 'npy':
      return readNpy(path);
    case 'raw':
    case 'f32':
    case 'bin':
      if (dim === undefined) throw new QuarryError('BAD_ARGUMENT', 'raw float32 files need --dim', { field: '--dim' });
      return readRawFloat32(path, dim);
    default:
      throw new QuarryError('BAD_ARGUMENT', `unknown vector format "${f}"`, { field: '--format' }, 'use fvecs, bvecs, npy or raw');
  }
}

/** Imports every row as a document, all-or-nothing. Returns the number of rows added. */
export function importVectors(dir: string, opts: VectorImportOptions): number {
  const m = readVectorMatrix(opts.vectors, opts.format, opts.dim);
  let ids: string[] | null = null;
  if (opts.ids !== undefined) {
    ids = readFileSync(opts.ids, 'utf8').split('\n').map((s) => s.trim());
    if (ids[ids.length - 1] === '') ids.pop();
    if (ids.length !== m.rows) throw new QuarryError('BAD_INPUT', `has ${ids.length} ids for ${m.rows} vectors`, { file: opts.ids }, 'one id per line, in row order');
  }
  const created = !Collection.exists(dir);
  const existed = existsSync(dir);
  const collection = created
    ? Collection.create(dir, parseSchema({ id: 'id', fields: { [opts.field]: { type: 'dense', dim: m.dim, metric: opts.metric, index: opts.index } } }, '--vectors'))
    : Collection.open(dir);
  const w = collection.writer();
  const progress = createProgress('importing', m.rows, 'vectors', opts.quiet ?? false);
  try {
    const idField = collection.schema.id;
    for (let r = 0; r < m.rows; r++) {
      w.add({ [idField]: ids?.[r] ?? String(r), [opts.field]: Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim)) }, { file: opts.vectors, line: r + 1 });
      if ((r & 4095) === 0) progress.update(r, r);
    }
    w.commit();
    progress.stop();
    w.close();
    return m.rows;
  } catch (e) {
    progress.stop();
    w.abort();
    if (created && !existed) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
