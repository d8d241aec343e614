/** File layout of a Seismic index: section file "SEIS". */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import type { SeismicBuildParams } from './params.js';
import type { SeismicData } from './seismic-data.js';
import { SeismicIndex } from './seismic-index.js';

/** Writes a Seismic index. */
export function writeSeismic(path: string, index: SeismicIndex): WrittenFile {
  const d = index.data;
  return writeSectionFile(
    path,
    'SEIS',
    1,
    {
      fwdStart: d.fwdStart,
      fwdTerms: d.fwdTerms,
      fwdValues: d.fwdValues,
      listStart: d.listStart,
      blockStart: d.blockStart,
      blockDocs: d.blockDocs,
      sumStart: d.sumStart,
      sumTerms: d.sumTerms,
      sumCodes: d.sumCodes,
      sumMin: d.sumMin,
      sumStep: d.sumStep,
      knn: d.knn,
    },
    {
      rows: d.rows,
      dim: d.dim,
      knnK: d.knnK,
      params: index.params,
      small: d.fwdTerms instanceof Uint16Array,
      f16: d.fwdValues instanceof Uint16Array,
    },
  );
}

/** Reads a Seismic index. */
export function readSeismic(path: string, expect?: { bytes?: number; verifyChecksum?: boolean }): SeismicIndex {
  const f = readSectionFile(path, 'SEIS', 1, expect);
  const small = Boolean(f.meta.small);
  const terms = (name: string) => (small ? f.get(name, Uint16Array) : f.get(name, Uint32Array));
  // The forward index and the summaries move into kernel memory; the posting lists
  // and the neighbour lists stay outside and are copied out of the file's buffer,
  // since a view would keep the whole file in memory beside the kernel memory's copy.
  const data: SeismicData = {
    rows: Number(f.meta.rows),
    dim: Number(f.meta.dim),
    fwdStart: f.get('fwdStart', Float64Array),
    fwdTerms: terms('fwdTerms'),
    fwdValues: f.meta.f16 ? f.get('fwdValues', Uint16Array) : f.get('fwdValues', Float32Array),
    listStart: f.get('listStart', Uint32Array).slice(),
    blockStart: f.get('blockStart', Uint32Array).slice(),
    blockDocs: f.get('blockDocs', Uint32Array).slice(),
    sumStart: f.get('sumStart', Uint32Array),
    sumTerms: terms('sumTerms'),
    sumCodes: f.get('sumCodes', Uint8Array),
    sumMin: f.get('sumMin', Float32Array),
    sumStep: f.get('sumStep', Float32Array),
    knnK: Number(f.meta.knnK),
    knn: f.get('knn', Uint32Array).slice(),
  };
  return new SeismicIndex(data, f.meta.params as SeismicBuildParams);
}
