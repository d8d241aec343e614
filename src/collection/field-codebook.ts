/**
 * The trained codebook a dense field's schema names (`quarry train-codes`), read where segments
 * are built or merged, so that every segment of the field, new or merged, is encoded with it.
 */
import type { FieldCodebook } from '../learn/trained-codes/codebook-file.js';
import { codebookPath, readCodebookFile } from '../learn/trained-codes/codebook-file.js';
import type { DenseFieldSpec } from './schema.js';

/** The codebook field `field` of the collection in `dir` is encoded with, or undefined when it has none. */
export function fieldCodebook(dir: string, field: string, spec: DenseFieldSpec): FieldCodebook | undefined {
  if (spec.codebook === undefined) return undefined;
  return readCodebookFile(codebookPath(dir, field, spec.codebook.version), {
    field,
    dim: spec.dim,
    ...(spec.index === 'ivfpq' ? { m: spec.params.m } : {}),
    ...(spec.index === 'binary' ? { planes: spec.params.planes } : {}),
  });
}
