/** File layout of an IVF-PQ index: section file "IVPQ" (version 2 adds the trained codebook's name and query map). */
import { deferSection } from '../../../io/deferred-array.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import { productQuantizer } from '../../../quantize/product-quantizer.js';
import type { IvfPqParams } from './params.js';
import { IvfPqIndex, type IvfPqCodebookRef } from './ivfpq-index.js';
import { FLOATS_SECTION, allFloats, readRescoreFloats, sectionOptions, type CompressedReadOptions } from '../rescore-floats.js';

/** Writes an IVF-PQ index (version 1 when its codes come from k-means, 2 when from a trained codebook). */
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
  const cb = index.codebook;
  if (cb === null) return writeSectionFile(path, 'IVPQ', 1, sections, { params: index.params, ksub: index.pq.ksub });
  if (cb.queryMap !== null) {
    sections.queryMatrix = cb.queryMap.matrix;
    sections.queryBias = cb.queryMap.bias;
  }
  return writeSectionFile(path, 'IVPQ', 2, sections, {
    params: index.params,
    ksub: index.pq.ksub,
    codebook: { method: cb.method, version: cb.version },
  });
}

/** Reads an IVF-PQ index. */
export function readIvfPq(path: string, expect?: CompressedReadOptions): IvfPqIndex {
  const f = readSectionFile(path, 'IVPQ', 2, sectionOptions(expect, ['listIds', 'listCodes']));
  const p = f.meta.params as IvfPqParams;
  const named = f.meta.codebook as { method: string; version: number } | undefined;
  const codebook: IvfPqCodebookRef | null =
    named === undefined
      ? null
      : {
          method: named.method,
          version: named.version,
          queryMap: f.has('queryMatrix')
            ? { matrix: f.get('queryMatrix', Float32Array).slice(), bias: f.get('queryBias', Float32Array).slice() }
            : null,
        };
  // Arrays kept outside kernel memory are copied out of the file's buffer: a view
  // would keep the whole file in memory next to the kernel memory's copy of it.
  return new IvfPqIndex(
    { dim: p.dim, k: p.nlist, centroids: f.get('coarse', Float32Array).slice() },
    productQuantizer(p.dim, p.m, Number(f.meta.ksub), f.get('pq', Float32Array).slice()),
    f.get('listOffsets', Uint32Array).slice(),
    deferSection(f, 'listIds', Int32Array),
    deferSection(f, 'listCodes', Uint8Array),
    readRescoreFloats(f, p.dim, expect?.floatsOnDisk === true),
    p,
    codebook,
  );
}
