/** File layout of an HNSW index: one section file of kind "HNSW" (graph arrays, parameters in the table of contents). */
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../io/section-file.js';
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
  const f = readSectionFile(path, 'HNSW', 1, expect);
  const params = f.meta.params as HnswParams & { metric: DenseMetric };
  // Copies make the arrays growable (views into the file buffer cannot be resized).
  const graph = new HnswGraph(params, {
    count: Number(f.meta.count),
    vectors: f.get('vectors', Float32Array).slice(),
    levels: f.get('levels', Uint8Array).slice(),
    links0: f.get('links0', Int32Array).slice(),
    counts0: f.get('counts0', Uint8Array).slice(),
    upperStart: f.get('upperStart', Int32Array).slice(),
    upperLinks: f.get('upperLinks', Int32Array).slice(),
    upperCounts: f.get('upperCounts', Uint8Array).slice(),
    upperUsed: Number(f.meta.upperUsed),
    deleted: f.get('deleted', Uint8Array).slice(),
    entry: Number(f.meta.entry),
    maxLevel: Number(f.meta.maxLevel),
    rngState: Number(f.meta.rngState),
  });
  return new HnswIndex(graph, params);
}
