/**
 * The dense families by name: a schema's `index` chooses one, a file's kind names the
 * one that reads it, and an index's `family` the one that writes it. Adding a family
 * is its own folder and one line of DENSE_FAMILY_LIST.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { peekSectionKind, type WrittenFile } from '../../io/section-file.js';
import { BINARY_FAMILY } from './binary/binary-family.js';
import type { DenseFamily } from './dense-family.js';
import type { DenseIndex, DenseMetric, DenseSearchOptions } from './dense-types.js';
import { FLAT_FAMILY } from './flat/flat-family.js';
import { HNSW_FAMILY } from './hnsw/hnsw-family.js';
import { INT8_FAMILY } from './int8/int8-family.js';
import { IVFPQ_FAMILY } from './ivfpq/ivfpq-family.js';
import type { CompressedReadOptions } from './rescore-floats.js';
import type { FieldCodebook } from '../../learn/trained-codes/codebook-file.js';
import { MIN_TUNED_ROWS, measureRecallCurve, type RecallCurve, type RecallTuningOptions } from './recall-tuning.js';

/** Every dense family, in the order help texts list them. */
const DENSE_FAMILY_LIST = [FLAT_FAMILY, HNSW_FAMILY, INT8_FAMILY, BINARY_FAMILY, IVFPQ_FAMILY] as const;

/** A dense family name. */
export type DenseFamilyName = (typeof DENSE_FAMILY_LIST)[number]['name'];

/** Names of the dense index families (for schemas: `z.enum(DENSE_FAMILIES)`). */
export const DENSE_FAMILIES = DENSE_FAMILY_LIST.map((f) => f.name) as unknown as readonly [DenseFamilyName, ...DenseFamilyName[]];

const BY_NAME: ReadonlyMap<string, DenseFamily> = new Map(DENSE_FAMILY_LIST.map((f) => [f.name, f as unknown as DenseFamily]));
const BY_FILE_KIND: ReadonlyMap<string, DenseFamily> = new Map(DENSE_FAMILY_LIST.map((f) => [f.fileKind, f as unknown as DenseFamily]));

/** The definition of dense family `name`; BAD_ARGUMENT naming the families when there is none. */
export function denseFamily(name: string): DenseFamily {
  const family = BY_NAME.get(name);
  if (family === undefined) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `"${name}" is not a dense index family`,
      { field: 'index' },
      `dense families: ${DENSE_FAMILIES.join(', ')}`,
    );
  }
  return family;
}

/** Names of the families that keep rescoring floats apart from their codes (which may stay on disk). */
export const FLOAT_RESCORING_FAMILIES: readonly string[] = DENSE_FAMILY_LIST.filter((f) => f.rescoresFromFloats).map((f) => f.name);

/** Builds family `name`'s index over rows of `dim` (with the field's trained codebook, when it has one). */
export function buildDense(
  name: DenseFamilyName,
  rows: Float32Array,
  dim: number,
  metric: DenseMetric,
  params: Readonly<Record<string, number>>,
  codebook?: FieldCodebook,
): DenseIndex<DenseSearchOptions & Record<string, unknown>> {
  const family = denseFamily(name);
  if (codebook !== undefined && !family.takesCodebooks)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the ${name} family does not encode with trained codebooks`,
      { field: 'index' },
      'use ivfpq or binary',
    );
  return family.build(rows, dim, metric, params, codebook);
}

/** Writes any dense index with its own family's format (the file kind records which). */
export function writeDense(path: string, index: DenseIndex): WrittenFile {
  return denseFamily(index.family).write(path, index);
}

/** Reads a dense index written by writeDense, whatever its family (the file's kind tells which). */
export function readDense(path: string, options: CompressedReadOptions = {}): DenseIndex<DenseSearchOptions & Record<string, unknown>> {
  const kind = peekSectionKind(path);
  const family = BY_FILE_KIND.get(kind);
  if (family === undefined) throw new QuarryError('CORRUPT', `"${kind}" is not a dense index file`, { file: path });
  // families that search the floats themselves always read them into memory
  const read = family.rescoresFromFloats ? options : { bytes: options.bytes, verifyChecksum: options.verifyChecksum };
  return family.read(path, read) as DenseIndex<DenseSearchOptions & Record<string, unknown>>;
}

/**
 * Measures the recall curve of a freshly built index over its search settings (see
 * recall-tuning.ts); undefined for exact families, indexes under MIN_TUNED_ROWS rows, and
 * indexes that keep no float rows.
 */
export function tuneDense(
  index: DenseIndex<DenseSearchOptions & Record<string, unknown>>,
  options: RecallTuningOptions = {},
): RecallCurve | undefined {
  const family = denseFamily(index.family);
  if (family.recallSettings === undefined || index.size < MIN_TUNED_ROWS) return undefined;
  const rows = index.floatRows();
  if (rows === null) return undefined;
  return measureRecallCurve(index, rows, family.recallSettings(index), options);
}
