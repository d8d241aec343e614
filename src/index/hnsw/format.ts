/** File layout of an HNSW index: one section file of kind "HNSW" (graph arrays, parameters in the table of contents). */
import { readSectionFile, readSectionInto, writeSectionFile, type WrittenFile } from '../../io/section-file.js';
import type { DenseMetric } from '../dense-types.js';
import { HnswGraph } from './graph.js';
import type { HnswParams } from './params.js';
import { HnswIndex } from './search.js';

/** Writes an HNSW index; reopening it needs no rebuild. */
export function writeHnsw(path: string, index: HnswIndex): WrittenFile {
  const s = index.graph.s;
  const n = s.count;
  return writeSectionFile(
    path,
    'HNSW',
    1,
    {
      vectors: s.vectors.subarray(0, n * index.dim),
      levels: s.levels.subarray(0, n),
      links0: s.links0.subarray(0, n * index.graph.M0),
      counts0: s.counts0.subarray(0, n),
      upperStart: s.upperStart.subarray(0, n),
      upperLinks: s.upperLinks.subarray(0, s.upperUsed * index.graph.M),
      upperCounts: s.upperCounts.subarray(0, s.upperUsed),
      deleted: s.deleted.subarray(0, n),
    },
    { params: index.params, count: n, upperUsed: s.upperUsed, entry: s.entry, maxLevel: s.maxLevel, rngState: s.rngState },
  );
}

/** Reads an HNSW index written by writeHnsw. */
export function readHnsw(path: string, expect?: { bytes?: number; verifyChecksum?: boolean }): HnswIndex {
  // The two large arrays are read straight into arrays of their own and the rest section by
  // section (no buffer of the whole file to copy them out of); each array is its own, so the
  // graph can grow them.
  const f = readSectionFile(path, 'HNSW', 1, { ...expect, onDisk: ['vectors', 'links0'] });
  const params = f.meta.params as HnswParams & { metric: DenseMetric };
  const own = <T extends Float32Array | Int32Array>(name: string, type: new (n: number) => T): T => {
    const at = f.locate(name, type as unknown as Float32ArrayConstructor);
    const out = new type(at.length);
    readSectionInto(at, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    return out;
  };
  const graph = new HnswGraph(params, {
    count: Number(f.meta.count),
    vectors: own('vectors', Float32Array),
    levels: f.get('levels', Uint8Array),
    links0: own('links0', Int32Array),
    counts0: f.get('counts0', Uint8Array),
    upperStart: f.get('upperStart', Int32Array),
    upperLinks: f.get('upperLinks', Int32Array),
    upperCounts: f.get('upperCounts', Uint8Array),
    upperUsed: Number(f.meta.upperUsed),
    deleted: f.get('deleted', Uint8Array),
    entry: Number(f.meta.entry),
    maxLevel: Number(f.meta.maxLevel),
    rngState: Number(f.meta.rngState),
  });
  return new HnswIndex(graph, params);
}
