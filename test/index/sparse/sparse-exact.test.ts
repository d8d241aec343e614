// Exact sparse search: MaxScore, exhaustive accumulation and the forward
// scan agree on random collections; sparse file formats round-trip and
// report malformed input.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SparseExactIndex } from '../../../src/index/sparse/exact/sparse-exact-index.js';
import { forwardRows } from '../../../src/index/sparse/exact/sparse-inverted-lists.js';
import { normalizeSparse, sparseMatrixOf } from '../../../src/kernels/sparse-matrix.js';
import { readCsr, readSeismicBinary, readSeismicJsonl } from '../../../src/io/sparse-files.js';
import { tempDir, writeFile } from '../../helpers/temp-dir.js';

const dir = tempDir();

const vecArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 40 })), { minLength: 0, maxLength: 12 });

describe('exact sparse search', () => {
  it('pruned, exhaustive and scan return the same top k (with many ties)', () => {
    fc.assert(
      fc.property(fc.array(vecArb, { minLength: 1, maxLength: 400 }), vecArb, fc.integer({ min: 1, max: 15 }), (rows, q, k) => {
        // Weights are multiples of 1/4 so that many scores tie exactly.
        const m = sparseMatrixOf(
          rows.map((r) =>
            normalizeSparse(
              r.map((x) => x[0]),
              r.map((x) => x[1] / 4),
            ),
          ),
          61,
        );
        const query = normalizeSparse(
          q.map((x) => x[0]),
          q.map((x) => x[1] / 4),
        );
        const idx = new SparseExactIndex(m);
        const a = idx.search(query, k, 'scan');
        for (const mode of ['pruned', 'exhaustive'] as const) {
          const b = idx.search(query, k, mode);
          expect(Array.from(b.ids), mode).toEqual(Array.from(a.ids));
          expect(Array.from(b.scores), mode).toEqual(Array.from(a.scores));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('skips deleted rows inside the traversal: every mode equals the scan of the live rows', () => {
    fc.assert(
      fc.property(
        fc.array(vecArb, { minLength: 1, maxLength: 300 }),
        vecArb,
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (rows, q, k, seed) => {
          const m = sparseMatrixOf(
            rows.map((r) =>
              normalizeSparse(
                r.map((x) => x[0]),
                r.map((x) => x[1] / 4),
              ),
            ),
            61,
          );
          const query = normalizeSparse(
            q.map((x) => x[0]),
            q.map((x) => x[1] / 4),
          );
          // about half the rows deleted, chosen by the seed
          const deleted = Uint8Array.from(rows, (_, i) => ((seed >>> (i % 31)) ^ i) & 1);
          const idx = new SparseExactIndex(m);
          const all = idx.search(query, rows.length, 'scan');
          const live = Array.from(all.ids)
            .filter((d) => deleted[d] === 0)
            .slice(0, k);
          for (const mode of ['scan', 'pruned', 'exhaustive'] as const)
            expect(Array.from(idx.search(query, k, mode, deleted).ids), mode).toEqual(live);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pruned search over many windows (frequent and rare terms, deletes) equals the scan', () => {
    // 12,000 rows span three 4,096-document windows; term t appears in about 1 / (t + 1) of the rows,
    // so windows mix lists that are read whole with lists that are only probed
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 30 }), fc.boolean(), (seed, k, withDeletes) => {
        let x = seed;
        const next = (): number => {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          return (x >>> 0) / 2 ** 32;
        };
        const rows = Array.from({ length: 12_000 }, () => {
          const ids: number[] = [];
          const vals: number[] = [];
          for (let t = 0; t < 40; t++) {
            if (next() < 1 / (t + 1)) {
              ids.push(t);
              vals.push(Math.ceil(next() * 64) / 16);
            }
          }
          return normalizeSparse(ids, vals);
        });
        const m = sparseMatrixOf(rows, 40);
        const qIds = [0, 1, 2, 5, 9, 17, 33].filter(() => next() < 0.8);
        const query = normalizeSparse(
          qIds,
          qIds.map(() => Math.ceil(next() * 8) / 4),
        );
        const deleted = withDeletes ? Uint8Array.from(rows, () => (next() < 0.3 ? 1 : 0)) : null;
        const idx = new SparseExactIndex(m);
        const want = idx.search(query, k, 'scan', deleted);
        expect(idx.search(query, k, 'pruned', deleted)).toEqual(want);
        expect(idx.search(query, k, 'exhaustive', deleted)).toEqual(want);
      }),
      { numRuns: 25 },
    );
  });

  it('opened from its stored lists: same results, rows read back from the lists', () => {
    fc.assert(
      fc.property(fc.array(vecArb, { minLength: 1, maxLength: 200 }), vecArb, (rows, q) => {
        const m = sparseMatrixOf(
          rows.map((r) =>
            normalizeSparse(
              r.map((x) => x[0]),
              r.map((x) => x[1] / 4),
            ),
          ),
          61,
        );
        const built = new SparseExactIndex(m);
        const opened = new SparseExactIndex(built.lists);
        expect(opened.matrix).toBeNull();
        const query = normalizeSparse(
          q.map((x) => x[0]),
          q.map((x) => x[1] / 4),
        );
        expect(opened.search(query, 5, 'pruned')).toEqual(built.search(query, 5, 'scan'));
        expect(forwardRows(opened.lists)).toEqual(m);
        for (let d = 0; d < m.rows; d++) expect(opened.row(d)).toEqual(built.row(d));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a scan without forward rows and deleted flags that do not cover the rows', () => {
    const m = sparseMatrixOf([normalizeSparse([1, 2], [1, 1]), normalizeSparse([2], [3])], 3);
    const opened = new SparseExactIndex(new SparseExactIndex(m).lists);
    const q = normalizeSparse([2], [1]);
    expect(() => opened.search(q, 1, 'scan')).toThrow(
      'scan needs the forward rows; this index was opened from stored lists (use "pruned" or "exhaustive" (same results))',
    );
    expect(() => opened.search(q, 1, 'pruned', new Uint8Array(1))).toThrow('deleted flags cover 1 of 2 rows');
    expect(Array.from(opened.search(q, 2, 'pruned', Uint8Array.of(0, 1)).ids)).toEqual([0]);
  });
});

describe('sparse files', () => {
  it('reads Seismic binary and BigANN CSR files', () => {
    const b = Buffer.alloc(4 + 4 + 16 + 4 + 8);
    let o = b.writeUInt32LE(2, 0);
    o = b.writeUInt32LE(2, o);
    o = b.writeUInt32LE(3, o);
    o = b.writeUInt32LE(7, o);
    o = b.writeFloatLE(0.5, o);
    o = b.writeFloatLE(1.5, o);
    o = b.writeUInt32LE(1, o);
    o = b.writeUInt32LE(4, o);
    b.writeFloatLE(2, o);
    writeFileSync(join(dir, 'v.bin'), b);
    const m = readSeismicBinary(join(dir, 'v.bin'));
    expect(m.rows).toBe(2);
    expect(Array.from(m.indices)).toEqual([3, 7, 4]);

    const rows = 2;
    const nnz = 3;
    const c = Buffer.alloc(24 + 8 * (rows + 1) + 8 * nnz);
    c.writeBigInt64LE(2n, 0);
    c.writeBigInt64LE(10n, 8);
    c.writeBigInt64LE(3n, 16);
    [0n, 2n, 3n].forEach((v, i) => c.writeBigInt64LE(v, 24 + 8 * i));
    [5, 1, 9].forEach((v, i) => c.writeInt32LE(v, 48 + 4 * i));
    [1, 2, 3].forEach((v, i) => c.writeFloatLE(v, 60 + 4 * i));
    writeFileSync(join(dir, 'v.csr'), c);
    const csr = readCsr(join(dir, 'v.csr'));
    expect(Array.from(csr.indices)).toEqual([1, 5, 9]); // row 0 sorted by column
    expect(Array.from(csr.values)).toEqual([2, 1, 3]);
  });

  it('names malformed input', () => {
    writeFileSync(join(dir, 't.bin'), Buffer.from([1, 0, 0, 0, 9, 0, 0, 0]));
    expect(() => readSeismicBinary(join(dir, 't.bin'))).toThrow(/vector 0: length 9 runs past the end/);
    writeFileSync(join(dir, 't.csr'), Buffer.alloc(30));
    expect(() => readCsr(join(dir, 't.csr'))).toThrow(/does not match header/);
    const p = writeFile(dir, 'bad.jsonl', '{"id":1,"vector":{"a":1}}\n{"id":2,"vector":{"b":"x"}}\n');
    expect(() => readSeismicJsonl(p)).toThrow(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: vector: weight of "b" is "x"`));
    // a negative weight in a binary or CSR row (the indexes would skip it rather than subtract it)
    expect(() => normalizeSparse([3, 1], [0.5, -2], 'row 7')).toThrow(
      'row 7: weight of term 1 is -2 (learned sparse weights are finite and >= 0)',
    );
  });
});
