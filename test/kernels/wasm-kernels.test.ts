// Every WebAssembly kernel against its pure-TypeScript reference, on awkward lengths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dot, l2Squared } from '../../src/kernels/dense-distance.js';
import { FLOAT16_TABLE } from '../../src/kernels/float16.js';
import { hamming, popcount32 } from '../../src/kernels/popcount.js';
import { TopKHeap } from '../../src/kernels/top-k-heap.js';
import { KernelMemory } from '../../src/kernels/wasm/kernel-memory.js';
import { wasmKernelsEnabled } from '../../src/kernels/wasm/kernel-module.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';

const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 384, 385];

const rng = xorshift32;

/** Random 32-bit words. */
function words32(seed: number): () => number {
  const r = xorshift32(seed);
  return () => Math.floor(r() * 4294967296) >>> 0;
}

function memory(): KernelMemory {
  const m = KernelMemory.create(8 << 20);
  if (m === null) throw new Error('WebAssembly SIMD kernels unavailable');
  return m;
}

/** |exact - got| within float32 rounding of a sum of n products of magnitude `scale`. */
function close(got: number, exact: number, scale: number): void {
  expect(Math.abs(got - exact)).toBeLessThanOrEqual(1e-5 * Math.max(1, scale));
}

describe('WebAssembly SIMD kernels', () => {
  it('are available on this machine (Node 20 has WebAssembly SIMD)', () => {
    expect(wasmKernelsEnabled()).toBe(true);
  });

  it('float32 dot and squared L2, one to one, agree with the reference on every length', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LENGTHS), fc.integer({ min: 1, max: 1e9 }), (n, seed) => {
        const m = memory();
        const r = rng(seed);
        const a = m.array(Float32Array, n);
        const b = m.array(Float32Array, n);
        let scale = 0;
        for (let i = 0; i < n; i++) {
          a[i] = r() * 2 - 1;
          b[i] = r() * 2 - 1;
          scale += Math.abs(a[i]! * b[i]!) + (a[i]! - b[i]!) ** 2;
        }
        close(m.k.dot_f32(a.byteOffset, b.byteOffset, n), dot(a, 0, b, 0, n), scale);
        close(m.k.l2sq_f32(a.byteOffset, b.byteOffset, n), l2Squared(a, 0, b, 0, n), scale);
      }),
      { numRuns: 60 },
    );
  });

  it('one-to-many float32 kernels (consecutive rows and id lists) agree with the reference', () => {
    for (const dim of [1, 3, 16, 17, 100]) {
      const m = memory();
      const r = rng(dim);
      const rows = 37;
      const q = m.array(Float32Array, dim);
      const data = m.array(Float32Array, rows * dim);
      for (let i = 0; i < dim; i++) q[i] = r() - 0.5;
      for (let i = 0; i < data.length; i++) data[i] = r() - 0.5;
      const out = m.array(Float32Array, rows);
      m.k.dot_f32_rows(q.byteOffset, data.byteOffset, dim, rows, out.byteOffset);
      for (let j = 0; j < rows; j++) close(out[j]!, dot(q, 0, data, j * dim, dim), dim);
      m.k.l2sq_f32_rows(q.byteOffset, data.byteOffset, dim, rows, out.byteOffset);
      for (let j = 0; j < rows; j++) close(out[j]!, l2Squared(q, 0, data, j * dim, dim), dim);
      const ids = m.array(Int32Array, 5);
      ids.set([36, 0, 7, 7, 20]);
      const got = m.array(Float32Array, 5);
      m.k.dot_f32_ids(q.byteOffset, data.byteOffset, dim, ids.byteOffset, 5, got.byteOffset);
      for (let j = 0; j < 5; j++) close(got[j]!, dot(q, 0, data, ids[j]! * dim, dim), dim);
      m.k.l2sq_f32_ids(q.byteOffset, data.byteOffset, dim, ids.byteOffset, 5, got.byteOffset);
      for (let j = 0; j < 5; j++) close(got[j]!, l2Squared(q, 0, data, ids[j]! * dim, dim), dim);
      got.fill(7);
      m.k.dot_f32_ids(q.byteOffset, data.byteOffset, dim, ids.byteOffset, 0, got.byteOffset);
      expect(Array.from(got)).toEqual([7, 7, 7, 7, 7]); // an empty id list writes nothing
    }
  });

  it('the HNSW selection heuristic keeps the neighbours the TypeScript loop keeps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(0, 1),
        (seed, n, max, l2) => {
          const m = memory();
          const r = rng(seed);
          const dim = 7;
          const rows = 64;
          const data = m.array(Float32Array, rows * dim);
          for (let i = 0; i < data.length; i++) data[i] = r() - 0.5;
          // the graph's distance, computed by the same kernels the graph uses
          const dist = (a: number, b: number): number =>
            l2
              ? m.k.l2sq_f32(data.byteOffset + 4 * a * dim, data.byteOffset + 4 * b * dim, dim)
              : -m.k.dot_f32(data.byteOffset + 4 * a * dim, data.byteOffset + 4 * b * dim, dim);
          const base = rows - 1;
          const cands = Array.from({ length: n }, () => Math.floor(r() * (rows - 1)))
            .map((id) => ({ id, d: dist(base, id) }))
            .sort((x, y) => x.d - y.d);
          const ids = m.array(Int32Array, n);
          const dists = m.array(Float32Array, n);
          cands.forEach((c, i) => ((ids[i] = c.id), (dists[i] = c.d)));
          const want: number[] = [];
          for (const c of cands) {
            if (want.length === max) break;
            if (want.every((k) => !(dist(c.id, k) < c.d))) want.push(c.id);
          }
          const out = m.array(Int32Array, max);
          const kept = m.k.hnsw_select(data.byteOffset, dim, l2, ids.byteOffset, dists.byteOffset, n, max, out.byteOffset);
          expect(Array.from(out.subarray(0, kept))).toEqual(want);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('int8 dot products and squared L2 are exact, including -128, 127 and their difference', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LENGTHS), fc.integer({ min: 1, max: 1e9 }), (n, seed) => {
        const m = memory();
        const r = rng(seed);
        const a = m.array(Int8Array, n);
        const rows = 3;
        const b = m.array(Int8Array, n * rows);
        for (let i = 0; i < n; i++) a[i] = i % 5 === 0 ? -128 : i % 4 === 0 ? 127 : Math.floor(r() * 256) - 128;
        for (let i = 0; i < b.length; i++) b[i] = i % 7 === 0 ? -128 : i % 11 === 0 ? 127 : Math.floor(r() * 256) - 128;
        const dots = m.array(Int32Array, rows);
        const dists = m.array(Int32Array, rows);
        m.k.dot_i8_rows(a.byteOffset, b.byteOffset, n, rows, dots.byteOffset);
        m.k.l2sq_i8_rows(a.byteOffset, b.byteOffset, n, rows, dists.byteOffset);
        for (let j = 0; j < rows; j++) {
          let dot = 0;
          let l2 = 0;
          for (let i = 0; i < n; i++) {
            dot += a[i]! * b[j * n + i]!;
            l2 += (a[i]! - b[j * n + i]!) ** 2;
          }
          expect(dots[j]).toBe(dot);
          expect(m.k.dot_i8(a.byteOffset, b.byteOffset + j * n, n)).toBe(dot);
          expect(dists[j]).toBe(l2);
          expect(m.k.l2sq_i8(a.byteOffset, b.byteOffset + j * n, n)).toBe(l2);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('nearest-centroid assignment matches a brute-force argmin, strided rows included', () => {
    for (const [dim, k, stride] of [
      [1, 1, 1],
      [3, 5, 3],
      [4, 7, 12],
      [17, 9, 20],
      [100, 33, 100],
    ] as const) {
      const m = memory();
      const r = rng(dim * 31 + k);
      const n = 50;
      const data = m.array(Float32Array, n * stride);
      for (let i = 0; i < data.length; i++) data[i] = r() - 0.5;
      const cents = m.array(Float32Array, k * dim);
      for (let i = 0; i < cents.length; i++) cents[i] = r() - 0.5;
      cents.set(cents.subarray(0, dim), (k - 1) * dim); // a duplicate centroid: ties go to the first
      const offset = stride - dim;
      const assign = m.array(Int32Array, n);
      const dist = m.array(Float32Array, n);
      m.k.nearest_l2_rows(data.byteOffset + 4 * offset, n, 4 * stride, dim, cents.byteOffset, k, assign.byteOffset, dist.byteOffset);
      for (let i = 0; i < n; i++) {
        const ds = Array.from({ length: k }, (_, c) => l2Squared(data, i * stride + offset, cents, c * dim, dim));
        const best = Math.min(...ds);
        close(dist[i]!, best, dim);
        expect(ds[assign[i]!]! - best).toBeLessThanOrEqual(1e-5 * dim);
        if (k > 1) expect(assign[i]).not.toBe(k - 1); // centroid k-1 duplicates centroid 0, which wins the tie
      }
    }
  });

  it('16-bit x uint8 code scores are exact integer sums, extremes included', () => {
    const next = words32(16);
    // every way a row can end: 16-code blocks, then 8, 4 and single codes; 4-row groups and the rows after them
    for (const dim of [1, 3, 4, 8, 12, 13, 15, 16, 17, 20, 28, 31, 100, 384, 1000]) {
      const m = memory();
      const rows = 9;
      const q = m.array(Int16Array, dim);
      const codes = m.array(Uint8Array, rows * dim);
      for (let d = 0; d < dim; d++) q[d] = d % 7 === 0 ? (d % 2 === 0 ? 2047 : -2047) : (next() % 4095) - 2047;
      for (let i = 0; i < codes.length; i++) codes[i] = i % 5 === 0 ? 255 : next() % 256;
      const out = m.array(Float32Array, rows);
      const scale = 0.001;
      const add = -0.25;
      m.k.dot_i16_u8_rows(q.byteOffset, codes.byteOffset, dim, rows, scale, add, out.byteOffset);
      for (let r = 0; r < rows; r++) {
        let sum = 0;
        for (let d = 0; d < dim; d++) sum += q[d]! * codes[r * dim + d]!;
        expect(out[r], `dim ${dim} row ${r}`).toBe(Math.fround(add + scale * sum));
      }
    }
  });

  it('float32 x uint8 code scores agree with the reference', () => {
    for (const dim of LENGTHS) {
      const m = memory();
      const r = rng(dim + 1);
      const rows = 9;
      const q = m.array(Float32Array, dim);
      const codes = m.array(Uint8Array, rows * dim);
      for (let i = 0; i < dim; i++) q[i] = r() - 0.5;
      for (let i = 0; i < codes.length; i++) codes[i] = i % 13 === 0 ? 255 : Math.floor(r() * 256);
      const out = m.array(Float32Array, rows);
      m.k.dot_f32_u8_rows(q.byteOffset, codes.byteOffset, dim, rows, 0.25, out.byteOffset);
      for (let j = 0; j < rows; j++) {
        let s = 0.25;
        for (let d = 0; d < dim; d++) s += q[d]! * codes[j * dim + d]!;
        close(out[j]!, s, 128 * dim);
      }
    }
  });

  it('Hamming distances are exact', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 33), fc.integer({ min: 1, max: 1e9 }), (words, seed) => {
        const m = memory();
        const next = words32(seed);
        const rows = 6;
        const q = m.array(Uint32Array, words);
        const codes = m.array(Uint32Array, rows * words);
        for (let i = 0; i < words; i++) q[i] = next();
        for (let i = 0; i < codes.length; i++) codes[i] = i % 5 === 0 ? 0xffffffff : next();
        const out = m.array(Int32Array, rows);
        m.k.hamming_rows(q.byteOffset, codes.byteOffset, words, rows, out.byteOffset);
        for (let j = 0; j < rows; j++) {
          expect(out[j]).toBe(hamming(q, 0, codes, j * words, words));
          expect(m.k.hamming(q.byteOffset, codes.byteOffset + j * words * 4, words)).toBe(out[j]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('bit-plane estimates equal the popcount arithmetic of the reference', () => {
    for (const [words, planes, bits] of [
      [1, 1, 1],
      [3, 2, 4],
      [4, 1, 4],
      [4, 2, 4],
      [4, 3, 4],
      [5, 3, 2],
      [12, 2, 4],
    ] as const) {
      const m = memory();
      const next = words32(words * 100 + planes * 10 + bits);
      const rows = 11;
      const qPlanes = m.array(Uint32Array, planes * bits * words);
      const codes = m.array(Uint32Array, rows * planes * words);
      for (let i = 0; i < qPlanes.length; i++) qPlanes[i] = next();
      for (let i = 0; i < codes.length; i++) codes[i] = next();
      const minW = m.array(Float64Array, planes);
      const step = m.array(Float64Array, planes);
      for (let t = 0; t < planes; t++) {
        minW[t] = -0.1 * (t + 1);
        step[t] = 0.013 * (t + 1);
      }
      const out = m.array(Float32Array, rows);
      m.k.bitplane_rows(
        qPlanes.byteOffset,
        codes.byteOffset,
        words,
        planes,
        bits,
        rows,
        minW.byteOffset,
        step.byteOffset,
        0.5,
        out.byteOffset,
      );
      for (let r = 0; r < rows; r++) {
        let est = 0.5;
        for (let t = 0; t < planes; t++) {
          let ones = 0;
          let weighted = 0;
          for (let w = 0; w < words; w++) {
            const c = codes[(r * planes + t) * words + w]!;
            ones += popcount32(c);
            for (let j = 0; j < bits; j++) weighted += popcount32(c & qPlanes[(t * bits + j) * words + w]!) << j;
          }
          est += 2 * (minW[t]! * ones + step[t]! * weighted);
        }
        expect(out[r]).toBe(Math.fround(est));
      }
    }
  });

  it('per-row terms of binary estimates agree with the reference, with any of them absent', () => {
    const next = words32(77);
    const rows = 37;
    const unit = (): number => next() / 4294967296 - 0.5;
    for (let mask = 0; mask < 16; mask++) {
      const m = memory();
      const est = m.array(Float32Array, rows);
      const corr = m.array(Float32Array, rows);
      const offsets = m.array(Float32Array, rows);
      const assign = m.array(Uint16Array, rows);
      const normsSq = m.array(Float32Array, rows);
      const qc = m.array(Float32Array, 5);
      for (let c = 0; c < 5; c++) qc[c] = unit();
      for (let r = 0; r < rows; r++) {
        est[r] = unit() * 10;
        corr[r] = 1 + unit();
        offsets[r] = unit();
        assign[r] = next() % 5;
        normsSq[r] = 1 + unit();
      }
      const [hasCorr, hasOffsets, hasAssign, l2] = [1, 2, 4, 8].map((b) => (mask & b) !== 0) as [boolean, boolean, boolean, boolean];
      const want = est.map((e, r) => {
        let x = e;
        if (hasCorr) x *= corr[r]!;
        x += qc[hasAssign ? assign[r]! : 0]!;
        if (hasOffsets) x += offsets[r]!;
        return l2 ? 2 * x - normsSq[r]! : x;
      });
      const ptr = (present: boolean, a: Float32Array | Uint16Array): number => (present ? a.byteOffset : 0);
      m.k.binary_row_terms(
        est.byteOffset,
        rows,
        ptr(hasCorr, corr),
        ptr(hasOffsets, offsets),
        ptr(hasAssign, assign),
        qc.byteOffset,
        ptr(l2, normsSq),
      );
      expect(Array.from(est), `mask ${mask}`).toEqual(Array.from(want));
    }
  });

  it('PQ table scans agree with the reference', () => {
    for (const mSub of [1, 2, 3, 8, 25, 48]) {
      const m = memory();
      const r = rng(mSub);
      const rows = 13;
      const lut = m.array(Float32Array, mSub * 256);
      for (let i = 0; i < lut.length; i++) lut[i] = r() - 0.5;
      const codes = m.array(Uint8Array, rows * mSub);
      for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(r() * 256);
      const out = m.array(Float32Array, rows);
      m.k.pq_scan(lut.byteOffset, codes.byteOffset, mSub, rows, 1.5, out.byteOffset);
      for (let j = 0; j < rows; j++) {
        let s = 1.5;
        for (let t = 0; t < mSub; t++) s += lut[t * 256 + codes[j * mSub + t]!]!;
        close(out[j]!, s, mSub);
      }
    }
  });

  it('Seismic block-summary scores agree with the reference for 16/32-bit terms', () => {
    for (const termBytes of [2, 4] as const) {
      const m = memory();
      const r = rng(termBytes + 40);
      const blocks = 23;
      const vocab = 700;
      const sumStart = m.array(Uint32Array, blocks + 1);
      for (let b = 0; b < blocks; b++) sumStart[b + 1] = sumStart[b]! + (b === 5 ? 0 : 1 + Math.floor(r() * 60));
      const n = sumStart[blocks]!;
      const terms = termBytes === 2 ? m.array(Uint16Array, n) : m.array(Uint32Array, n);
      const codes = m.array(Uint8Array, n);
      for (let i = 0; i < n; i++) {
        terms[i] = Math.floor(r() * vocab);
        codes[i] = Math.floor(r() * 256);
      }
      const mins = m.array(Float32Array, blocks);
      const steps = m.array(Float32Array, blocks);
      for (let b = 0; b < blocks; b++) {
        mins[b] = r() * 0.5;
        steps[b] = r() / 100;
      }
      const q = m.array(Float32Array, vocab);
      for (let i = 0; i < vocab; i++) q[i] = r() < 0.3 ? r() * 2 : 0;
      const out = m.array(Float32Array, blocks);
      // blocks 3..20 of the 23, as one posting list's range
      m.k.summary_scores(
        q.byteOffset,
        sumStart.byteOffset,
        terms.byteOffset,
        termBytes,
        codes.byteOffset,
        mins.byteOffset,
        steps.byteOffset,
        3,
        21,
        out.byteOffset,
      );
      for (let b = 3; b < 21; b++) {
        let want = 0;
        for (let i = sumStart[b]!; i < sumStart[b + 1]!; i++) want += q[terms[i]!]! * (mins[b]! + steps[b]! * codes[i]!);
        close(out[b - 3]!, want, 100);
      }
      expect(out[18]).toBe(0); // nothing written past the range
    }
  });

  it('sparse forward-index dots agree with the reference for 16/32-bit terms and float32/float16 values', () => {
    const dimVocab = 500;
    for (const termBytes of [2, 4] as const) {
      for (const half of [false, true]) {
        const m = memory();
        const r = rng(termBytes * 10 + (half ? 1 : 0));
        const rows = 20;
        const start = m.array(Float64Array, rows + 1);
        const lens = Array.from({ length: rows }, (_, i) => (i === 3 ? 0 : 1 + Math.floor(r() * 40)));
        for (let i = 0; i < rows; i++) start[i + 1] = start[i]! + lens[i]!;
        const nnz = start[rows]!;
        const terms = termBytes === 2 ? m.array(Uint16Array, nnz) : m.array(Uint32Array, nnz);
        const values = half ? m.array(Uint16Array, nnz) : m.array(Float32Array, nnz);
        for (let i = 0; i < nnz; i++) {
          terms[i] = Math.floor(r() * dimVocab);
          values[i] = half ? 0x3c00 + Math.floor(r() * 0x400) : r() * 3; // float16 in [1, 2)
        }
        const table = half ? m.adopt(FLOAT16_TABLE) : null;
        const q = m.array(Float32Array, dimVocab);
        for (let i = 0; i < dimVocab; i++) q[i] = r() < 0.2 ? r() : 0;
        const ids = m.array(Int32Array, rows);
        for (let i = 0; i < rows; i++) ids[i] = rows - 1 - i;
        const out = m.array(Float32Array, rows);
        m.k.sparse_dot_rows(
          q.byteOffset,
          start.byteOffset,
          terms.byteOffset,
          termBytes,
          values.byteOffset,
          table?.byteOffset ?? 0,
          ids.byteOffset,
          rows,
          out.byteOffset,
        );
        for (let j = 0; j < rows; j++) {
          const row = ids[j]!;
          let s = 0;
          for (let i = start[row]!; i < start[row + 1]!; i++) s += q[terms[i]!]! * (half ? FLOAT16_TABLE[values[i]!]! : values[i]!);
          close(out[j]!, s, 100);
        }
      }
    }
  });

  it('MaxSim over float32 and int8 token rows agrees with the reference', () => {
    for (const [nq, nt, dim] of [
      [1, 1, 1],
      [3, 0, 8],
      [5, 7, 17],
      [32, 40, 100],
      [2, 3, 128],
    ] as const) {
      const m = memory();
      const r = rng(nq * 1000 + nt * 10 + dim);
      const q = m.array(Float32Array, nq * dim);
      const tokens = m.array(Float32Array, nt * dim);
      const codes = m.array(Int8Array, nt * dim);
      const scales = m.array(Float32Array, nt);
      for (let i = 0; i < q.length; i++) q[i] = r() - 0.5;
      for (let i = 0; i < tokens.length; i++) tokens[i] = r() - 0.5;
      for (let i = 0; i < codes.length; i++) codes[i] = i % 9 === 0 ? -128 : Math.floor(r() * 256) - 128;
      for (let t = 0; t < nt; t++) scales[t] = r() / 100;
      const best = m.array(Float32Array, nq);
      let want = 0;
      let want8 = 0;
      for (let i = 0; i < nq && nt > 0; i++) {
        let b = -Infinity;
        let b8 = -Infinity;
        for (let t = 0; t < nt; t++) {
          b = Math.max(b, dot(q, i * dim, tokens, t * dim, dim));
          let s = 0;
          for (let j = 0; j < dim; j++) s += q[i * dim + j]! * codes[t * dim + j]!;
          b8 = Math.max(b8, s * scales[t]!);
        }
        want += b;
        want8 += b8;
      }
      close(m.k.maxsim_f32(q.byteOffset, nq, tokens.byteOffset, nt, dim, best.byteOffset), want, nq * dim);
      close(m.k.maxsim_f32_i8(q.byteOffset, nq, codes.byteOffset, scales.byteOffset, nt, dim, best.byteOffset), want8, nq * dim);
    }
  });

  it('top-k selection keeps what TopKHeap keeps, in the same order, with filters and chunks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 0, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 64 }),
        (ints, k, filtered, chunk) => {
          const m = memory();
          const n = ints.length;
          const scores = m.array(Float32Array, n);
          for (let i = 0; i < n; i++) scores[i] = ints[i]! / 4; // many ties
          const allow = m.array(Uint32Array, Math.ceil(n / 32) + 1);
          for (let i = 0; i < n; i++) if (i % 3 !== 1) allow[i >>> 5]! |= 1 << (i & 31);
          const hs = m.array(Float32Array, k);
          const hi = m.array(Int32Array, k);
          let size = 0;
          for (let from = 0; from < n; from += chunk) {
            const len = Math.min(chunk, n - from);
            size = m.k.topk_push(
              scores.byteOffset + from * 4,
              len,
              from,
              0,
              filtered ? allow.byteOffset : 0,
              0,
              hs.byteOffset,
              hi.byteOffset,
              size,
              k,
            );
          }
          m.k.topk_sort(hs.byteOffset, hi.byteOffset, size);
          const ref = new TopKHeap(k);
          for (let i = 0; i < n; i++) if (!filtered || i % 3 !== 1) ref.offer(scores[i]!, i);
          const want = ref.drain();
          expect(Array.from(hi.subarray(0, size))).toEqual(Array.from(want.docs));
          expect(Array.from(hs.subarray(0, size))).toEqual(Array.from(want.scores));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('top-k selection negates distances, takes explicit ids and never keeps NaN', () => {
    const m = memory();
    const d = m.array(Float32Array, 5);
    d.set([3, NaN, 1, 2, 0.5]);
    const ids = m.array(Int32Array, 5);
    ids.set([40, 41, 42, 43, 44]);
    const hs = m.array(Float32Array, 3);
    const hi = m.array(Int32Array, 3);
    const size = m.k.topk_push(d.byteOffset, 5, 0, ids.byteOffset, 0, 1, hs.byteOffset, hi.byteOffset, 0, 3);
    m.k.topk_sort(hs.byteOffset, hi.byteOffset, size);
    expect(Array.from(hi.subarray(0, size))).toEqual([44, 42, 43]);
    expect(Array.from(hs.subarray(0, size))).toEqual([-0.5, -1, -2]);
  });
});

describe('KernelMemory', () => {
  it('places arrays 16-byte aligned, never at offset 0, and refuses to overflow', () => {
    const m = KernelMemory.create(65536)!;
    const a = m.array(Uint8Array, 3);
    const b = m.array(Float32Array, 2);
    expect(a.byteOffset).toBeGreaterThan(0);
    expect(b.byteOffset % 16).toBe(0);
    expect(() => m.array(Uint8Array, 70000)).toThrow(/cannot hold/);
  });

  it('scratch arrays are reused after a reset and bounded by the reservation', () => {
    const m = KernelMemory.create(65536)!;
    m.reserveScratch(1024);
    const x = m.scratch(Float32Array, 10);
    m.resetScratch();
    const y = m.scratch(Float32Array, 10);
    expect(y.byteOffset).toBe(x.byteOffset);
    expect(() => m.scratch(Uint8Array, 2000)).toThrow(/scratch/);
  });

  it('adopt copies data into the memory', () => {
    const m = KernelMemory.create(65536)!;
    const src = Float32Array.of(1, 2, 3);
    const v = m.adopt(src);
    expect(v.buffer).toBe(m.buffer);
    expect(Array.from(v)).toEqual([1, 2, 3]);
  });
});
