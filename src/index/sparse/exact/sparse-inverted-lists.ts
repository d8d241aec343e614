/**
 * Inverted lists of a sparse matrix, as exact sparse search reads them: per
 * term, its documents in ascending order with their weights, cut into blocks
 * of SPARSE_BLOCK postings that record their largest weight and last document
 * (the block-max bounds of MaxScore's non-essential lists, after Ding and
 * Suel, SIGIR 2011). Built by transposing the forward rows (when a segment is
 * written), merged list by list, and turned back into rows for per-document
 * lookups.
 */
import type { SparseMatrix, SparseVector } from '../../../kernels/sparse-matrix.js';

/** Postings per block. */
export const SPARSE_BLOCK = 128;

/** A sparse matrix's inverted lists with their block bounds. */
export interface SparseInvertedLists {
  /** Number of documents (rows of the forward matrix). */
  rows: number;
  /** Number of term ids. */
  dim: number;
  /** Postings of term t: docs/weights[start[t] .. start[t + 1]). */
  start: Float64Array;
  docs: Uint32Array;
  weights: Float32Array;
  /** Blocks of term t: blockStart[t] .. blockStart[t + 1]. */
  blockStart: Uint32Array;
  /** Largest weight of each block. */
  blockMax: Float32Array;
  /** Last document of each block. */
  blockLast: Uint32Array;
}

/** Transposes forward rows into inverted lists (a counting sort of the postings by term) and computes the block bounds. */
export function invertSparseMatrix(matrix: SparseMatrix): SparseInvertedLists {
  const { dim, rows, indptr, indices, values } = matrix;
  // The cursors are 32-bit integers (typed-array lengths fit) and the arrays
  // locals, so that the scatter loop stays on integer arithmetic.
  const nnz = indices.length;
  const cursor = new Uint32Array(dim + 1);
  for (let i = 0; i < nnz; i++) cursor[indices[i]! + 1]!++;
  for (let t = 0; t < dim; t++) cursor[t + 1]! += cursor[t]!;
  const start = Float64Array.from(cursor);
  const docs = new Uint32Array(nnz);
  const weights = new Float32Array(nnz);
  let i = 0;
  for (let r = 0; r < rows; r++) {
    const end = indptr[r + 1]!;
    for (; i < end; i++) {
      const slot = cursor[indices[i]!]!++;
      docs[slot] = r;
      weights[slot] = values[i]!;
    }
  }
  return withBlockBounds(rows, dim, start, docs, weights);
}

/** Lists from their postings (each list's documents ascending), with the block bounds computed. */
function withBlockBounds(rows: number, dim: number, start: Float64Array, docs: Uint32Array, weights: Float32Array): SparseInvertedLists {
  const blockStart = new Uint32Array(dim + 1);
  for (let t = 0; t < dim; t++) blockStart[t + 1] = blockStart[t]! + Math.ceil((start[t + 1]! - start[t]!) / SPARSE_BLOCK);
  const nb = blockStart[dim]!;
  const blockMax = new Float32Array(nb);
  const blockLast = new Uint32Array(nb);
  for (let t = 0; t < dim; t++) {
    let b = blockStart[t]!;
    const last = start[t + 1]!;
    for (let s = start[t]!; s < last; s += SPARSE_BLOCK, b++) {
      const e = Math.min(last, s + SPARSE_BLOCK);
      let mx = 0;
      for (let p = s; p < e; p++) if (weights[p]! > mx) mx = weights[p]!;
      blockMax[b] = mx;
      blockLast[b] = docs[e - 1]!;
    }
  }
  return { rows, dim, start, docs, weights, blockStart, blockMax, blockLast };
}

/** The forward rows back from the lists (terms ascending within a row, as the rows were written). */
export function forwardRows(lists: SparseInvertedLists): SparseMatrix {
  const { rows, dim, start, docs, weights } = lists;
  const nnz = docs.length;
  const cursor = new Uint32Array(rows + 1);
  for (let i = 0; i < nnz; i++) cursor[docs[i]! + 1]!++;
  for (let r = 0; r < rows; r++) cursor[r + 1]! += cursor[r]!;
  const indptr = Float64Array.from(cursor);
  const indices = new Uint32Array(nnz);
  const values = new Float32Array(nnz);
  // Terms are visited in ascending order, so each row receives its terms sorted.
  for (let t = 0; t < dim; t++) {
    const end = start[t + 1]!;
    for (let p = start[t]!; p < end; p++) {
      const slot = cursor[docs[p]!]!++;
      indices[slot] = t;
      values[slot] = weights[p]!;
    }
  }
  return { rows, dim, indptr, indices, values };
}

/**
 * Row `doc` read from the lists: a binary search of every term's list (through
 * its block bounds first). For a few documents (feedback documents, a lookup);
 * whole-matrix uses take {@link forwardRows}.
 */
export function listRow(lists: SparseInvertedLists, doc: number): SparseVector {
  const { dim, start, docs, weights, blockStart, blockLast } = lists;
  const ids: number[] = [];
  const vals: number[] = [];
  for (let t = 0; t < dim; t++) {
    const first = blockStart[t]!;
    const lastBlock = blockStart[t + 1]!;
    if (first === lastBlock || blockLast[lastBlock - 1]! < doc) continue;
    let lo = first;
    let hi = lastBlock - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (blockLast[mid]! < doc) lo = mid + 1;
      else hi = mid;
    }
    let p = start[t]! + (lo - first) * SPARSE_BLOCK;
    let e = Math.min(start[t + 1]!, p + SPARSE_BLOCK);
    while (p < e) {
      const mid = Math.floor((p + e) / 2);
      if (docs[mid]! < doc) p = mid + 1;
      else e = mid;
    }
    if (p < start[t + 1]! && docs[p] === doc) {
      ids.push(t);
      vals.push(weights[p]!);
    }
  }
  return { ids: Uint32Array.from(ids), values: Float32Array.from(vals) };
}

/** One input of {@link mergeInvertedLists}: a segment's lists and how its terms and documents are renumbered. */
export interface ListMergeInput {
  lists: SparseInvertedLists;
  /** Merged term id of each of the input's term ids (-1: the term's postings are dropped). */
  termMap: Int32Array;
  /** New document number of each of the input's documents, or -1 for a document dropped (deleted). */
  docMap: Int32Array;
}

/**
 * Merges segments' lists term by term, without going through forward rows:
 * each merged list is the inputs' lists for that term, concatenated in input
 * order with documents renumbered. The new numbers must grow with the input
 * order and, within an input, with the old numbers (live documents keep their
 * order), so the merged lists stay ascending. Terms left without a live
 * posting are dropped: `terms[i]` is the merged term id (of `dim`) of the
 * result's term i.
 */
export function mergeInvertedLists(
  inputs: readonly ListMergeInput[],
  dim: number,
  rows: number,
): { lists: SparseInvertedLists; terms: Int32Array } {
  const count = new Float64Array(dim);
  for (const { lists, termMap, docMap } of inputs) {
    for (let t = 0; t < lists.dim; t++) {
      const m = termMap[t]!;
      if (m < 0) continue;
      let live = 0;
      for (let p = lists.start[t]!; p < lists.start[t + 1]!; p++) if (docMap[lists.docs[p]!]! >= 0) live++;
      count[m]! += live;
    }
  }
  // number the terms that kept postings, and lay their lists out
  const newId = new Int32Array(dim).fill(-1);
  let kept = 0;
  for (let m = 0; m < dim; m++) if (count[m]! > 0) newId[m] = kept++;
  const terms = new Int32Array(kept);
  const cursor = new Float64Array(kept + 1);
  for (let m = 0; m < dim; m++) {
    const t = newId[m]!;
    if (t < 0) continue;
    terms[t] = m;
    cursor[t + 1] = cursor[t]! + count[m]!;
  }
  const start = Float64Array.from(cursor);
  const docs = new Uint32Array(cursor[kept]!);
  const weights = new Float32Array(cursor[kept]!);
  for (const { lists, termMap, docMap } of inputs) {
    for (let t = 0; t < lists.dim; t++) {
      const m = termMap[t]!;
      const to = m < 0 ? -1 : newId[m]!;
      if (to < 0) continue;
      let at = cursor[to]!;
      for (let p = lists.start[t]!; p < lists.start[t + 1]!; p++) {
        const nd = docMap[lists.docs[p]!]!;
        if (nd < 0) continue;
        docs[at] = nd;
        weights[at] = lists.weights[p]!;
        at++;
      }
      cursor[to] = at;
    }
  }
  return { lists: withBlockBounds(rows, kept, start, docs, weights), terms };
}
