/**
 * The learned-sparse families by name: a schema's `index` chooses one. Adding a family
 * is its own folder and one line of SPARSE_FAMILY_LIST.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { EXACT_SPARSE_FAMILY } from './exact/exact-family.js';
import { SEISMIC_FAMILY } from './seismic/seismic-family.js';
import type { SparseMatrix } from '../../kernels/sparse-matrix.js';
import type { RecallCurve } from '../dense/recall-tuning.js';
import type { SparseFamily, SparseIndex } from './sparse-family.js';
import { measureSparseRecallCurve, MIN_TUNED_SPARSE_ROWS } from './sparse-recall-tuning.js';

const SPARSE_FAMILY_LIST = [EXACT_SPARSE_FAMILY, SEISMIC_FAMILY] as const;

/** A sparse family name. */
export type SparseFamilyName = (typeof SPARSE_FAMILY_LIST)[number]['name'];

/** Names of the sparse index families (for schemas: `z.enum(SPARSE_FAMILIES)`). */
export const SPARSE_FAMILIES = SPARSE_FAMILY_LIST.map((f) => f.name) as unknown as readonly [SparseFamilyName, ...SparseFamilyName[]];

const BY_NAME: ReadonlyMap<string, SparseFamily> = new Map(SPARSE_FAMILY_LIST.map((f) => [f.name, f as unknown as SparseFamily]));

/** The definition of sparse family `name`; BAD_ARGUMENT naming the families when there is none. */
export function sparseFamily(name: string): SparseFamily {
  const family = BY_NAME.get(name);
  if (family === undefined) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `"${name}" is not a sparse index family`,
      { field: 'index' },
      `sparse families: ${SPARSE_FAMILIES.join(', ')}`,
    );
  }
  return family;
}

/**
 * Measures the recall curve of a freshly built sparse index over `rows` (see
 * sparse-recall-tuning.ts); undefined for exact families and indexes under
 * MIN_TUNED_SPARSE_ROWS rows.
 */
export function tuneSparse(index: SparseIndex, rows: SparseMatrix): RecallCurve | undefined {
  const family = sparseFamily(index.family);
  if (family.recallSettings === undefined || index.rows < MIN_TUNED_SPARSE_ROWS) return undefined;
  return measureSparseRecallCurve(index, rows, family.recallSettings(index));
}
