/**
 * File layout of a multi-vector field: a section file of kind "MVEC" with
 * the row offsets and the token vectors (float32, int8 codes and scales,
 * or sign bits and scales); the MUVERA encodings' dense index, when present, is a separate
 * dense-family file.
 */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../io/section-file.js';
import { readDense, writeDense } from '../dense/dense-registry.js';
import type { MuveraParams, TokenStorage } from './params.js';
import { MultiVectorIndex, type MultiVectorData } from './multivector-index.js';

/** Writes the store to `path` and the encodings' index (if any) to `fdePath`. */
export function writeMultiVector(path: string, fdePath: string, index: MultiVectorIndex): Record<'store' | 'fde', WrittenFile | null> {
  const d = index.data;
  const sections: Record<string, Uint32Array | Float32Array | Uint8Array> = { offsets: d.offsets };
  if (d.floats !== null) sections.floats = d.floats;
  else if (d.bits !== null) {
    sections.bits = d.bits;
    sections.scales = d.scales!;
  } else {
    // Section files hold unsigned bytes; the codes are the same bytes read as signed.
    sections.codes = new Uint8Array(d.codes!.buffer, d.codes!.byteOffset, d.codes!.length);
    sections.scales = d.scales!;
  }
  if (d.fdeColumns !== null) sections.fdeColumns = d.fdeColumns;
  const store = writeSectionFile(path, 'MVEC', 1, sections, { dim: d.dim, metric: d.metric, storage: d.storage });
  return { store, fde: index.fde === null ? null : writeDense(fdePath, index.fde) };
}

/** Reads a store (and its encodings' index when `fdePath` is given), verifying the files. */
export function readMultiVector(
  path: string,
  fdePath: string | null,
  muvera: MuveraParams | null,
  expect: (path: string) => { bytes?: number; verifyChecksum?: boolean },
): MultiVectorIndex {
  const f = readSectionFile(path, 'MVEC', 1, expect(path));
  const storage = f.meta.storage as TokenStorage;
  // The token rows move into kernel memory; what stays outside is copied out of the
  // file's buffer, since a view would keep the whole file in memory beside that copy.
  const data: MultiVectorData = {
    dim: Number(f.meta.dim),
    metric: f.meta.metric as 'dot' | 'cosine',
    storage,
    offsets: f.get('offsets', Uint32Array).slice(),
    floats: storage === 'float32' ? f.get('floats', Float32Array) : null,
    codes: storage === 'int8' ? asSigned(f.get('codes', Uint8Array)) : null,
    bits: storage === 'binary' ? f.get('bits', Uint32Array) : null,
    scales: storage === 'float32' ? null : f.get('scales', Float32Array),
    fdeColumns: f.has('fdeColumns') ? f.get('fdeColumns', Float32Array).slice() : null,
  };
  const fde = fdePath === null ? null : readDense(fdePath, { ...expect(fdePath), floatsOnDisk: muvera?.floats === 'disk' });
  return new MultiVectorIndex(data, fde, fde === null && data.fdeColumns === null ? null : muvera);
}

function asSigned(bytes: Uint8Array): Int8Array {
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
