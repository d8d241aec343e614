/**
 * What one learned-sparse index family is, declared once in its own folder and listed
 * in sparse-registry.ts: a name, validated parameters, a file format with its reader and
 * writer, and indexes that search rows of (term id, weight) pairs.
 */
import type { WrittenFile } from '../../io/section-file.js';
import type { Bitset } from '../../kernels/bitset.js';
import type { SparseMatrix, SparseVector } from '../../kernels/sparse-matrix.js';
import type { IndexFamilyInfo } from '../index-family.js';

/** Top-k result: row numbers and float32 scores, best first. */
export interface SparseHits {
  ids: Int32Array;
  scores: Float32Array;
}

/**
 * Rows a search must leave out, in the form the family's traversal reads them:
 * flags (1 = skip; exact lists skip inside MaxScore) or an allow-list (Seismic).
 */
export interface SparseRowFilter {
  excluded: Uint8Array | null;
  allowed: Bitset | null;
}

/** What every sparse index can do. */
export interface SparseIndex {
  /** Name of the family whose format writes this index. */
  readonly family: string;
  /** Number of rows. */
  readonly rows: number;
  /** The k rows with the largest inner product with `query` (ties: lower row first), none of them filtered out. */
  searchRows(query: SparseVector, k: number, params: Readonly<Record<string, unknown>>, filter: SparseRowFilter): SparseHits;
  /** Row `d`: its term ids ascending with their weights (as stored). */
  row(d: number): SparseVector;
  /** Every row, in CSR layout (to rebuild an index from rows when segments merge). */
  forwardRows(): SparseMatrix;
}

/** One segment's index of a family, with its term ids mapped into a merged vocabulary and rows renumbered. */
export interface SparseMergeInput<Index> {
  index: Index;
  /** Merged term id of each of the segment's term ids. */
  termMap: Int32Array;
  /** New row of each of the segment's rows (-1: deleted). */
  docMap: Int32Array;
}

/** A learned-sparse index family. */
export interface SparseFamily<Name extends string = string, Index extends SparseIndex = SparseIndex> extends IndexFamilyInfo<Name> {
  readonly kind: 'sparse';
  /** The extension of its file in a segment (`<field>.<ext>`). */
  readonly fileExtension: string;
  /** The form of SparseRowFilter its searches read. */
  readonly filterForm: keyof SparseRowFilter;
  /** Builds an index over rows (term ids < rows.dim). */
  build(rows: SparseMatrix, params: Readonly<Record<string, number>>): Index;
  write(path: string, index: Index): WrittenFile;
  read(path: string, options: { bytes?: number; verifyChecksum?: boolean }): Index;
  /**
   * The search settings the recall tuner measures on an index of this family
   * (sparse-recall-tuning.ts), from cheapest to dearest; absent for an exact family.
   */
  recallSettings?(index: Index): readonly Record<string, number>[];
  /**
   * Merges segments' indexes without going through rows (exact lists merge list by
   * list), keeping only terms that still have a posting: the index and, for each of its
   * term ids, the merged term id it came from. Absent: merges rebuild from rows.
   */
  merge?(parts: readonly SparseMergeInput<Index>[], dim: number, rows: number): { index: Index; terms: Int32Array };
}
