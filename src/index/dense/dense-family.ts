/**
 * What one dense index family is, declared once in its own folder and listed in
 * dense-registry.ts (as Lucene's codec formats are: a name, validated parameters,
 * a file format, and readers and writers of it).
 */
import type { WrittenFile } from '../../io/section-file.js';
import type { IndexFamilyInfo } from '../index-family.js';
import type { DenseIndex, DenseMetric, DenseSearchOptions } from './dense-types.js';
import type { CompressedReadOptions } from './rescore-floats.js';
import type { FieldCodebook } from '../../learn/trained-codes/codebook-file.js';

/** A dense index family: how to build, write and read its indexes, and the parameters it takes. */
export interface DenseFamily<Name extends string = string, Index extends DenseIndex = DenseIndex> extends IndexFamilyInfo<Name> {
  readonly kind: 'dense';
  /** The section-file kind of its index files (four letters). */
  readonly fileKind: string;
  /** It keeps rescoring floats apart from its codes, which may stay on disk (`"floats": "disk"`). */
  readonly rescoresFromFloats: boolean;
  /** It encodes rows with a trained codebook when the field has one (`quarry train-codes`). */
  readonly takesCodebooks: boolean;
  /**
   * Builds an index over `rows` (row-major, `dim` values each). The index may be another
   * family's when that serves the rows better, and says so by its `family` (IVF-PQ
   * below 1,024 rows is an exact scan). `codebook`, when the field has one (`quarry
   * train-codes`), is the trained quantizer to encode the rows with instead of fitting one;
   * a family that takes none refuses it.
   */
  build(
    rows: Float32Array,
    dim: number,
    metric: DenseMetric,
    params: Readonly<Record<string, number>>,
    codebook?: FieldCodebook,
  ): DenseIndex<DenseSearchOptions & Record<string, unknown>>;
  /**
   * The search settings the recall tuner measures on an index of this family (recall-tuning.ts),
   * from cheapest to dearest; absent for an exact family.
   */
  recallSettings?(index: Index): readonly Record<string, number>[];
  /** Writes an index of this family to `path`. */
  write(path: string, index: Index): WrittenFile;
  /** Reads an index of this family written by `write`. */
  read(path: string, options: CompressedReadOptions): Index;
}
