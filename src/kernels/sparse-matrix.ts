/** Sparse vectors and matrices (learned sparse representations): term ids sorted ascending with float weights. */
import { QuarryError } from '../core/quarry-error.js';

/** One sparse vector. */
export interface SparseVector {
  ids: Uint32Array;
  values: Float32Array;
}

/** Rows of sparse vectors in CSR layout: row r is indices/values[indptr[r] .. indptr[r + 1]). */
export interface SparseMatrix {
  rows: number;
  /** Number of term ids (vocabulary size); every index is < dim. */
  dim: number;
  indptr: Float64Array;
  indices: Uint32Array;
  values: Float32Array;
}

/** Sorts a vector's entries by id, merging duplicates by sum; rejects negative or non-finite values. */
export function normalizeSparse(ids: ArrayLike<number>, values: ArrayLike<number>, where = 'vector'): SparseVector {
  if (ids.length !== values.length) throw new QuarryError('BAD_INPUT', `${ids.length} ids but ${values.length} values`, { field: where });
  const order = Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => ids[a]! - ids[b]!);
  const outIds: number[] = [];
  const outVals: number[] = [];
  for (const i of order) {
    const id = ids[i]!;
    const v = values[i]!;
    if (!Number.isInteger(id) || id < 0)
      throw new QuarryError('BAD_INPUT', `term id ${id} is not a non-negative integer`, { field: where });
    if (!Number.isFinite(v) || v < 0)
      throw new QuarryError('BAD_INPUT', `weight of term ${id} is ${v}`, { field: where }, 'learned sparse weights are finite and >= 0');
    if (outIds.length > 0 && outIds[outIds.length - 1] === id) outVals[outVals.length - 1]! += v;
    else {
      outIds.push(id);
      outVals.push(v);
    }
  }
  return { ids: Uint32Array.from(outIds), values: Float32Array.from(outVals) };
}

/** Builds a CSR matrix from rows. */
export function sparseMatrixOf(rows: readonly SparseVector[], dim?: number): SparseMatrix {
  let nnz = 0;
  let maxId = -1;
  for (const r of rows) {
    nnz += r.ids.length;
    if (r.ids.length > 0) maxId = Math.max(maxId, r.ids[r.ids.length - 1]!);
  }
  const indptr = new Float64Array(rows.length + 1);
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  let off = 0;
  rows.forEach((r, i) => {
    indices.set(r.ids, off);
    values.set(r.values, off);
    off += r.ids.length;
    indptr[i + 1] = off;
  });
  return { rows: rows.length, dim: Math.max(dim ?? 0, maxId + 1), indptr, indices, values };
}

/** Exact inner product of a dense query (indexed by term id) with row r of a matrix. */
export function rowDot(m: SparseMatrix, r: number, denseQuery: Float32Array): number {
  let s = 0;
  const end = m.indptr[r + 1]!;
  for (let i = m.indptr[r]!; i < end; i++) s += denseQuery[m.indices[i]!]! * m.values[i]!;
  return s;
}
