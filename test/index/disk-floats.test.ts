// Compressed families with their rescoring floats left on disk: the same answers
// as with the floats in memory, nothing but the codes in memory, and damage,
// removal and closing handled.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBinary, readBinary, writeBinary } from '../../src/index/dense/binary/index.js';
import type { DenseHits, DenseIndex, DenseSearchOptions } from '../../src/index/dense/dense-types.js';
import { readDense } from '../../src/index/dense/dense-registry.js';
import { buildInt8, readInt8, writeInt8 } from '../../src/index/dense/int8/index.js';
import { buildIvfPq, readIvfPq, writeIvfPq } from '../../src/index/dense/ivfpq/index.js';
import { type DiskRows } from '../../src/io/disk-rows.js';
import { buildFlat, writeFlat } from '../../src/index/dense/flat/index.js';
import { buildHnsw, readHnsw, writeHnsw } from '../../src/index/dense/hnsw/index.js';
import { loadGlove10k } from '../helpers/glove.js';
import { pinnedViews } from '../helpers/pinned-views.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const glove = loadGlove10k('angular');
const dim = glove.base.dim;
const rows = glove.base.data.subarray(0, 3000 * dim);
const queries = glove.queries.data.subarray(0, 40 * dim);

type Family = {
  name: string;
  write: (path: string) => void;
  read: (
    path: string,
    onDisk: boolean,
  ) => DenseIndex<DenseSearchOptions & { rescore?: number }> & { floats: Float32Array | null; diskFloats: DiskRows | null };
};
const families: Family[] = [
  {
    name: 'int8',
    write: (p) => void writeInt8(p, buildInt8(rows, { dim, metric: 'cosine' })),
    read: (p, onDisk) => readInt8(p, { floatsOnDisk: onDisk }),
  },
  {
    name: 'binary',
    write: (p) => void writeBinary(p, buildBinary(rows, { dim, metric: 'cosine' })),
    read: (p, onDisk) => readBinary(p, { floatsOnDisk: onDisk }),
  },
  {
    name: 'ivfpq',
    write: (p) => void writeIvfPq(p, buildIvfPq(rows, { dim, metric: 'l2', nlist: 32, m: 25 })),
    read: (p, onDisk) => readIvfPq(p, { floatsOnDisk: onDisk }),
  },
];

function expectSameHits(a: DenseHits[], b: DenseHits[]): void {
  expect(b.map((h) => Array.from(h.ids))).toEqual(a.map((h) => Array.from(h.ids)));
  // the in-memory path may rescore with the SIMD kernels, which sum in another order
  for (let q = 0; q < a.length; q++)
    for (let j = 0; j < a[q]!.scores.length; j++)
      expect(Math.abs(b[q]!.scores[j]! - a[q]!.scores[j]!)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(a[q]!.scores[j]!)));
}

describe.each(families)('$name with floats on disk', (family) => {
  const path = join(dir, `${family.name}.idx`);
  family.write(path);

  it('answers as the in-memory index does, keeping no floats in memory', () => {
    const memory = family.read(path, false);
    const disk = family.read(path, true);
    expect(memory.floats).not.toBeNull();
    expect(disk.floats).toBeNull();
    expect(disk.diskFloats!.rows).toBe(3000);
    for (const rescore of [2, 10]) expectSameHits(memory.searchBatch(queries, 10, { rescore }), disk.searchBatch(queries, 10, { rescore }));
    // single rows (feedback, reranking) and all rows (merges) read the same floats
    expect(Array.from(disk.floatRow(1234)!)).toEqual(Array.from(memory.floatRow(1234)!));
    expect(disk.floatRows()).toEqual(memory.floatRows());
    disk.diskFloats!.close();
  });

  it('an opened index keeps no view into its file buffer beside the kernel memory copy', () => {
    expect(pinnedViews(family.read(path, false))).toEqual([]);
  });

  it('writes the same file as the in-memory index', () => {
    const write = ({ int8: writeInt8, binary: writeBinary, ivfpq: writeIvfPq } as Record<string, (p: string, i: never) => void>)[
      family.name
    ]!;
    const disk = family.read(path, true);
    write(join(dir, `${family.name}.from-disk.idx`), disk as never);
    write(join(dir, `${family.name}.from-memory.idx`), family.read(path, false) as never);
    expect(readFileSync(join(dir, `${family.name}.from-disk.idx`)).equals(readFileSync(join(dir, `${family.name}.from-memory.idx`)))).toBe(
      true,
    );
    disk.diskFloats!.close();
  });
});

describe('floats on disk: file lifetime and damage', () => {
  const path = join(dir, 'lifetime.idx');
  writeBinary(path, buildBinary(rows, { dim, metric: 'cosine' }));

  it('a reader keeps searching after the file is removed (an open file outlives its name)', () => {
    const copy = join(dir, 'removed.idx');
    writeFileSync(copy, readFileSync(path));
    const idx = readBinary(copy, { floatsOnDisk: true });
    const before = idx.searchBatch(queries, 10);
    rmSync(copy);
    expectSameHits(before, idx.searchBatch(queries, 10));
    idx.diskFloats!.close();
    expect(() => idx.search(queries.subarray(0, dim), 10)).toThrow('the rows were closed');
  });

  it('a damaged floats section is caught at open by the checksum, read in parts', () => {
    const bad = join(dir, 'damaged.idx');
    const bytes = readFileSync(path);
    bytes[bytes.length - 5]! ^= 0xff; // the floats are the last sections' bytes
    writeFileSync(bad, bytes);
    expect(() => readBinary(bad, { floatsOnDisk: true })).toThrow(/checksum mismatch/);
    expect(() => readBinary(bad, { floatsOnDisk: true, verifyChecksum: false })).not.toThrow();
    writeFileSync(bad, bytes.subarray(0, bytes.length - 100));
    expect(() => readBinary(bad, { floatsOnDisk: true })).toThrow(/truncated or extended/);
  });

  it('flat and HNSW files opened keep no view into their file buffer either', () => {
    const flatPath = join(dir, 'flat-pin.idx');
    writeFlat(flatPath, buildFlat(rows, { dim, metric: 'cosine' }));
    expect(pinnedViews(readDense(flatPath))).toEqual([]);
    const hnswPath = join(dir, 'hnsw-pin.idx');
    writeHnsw(hnswPath, buildHnsw(rows.subarray(0, 500 * dim), { dim, metric: 'cosine' }));
    expect(pinnedViews(readHnsw(hnswPath))).toEqual([]);
  });

  it('flat files keep their rows in memory whatever is asked', () => {
    const flatPath = join(dir, 'flat.idx');
    writeFlat(flatPath, buildFlat(rows, { dim, metric: 'cosine' }));
    const idx = readDense(flatPath, { floatsOnDisk: true });
    expect(idx.floatRows()!.length).toBe(rows.length);
  });

  it('disk rows reject rows outside the file', () => {
    const idx = readBinary(path, { floatsOnDisk: true });
    expect(() => idx.diskFloats!.gather([3000], 1, new Float32Array(dim))).toThrow('row 3000 is outside 0..2999');
    idx.diskFloats!.close();
  });
});
