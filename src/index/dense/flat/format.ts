/** File layout of a flat index: one section file of kind "FLAT" holding the rows. */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import type { DenseMetric } from '../dense-types.js';
import { deferSection } from '../../../io/deferred-array.js';
import { FlatIndex } from './flat-index.js';

/** Writes a flat index. */
export function writeFlat(path: string, index: FlatIndex): WrittenFile {
  return writeSectionFile(path, 'FLAT', 1, { rows: index.data }, { dim: index.dim, metric: index.metric });
}

/**
 * Reads a flat index, verifying the file. The rows are read straight into the
 * index's kernel memory (one copy of them in memory, not two while opening).
 */
export function readFlat(path: string, expect?: { bytes?: number; verifyChecksum?: boolean }): FlatIndex {
  const f = readSectionFile(path, 'FLAT', 1, { ...expect, onDisk: ['rows'] });
  return new FlatIndex(deferSection(f, 'rows', Float32Array), { dim: Number(f.meta.dim), metric: f.meta.metric as DenseMetric });
}
