/**
 * Re-encoding a dense field with a trained codebook (`quarry train-codes`): each segment is
 * copied into a new segment folder, its other files hard-linked (or copied where links are not
 * possible), the field's index rebuilt from its float rows with the codebook. The old folders
 * stay as they are, so the generation before the commit stays readable until clean-up removes
 * it, and a failure leaves only unreferenced folders behind.
 */
import { copyFileSync, linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../core/quarry-error.js';
import { fsyncDirectory, ioError } from '../io/atomic-file.js';
import { buildDense, readDense, tuneDense, writeDense } from '../index/dense/dense-registry.js';
import type { FieldCodebook } from '../learn/trained-codes/codebook-file.js';
import type { SegmentInfo } from './manifest.js';
import type { DenseFieldSpec } from './schema.js';

/** Float rows of a dense field over segments, in document order (rows of deleted documents included). */
export function readFieldRows(dir: string, segments: readonly SegmentInfo[], field: string, spec: DenseFieldSpec): Float32Array {
  const total = segments.reduce((a, s) => a + (s.files[`${field}.vec`] === undefined ? 0 : s.numDocs), 0);
  const rows = new Float32Array(total * spec.dim);
  let at = 0;
  for (const info of segments) {
    const written = info.files[`${field}.vec`];
    if (written === undefined) continue;
    const index = readDense(join(dir, info.name, `${field}.vec`), { bytes: written.bytes, verifyChecksum: true });
    try {
      const src = index.floatRows();
      if (src === null)
        throw new QuarryError('BAD_ARGUMENT', `dense field "${field}" of ${info.name} kept no float rows to encode`, { field });
      rows.set(src.subarray(0, info.numDocs * spec.dim), at);
      at += info.numDocs * spec.dim;
    } finally {
      index.close();
    }
  }
  return rows.subarray(0, at);
}

/** Writes `info` again as segment `name` with field `field` encoded by `codebook`; returns the new segment's info. */
export function rewriteSegmentCodes(
  dir: string,
  info: SegmentInfo,
  name: string,
  field: string,
  spec: DenseFieldSpec,
  codebook: FieldCodebook,
): SegmentInfo {
  const file = `${field}.vec`;
  const from = join(dir, info.name);
  const to = join(dir, name);
  try {
    mkdirSync(to);
  } catch (e) {
    throw ioError(to, e);
  }
  const linked = [...Object.keys(info.files).filter((f) => f !== file), ...(info.deletes !== undefined ? [info.deletes.file] : [])];
  for (const f of linked) {
    try {
      linkSync(join(from, f), join(to, f));
    } catch {
      try {
        copyFileSync(join(from, f), join(to, f));
      } catch (e) {
        throw ioError(join(to, f), e);
      }
    }
  }
  const written = info.files[file];
  if (written === undefined) {
    fsyncDirectory(to);
    return { ...info, name };
  }
  const old = readDense(join(from, file), { bytes: written.bytes, verifyChecksum: true });
  let rows: Float32Array | null;
  try {
    rows = old.floatRows();
  } finally {
    old.close();
  }
  if (rows === null)
    throw new QuarryError('BAD_ARGUMENT', `dense field "${field}" of ${info.name} kept no float rows to encode`, { field });
  const index = buildDense(spec.index, rows, spec.dim, spec.metric, spec.params, codebook);
  const files = { ...info.files, [file]: writeDense(join(to, file), index) };
  const curve = tuneDense(index);
  const tuning = { ...info.tuning };
  if (curve !== undefined) tuning[field] = curve;
  else delete tuning[field];
  fsyncDirectory(to);
  return { ...info, name, files, ...(Object.keys(tuning).length > 0 ? { tuning } : {}) };
}
