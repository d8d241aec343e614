/** File layout of an HNSW index: one section file of kind "HNSW" (graph arrays, parameters in the table of contents). */
import { deferSection } from '../../../io/deferred-array.js';
import { QuarryError } from '../../../core/quarry-error.js';
import { readSectionFile, writeSectionFile, type WrittenFile } from '../../../io/section-file.js';
import type { DenseMetric } from '../dense-types.js';
import { HnswGraph } from './graph.js';
import type { HnswParams } from './params.js';
import { HnswIndex } from './hnsw-index.js';

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
  // The two large arrays are left out of the first read and read by the graph straight into
  // the memory it keeps them in (kernel memory when the kernels are on); the rest is read
  // section by section (no buffer of the whole file to copy them out of).
  const f = readSectionFile(path, 'HNSW', 1, { ...expect, onDisk: ['vectors', 'links0'] });
  const params = f.meta.params as HnswParams & { metric: DenseMetric };
  const count = Number(f.meta.count);
  const vectors = deferSection(f, 'vectors', Float32Array);
  const levels = f.get('levels', Uint8Array);
  const links0 = deferSection(f, 'links0', Int32Array);
  // The graph sizes its arrays by the node count: sections of other sizes are damage.
  const expected: Array<[string, number, number]> = [
    ['vectors', vectors.length, count * params.dim],
    ['levels', levels.length, count],
    ['links0', links0.length, count * 2 * params.M],
  ];
  for (const [name, length, want] of expected) {
    if (!Number.isInteger(count) || length !== want)
      throw new QuarryError(
        'CORRUPT',
        `section "${name}" holds ${length} values, not ${want} for ${count} nodes`,
        { file: path },
        'rebuild the index, or restore the collection from a snapshot',
      );
  }
  const graph = new HnswGraph(params, {
    count,
    vectors,
    levels,
    links0,
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
