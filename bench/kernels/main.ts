// Each WebAssembly SIMD kernel against its pure-TypeScript reference, same run,
// single thread: milliseconds per pass, speed-up, and the bytes of index data read
// per second. Data sit in one KernelMemory, as indexes hold them.
// Usage: npm run bench -- kernels [--quick]
import { dot, l2Squared } from '../../src/kernels/dense-distance.js';
import { FLOAT16_TABLE } from '../../src/kernels/float16.js';
import { popcount32 } from '../../src/kernels/popcount.js';
import { TopKHeap } from '../../src/kernels/top-k-heap.js';
import { KernelMemory } from '../../src/kernels/wasm/kernel-memory.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { printTable, writeJson } from '../report.js';

const quick = process.argv.includes('--quick');
const ROWS = quick ? 20_000 : 200_000;
// 2 GB: the 1M-row sparse forward index alone takes about 490 MB
const mem = KernelMemory.create(quick ? 1 << 30 : 2 ** 31);
if (mem === null) throw new Error('WebAssembly SIMD kernels are unavailable here');
const k = mem.k;
const rand = xorshift32(7);

/** Best of `reps` timings of fn, in ms (after two warm-up calls). */
function time(fn: () => void, reps = quick ? 3 : 7): number {
  fn();
  fn();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

let sink = 0;
const rows: Record<string, string | number>[] = [];
function report(kernel: string, shape: string, bytes: number, ts: () => void, wasm: () => void): void {
  const tsMs = time(ts);
  const wasmMs = time(wasm);
  rows.push({
    kernel,
    shape,
    'TS ms': tsMs,
    'wasm ms': wasmMs,
    speedup: tsMs / wasmMs,
    'TS GB/s': bytes / tsMs / 1e6,
    'wasm GB/s': bytes / wasmMs / 1e6,
  });
}

function floats(n: number): Float32Array {
  const a = mem!.array(Float32Array, n);
  for (let i = 0; i < n; i++) a[i] = rand() - 0.5;
  return a;
}

const out = mem.array(Float32Array, ROWS);
const outI = mem.array(Int32Array, ROWS);

// float32 dot / L2, one query against consecutive rows: the flat scan's inner loop
for (const dim of [100, 384]) {
  const n = Math.floor((ROWS * 100) / dim);
  const data = floats(n * dim);
  const q = floats(dim);
  report(
    'dot f32 rows',
    `${n} x ${dim}`,
    data.byteLength,
    () => {
      for (let r = 0; r < n; r++) out[r] = dot(q, 0, data, r * dim, dim);
    },
    () => k.dot_f32_rows(q.byteOffset, data.byteOffset, dim, n, out.byteOffset),
  );
  report(
    'l2 f32 rows',
    `${n} x ${dim}`,
    data.byteLength,
    () => {
      for (let r = 0; r < n; r++) out[r] = l2Squared(q, 0, data, r * dim, dim);
    },
    () => k.l2sq_f32_rows(q.byteOffset, data.byteOffset, dim, n, out.byteOffset),
  );
  // gather by id list: HNSW neighbour lists and exact rescoring
  const ids = mem.array(Int32Array, 4096);
  for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(rand() * n);
  report(
    'dot f32 ids',
    `${ids.length} of ${n} x ${dim}`,
    ids.length * dim * 4,
    () => {
      for (let j = 0; j < ids.length; j++) out[j] = dot(q, 0, data, ids[j]! * dim, dim);
    },
    () => k.dot_f32_ids(q.byteOffset, data.byteOffset, dim, ids.byteOffset, ids.length, out.byteOffset),
  );
}

// int8: exact i8 x i8, and the int8 family's float query x uint8 codes
{
  const dim = 384;
  const n = Math.floor((ROWS * 100) / dim);
  const a = mem.array(Int8Array, dim);
  const codes = mem.array(Int8Array, n * dim);
  for (let i = 0; i < dim; i++) a[i] = Math.floor(rand() * 256) - 128;
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rand() * 256) - 128;
  report(
    'dot i8 rows',
    `${n} x ${dim}`,
    codes.byteLength,
    () => {
      for (let r = 0; r < n; r++) {
        let s = 0;
        const off = r * dim;
        for (let d = 0; d < dim; d++) s += a[d]! * codes[off + d]!;
        outI[r] = s;
      }
    },
    () => k.dot_i8_rows(a.byteOffset, codes.byteOffset, dim, n, outI.byteOffset),
  );
  const q = floats(dim);
  const u8 = new Uint8Array(codes.buffer, codes.byteOffset, codes.length);
  report(
    'dot f32 x u8 rows',
    `${n} x ${dim}`,
    u8.byteLength,
    () => {
      for (let r = 0; r < n; r++) {
        let s = 0;
        const off = r * dim;
        for (let d = 0; d < dim; d++) s += q[d]! * u8[off + d]!;
        out[r] = s;
      }
    },
    () => k.dot_f32_u8_rows(q.byteOffset, u8.byteOffset, dim, n, 0, out.byteOffset),
  );
  // the int8 family's scan: the query's weights as 11-bit integers
  const w16 = mem.array(Int16Array, dim);
  for (let i = 0; i < dim; i++) w16[i] = Math.floor(rand() * 4095) - 2047;
  report(
    'dot i16 x u8 rows',
    `${n} x ${dim}`,
    u8.byteLength,
    () => {
      for (let r = 0; r < n; r++) {
        let s = 0;
        const off = r * dim;
        for (let d = 0; d < dim; d++) s += w16[d]! * u8[off + d]!;
        out[r] = 0.001 * s;
      }
    },
    () => k.dot_i16_u8_rows(w16.byteOffset, u8.byteOffset, dim, n, 0.001, 0, out.byteOffset),
  );
}

// binary codes: Hamming over 1-bit codes, and the bit-plane estimate with a 4-bit query
for (const dim of [128, 384, 1024]) {
  const words = dim / 32;
  const n = ROWS * 5;
  const codes = mem.array(Uint32Array, n * words);
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rand() * 4294967296) >>> 0;
  const q = mem.array(Uint32Array, words);
  for (let i = 0; i < words; i++) q[i] = Math.floor(rand() * 4294967296) >>> 0;
  report(
    'hamming rows',
    `${n} x ${dim} bits`,
    codes.byteLength,
    () => {
      for (let r = 0; r < n; r++) {
        let d = 0;
        const off = r * words;
        for (let w = 0; w < words; w++) d += popcount32(q[w]! ^ codes[off + w]!);
        outI[r % ROWS] = d;
      }
    },
    () => {
      for (let from = 0; from < n; from += ROWS)
        k.hamming_rows(q.byteOffset, codes.byteOffset + from * words * 4, words, Math.min(ROWS, n - from), outI.byteOffset);
    },
  );
  // every width: one plane of 128 bits keeps the query's words in registers, wider codes read them from memory
  const bits = 4;
  const qPlanes = mem.array(Uint32Array, bits * words);
  for (let i = 0; i < qPlanes.length; i++) qPlanes[i] = Math.floor(rand() * 4294967296) >>> 0;
  const minW = mem.array(Float64Array, 1);
  const step = mem.array(Float64Array, 1);
  minW[0] = -0.2;
  step[0] = 0.01;
  const m = Math.min(n, ROWS);
  report(
    'bit-plane rows',
    `${m} x ${dim} bits, 4-bit query`,
    m * words * 4,
    () => {
      for (let r = 0; r < m; r++) {
        let ones = 0;
        let weighted = 0;
        for (let w = 0; w < words; w++) {
          const c = codes[r * words + w]!;
          ones += popcount32(c);
          for (let j = 0; j < bits; j++) weighted += popcount32(c & qPlanes[j * words + w]!) << j;
        }
        out[r] = 2 * (minW[0]! * ones + step[0]! * weighted);
      }
    },
    () => k.bitplane_rows(qPlanes.byteOffset, codes.byteOffset, words, 1, bits, m, minW.byteOffset, step.byteOffset, 0, out.byteOffset),
  );
}

// product quantization: m table lookups per code
{
  const m = 25;
  const n = ROWS * 2 > ROWS ? ROWS : ROWS;
  const lut = floats(m * 256);
  const codes = mem.array(Uint8Array, n * m);
  for (let i = 0; i < codes.length; i++) codes[i] = Math.floor(rand() * 256);
  report(
    'pq scan',
    `${n} codes, m ${m}`,
    codes.byteLength,
    () => {
      for (let r = 0; r < n; r++) {
        let s = 0;
        const off = r * m;
        for (let t = 0; t < m; t++) s += lut[t * 256 + codes[off + t]!]!;
        out[r] = s;
      }
    },
    () => k.pq_scan(lut.byteOffset, codes.byteOffset, m, n, 0, out.byteOffset),
  );
}

// learned sparse: forward-index rows (~120 non-zeros, 16-bit terms, float16 values) against a dense
// query, 50,000 rows picked at random from a forward index of 50,000 rows (mostly in cache) and,
// without --quick, of 1,000,000 rows (~480 MB: every row starts with cache misses, as in Seismic
// on a 1M collection)
for (const indexRows of quick ? [ROWS / 4] : [ROWS / 4, 1_000_000]) {
  const vocab = 30522;
  const n = ROWS / 4;
  const start = mem.array(Float64Array, indexRows + 1);
  for (let r = 0; r < indexRows; r++) start[r + 1] = start[r]! + 80 + Math.floor(rand() * 80);
  const nnz = start[indexRows]!;
  const terms = mem.array(Uint16Array, nnz);
  const values = mem.array(Uint16Array, nnz);
  for (let i = 0; i < nnz; i++) {
    terms[i] = Math.floor(rand() ** 2 * vocab);
    values[i] = 0x3000 + Math.floor(rand() * 0x1000);
  }
  const table = mem.adopt(FLOAT16_TABLE);
  const q = mem.array(Float32Array, vocab);
  for (let i = 0; i < 40; i++) q[Math.floor(rand() * vocab)] = rand() * 2;
  const ids = mem.array(Int32Array, n);
  for (let i = 0; i < n; i++) ids[i] = Math.floor(rand() * indexRows);
  let touched = 0;
  for (let j = 0; j < n; j++) touched += start[ids[j]! + 1]! - start[ids[j]!]!;
  report(
    'sparse dot rows',
    `${n} of ${indexRows} rows, ${(nnz / indexRows).toFixed(0)} nnz`,
    touched * 4,
    () => {
      for (let j = 0; j < n; j++) {
        const r = ids[j]!;
        let s = 0;
        for (let i = start[r]!; i < start[r + 1]!; i++) s += q[terms[i]!]! * FLOAT16_TABLE[values[i]!]!;
        out[j] = s;
      }
    },
    () =>
      k.sparse_dot_rows(
        q.byteOffset,
        start.byteOffset,
        terms.byteOffset,
        2,
        values.byteOffset,
        table.byteOffset,
        ids.byteOffset,
        n,
        out.byteOffset,
      ),
  );
}

// late interaction: MaxSim of a 32-token query against documents of ~190 100-d tokens (SciFact-like)
{
  const dim = 100;
  const nq = 32;
  const nt = 190;
  const docs = quick ? 100 : 1000;
  const q = floats(nq * dim);
  const tokens = floats(docs * nt * dim);
  const best = mem.array(Float32Array, nq);
  const bestTs = new Float32Array(nq);
  report(
    'maxsim f32',
    `${docs} docs x ${nt} tokens, ${nq} query tokens, ${dim}-d`,
    tokens.byteLength,
    () => {
      for (let d = 0; d < docs; d++) {
        bestTs.fill(-Infinity);
        for (let t = 0; t < nt; t++) {
          const off = (d * nt + t) * dim;
          for (let i = 0; i < nq; i++) {
            const s = dot(q, i * dim, tokens, off, dim);
            if (s > bestTs[i]!) bestTs[i] = s;
          }
        }
        let sum = 0;
        for (let i = 0; i < nq; i++) sum += bestTs[i]!;
        out[d] = sum;
      }
    },
    () => {
      for (let d = 0; d < docs; d++)
        out[d] = k.maxsim_f32(q.byteOffset, nq, tokens.byteOffset + d * nt * dim * 4, nt, dim, best.byteOffset);
    },
  );
}

// top-k selection over a scored scan
{
  const n = ROWS;
  for (let i = 0; i < n; i++) out[i] = rand();
  const kk = 100;
  const hs = mem.array(Float32Array, kk);
  const hi = mem.array(Int32Array, kk);
  report(
    'top-k select',
    `k ${kk} of ${n}`,
    n * 4,
    () => {
      const heap = new TopKHeap(kk);
      for (let r = 0; r < n; r++) if (heap.size < kk || out[r]! > heap.threshold()) heap.offer(out[r]!, r);
      sink += heap.drain().docs.length;
    },
    () => {
      const size = k.topk_push(out.byteOffset, n, 0, 0, 0, 0, hs.byteOffset, hi.byteOffset, 0, kk);
      k.topk_sort(hs.byteOffset, hi.byteOffset, size);
      sink += size;
    },
  );
}

printTable(rows);
console.log(`(checksum ${sink})`);
console.log(`json: ${writeJson('kernels', { rows: ROWS, results: rows })}`);
