/**
 * File layout of exact sparse inverted lists: section file "SPRM". Format 2 stores
 * the lists (start offsets, documents, weights, block bounds), so that opening a
 * segment reads arrays instead of transposing rows; format 1 files, from earlier
 * versions, hold the forward rows and are transposed when read.
 */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import { SparseExactIndex } from './sparse-exact-index.js';
import { invertSparseMatrix } from './sparse-inverted-lists.js';

/** Writes exact sparse inverted lists (format 2). */
export function writeSparseExact(path: string, index: SparseExactIndex): WrittenFile {
  const l = index.lists;
  const sections = {
    start: l.start,
    docs: l.docs,
    weights: l.weights,
    blockStart: l.blockStart,
    blockMax: l.blockMax,
    blockLast: l.blockLast,
  };
  return writeSectionFile(path, 'SPRM', 2, sections, { rows: l.rows, dim: l.dim });
}

/** Reads exact sparse lists written by writeSparseExact (or, format 1, forward rows transposed now). */
export function readSparseExact(path: string, expect: { bytes?: number; verifyChecksum?: boolean }): SparseExactIndex {
  const f = readSectionFile(path, 'SPRM', 2, expect);
  const rows = Number(f.meta.rows);
  const dim = Number(f.meta.dim);
  if (f.version === 1) {
    // Forward rows: transpose them, then let them go (rows are read back from the lists).
    const m = {
      rows,
      dim,
      indptr: f.get('indptr', Float64Array),
      indices: f.get('indices', Uint32Array),
      values: f.get('values', Float32Array),
    };
    return new SparseExactIndex(invertSparseMatrix(m));
  }
  return new SparseExactIndex({
    rows,
    dim,
    start: f.get('start', Float64Array),
    docs: f.get('docs', Uint32Array),
    weights: f.get('weights', Float32Array),
    blockStart: f.get('blockStart', Uint32Array),
    blockMax: f.get('blockMax', Float32Array),
    blockLast: f.get('blockLast', Uint32Array),
  });
}
