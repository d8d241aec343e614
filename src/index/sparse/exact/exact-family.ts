/** The exact sparse family: inverted lists with block maxima, searched by MaxScore over windows (exact top k). */
import type { SparseFamily } from '../sparse-family.js';
import { readSparseExact, writeSparseExact } from './exact-format.js';
import { SparseExactIndex } from './sparse-exact-index.js';
import { mergeInvertedLists } from './sparse-inverted-lists.js';

/** The exact family's definition (see sparse-registry.ts). */
export const EXACT_SPARSE_FAMILY: SparseFamily<'exact', SparseExactIndex> = {
  kind: 'sparse',
  name: 'exact',
  summary: 'inverted lists with block maxima, searched by MaxScore: the exact top k',
  fileExtension: 'spm',
  params: {},
  searchParams: {},
  filterForm: 'excluded',
  build: (rows) => new SparseExactIndex(rows),
  write: writeSparseExact,
  read: readSparseExact,
  merge: (parts, dim, rows) => {
    const { lists, terms } = mergeInvertedLists(
      parts.map((p) => ({ lists: p.index.lists, termMap: p.termMap, docMap: p.docMap })),
      dim,
      rows,
    );
    return { index: new SparseExactIndex(lists), terms };
  },
};
