/** File layout of an IVF-PQ index: section file "IVPQ". */
import { deferSection } from '../../../io/deferred-array.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import type { IvfPqParams } from './params.js';
import { IvfPqIndex } from './ivfpq-index.js';
import { FLOATS_SECTION, allFloats, readRescoreFloats, sectionOptions, type CompressedReadOptions } from '../rescore-floats.js';

/** Writes an IVF-PQ index. */
export function writeIvfPq(path: string, index: IvfPqIndex): WrittenFile {
  const sections: Record<string, Float32Array | Uint32Array | Int32Array | Uint8Array> = {
    coarse: index.coarse.centroids,
    pq: index.pq.centroids,
    listOffsets: index.listOffsets,
    listIds: index.listIds,
    listCodes: index.listCodes,
  };
  const floats = allFloats(index.floats, index.diskFloats);
  if (floats !== null) sections[FLOATS_SECTION] = floats;
  return writeSectionFile(path, 'IVPQ', 1, sections, { params: index.params, ksub: index.pq.ksub });
}

/** Reads an IVF-PQ index. */
export function readIvfPq(path: string, expect?: CompressedReadOptions): IvfPqIndex {
  const f = readSectionFile(path, 'IVPQ', 1, sectionOptions(expect, ['listIds', 'listCodes']));
  const p = f.meta.params as IvfPqParams;
  // Arrays kept outside kernel memory are copied out of the file's buffer: a view
  // would keep the whole file in memory next to the kernel memory's copy of it.
  return new IvfPqIndex(
    { dim: p.dim, k: p.nlist, centroids: f.get('coarse', Float32Array).slice() },
    { dim: p.dim, m: p.m, dsub: p.dim / p.m, ksub: Number(f.meta.ksub), centroids: f.get('pq', Float32Array).slice() },
    f.get('listOffsets', Uint32Array).slice(),
    deferSection(f, 'listIds', Int32Array),
    deferSection(f, 'listCodes', Uint8Array),
    readRescoreFloats(f, p.dim, expect?.floatsOnDisk === true),
    p,
  );
}
