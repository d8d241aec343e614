// Multi-vector family: MaxSim against a naive reference, int8 storage within
// its quantization error, MUVERA encodings' defining properties, MUVERA +
// rescoring against exact MaxSim, reranking with early exit, file round trip.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  buildMultiVector,
  FdeEncoder,
  muveraParamsSchema,
  readMultiVector,
  writeMultiVector,
  type MultiVectorIndex,
} from '../../src/index/multivector/index.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { loadGlove10k } from '../helpers/glove.js';
import { pinnedViews } from '../helpers/pinned-views.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIM = 100;
const glove = loadGlove10k().base;

/** Documents made of `len` consecutive-ish GloVe rows picked at random (seeded). */
function sets(count: number, minLen: number, maxLen: number, seed: number): Float32Array[] {
  const rand = xorshift32(seed);
  const out: Float32Array[] = [];
  for (let d = 0; d < count; d++) {
    const len = minLen + Math.floor(rand() * (maxLen - minLen + 1));
    const m = new Float32Array(len * DIM);
    // Tokens drawn from one window of 400 rows (words of similar frequency), so documents differ in kind.
    const anchor = Math.floor(rand() * (glove.rows - 400));
    for (let t = 0; t < len; t++) {
      const row = anchor + Math.floor(rand() * 400);
      m.set(glove.data.subarray(row * DIM, row * DIM + DIM), t * DIM);
    }
    out.push(m);
  }
  return out;
}

function concat(docs: Float32Array[]): { tokens: Float32Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(docs.length + 1);
  docs.forEach((d, i) => (offsets[i + 1] = offsets[i]! + d.length / DIM));
  const tokens = new Float32Array(offsets[docs.length]! * DIM);
  docs.forEach((d, i) => tokens.set(d, offsets[i]! * DIM));
  return { tokens, offsets };
}

function naiveMaxSim(q: Float32Array, d: Float32Array, cosine: boolean): number {
  const norm = (v: Float32Array, r: number): number => (cosine ? Math.hypot(...v.subarray(r * DIM, r * DIM + DIM)) || 1 : 1);
  let sum = 0;
  for (let i = 0; i < q.length / DIM; i++) {
    let best = -Infinity;
    for (let j = 0; j < d.length / DIM; j++) {
      let s = 0;
      for (let x = 0; x < DIM; x++) s += q[i * DIM + x]! * d[j * DIM + x]!;
      best = Math.max(best, s / (norm(q, i) * norm(d, j)));
    }
    sum += best;
  }
  return sum;
}

const docs = sets(1500, 8, 40, 1);
/** Queries: four tokens of a random document plus one random word. */
const queries = ((): Float32Array[] => {
  const rand = xorshift32(9);
  return Array.from({ length: 40 }, () => {
    const d = docs[Math.floor(rand() * docs.length)]!;
    const q = new Float32Array(5 * DIM);
    for (let t = 0; t < 4; t++) {
      const r = Math.floor(rand() * (d.length / DIM));
      q.set(d.subarray(r * DIM, r * DIM + DIM), t * DIM);
    }
    const r = Math.floor(rand() * glove.rows);
    q.set(glove.data.subarray(r * DIM, r * DIM + DIM), 4 * DIM);
    return q;
  });
})();

function build(storage: 'float32' | 'int8' | 'binary', metric: 'dot' | 'cosine', muvera: Record<string, unknown> | null): MultiVectorIndex {
  const { tokens, offsets } = concat(docs);
  return buildMultiVector(tokens, offsets, {
    dim: DIM,
    metric,
    storage,
    muvera: muvera === null ? null : muveraParamsSchema.parse(muvera),
  });
}

describe('MaxSim', () => {
  it('equals a naive reference (cosine and dot)', () => {
    for (const metric of ['cosine', 'dot'] as const) {
      const idx = build('float32', metric, null);
      for (const q of queries.slice(0, 5)) {
        const pq = idx.prepareQuery(q);
        for (const d of [0, 17, 1499]) expect(idx.maxSim(pq, d)).toBeCloseTo(naiveMaxSim(q, docs[d]!, metric === 'cosine'), 4);
      }
    }
  });

  it('int8 storage stays within its quantization error and keeps the exact top 10 mostly intact', () => {
    const f = build('float32', 'cosine', null);
    const i8 = build('int8', 'cosine', null);
    let overlap = 0;
    for (const q of queries.slice(0, 15)) {
      const a = f.exhaustive(f.prepareQuery(q), 10);
      const b = i8.exhaustive(i8.prepareQuery(q), 10);
      for (let r = 0; r < 3; r++)
        expect(Math.abs(i8.maxSim(i8.prepareQuery(q), a.ids[r]!) - a.scores[r]!)).toBeLessThan(0.02 * (q.length / DIM));
      const s = new Set(a.ids);
      overlap += [...b.ids].filter((x) => s.has(x)).length / 10;
    }
    expect(overlap / 15).toBeGreaterThan(0.9);
  });

  it('binary storage scores exactly as the sign reconstruction alpha * sign(x), alpha = mean |x|', () => {
    const bin = build('binary', 'cosine', null);
    const q = bin.prepareQuery(queries[3]!);
    for (const d of [0, 42, 999]) {
      const rows = docs[d]!.length / DIM;
      const rec = new Float32Array(docs[d]!.length);
      for (let r = 0; r < rows; r++) {
        const v = docs[d]!.subarray(r * DIM, (r + 1) * DIM);
        const n = Math.hypot(...v);
        const alpha = v.reduce((a, x) => a + Math.abs(x / n), 0) / DIM;
        for (let j = 0; j < DIM; j++) rec[r * DIM + j] = v[j]! > 0 ? alpha : -alpha;
      }
      expect(bin.maxSim(q, d)).toBeCloseTo(naiveMaxSim(q, rec, false), 4);
    }
    const f = build('float32', 'cosine', null);
    let overlap = 0;
    for (const qq of queries.slice(0, 10)) {
      const a = new Set(f.exhaustive(f.prepareQuery(qq), 10).ids);
      overlap += [...bin.exhaustive(bin.prepareQuery(qq), 10).ids].filter((x) => a.has(x)).length / 10;
    }
    expect(overlap / 10).toBeGreaterThan(0.5);
  });

  it('exhaustive search is a sort of every document by MaxSim, honouring the allow-list', () => {
    const idx = build('float32', 'cosine', null);
    const q = idx.prepareQuery(queries[0]!);
    const all = Array.from({ length: docs.length }, (_, d) => [d, idx.maxSim(q, d)] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    expect(Array.from(idx.exhaustive(q, 10).ids)).toEqual(all.slice(0, 10).map(([d]) => d));
  });

  it('rejects malformed queries', () => {
    const idx = build('float32', 'dot', null);
    expect(() => idx.prepareQuery(new Float32Array(7))).toThrow('one or more token vectors of 100 numbers');
    const nan = new Float32Array(DIM);
    nan[3] = NaN;
    expect(() => idx.prepareQuery(nan)).toThrow('query token 0, component 3 is not a finite number');
  });
});

describe('MUVERA encodings', () => {
  const q = queries[0]!;
  const d = docs[0]!;

  it('with one partition and no projection: query = sum, document = mean, so the product is the sum of dot products with the mean', () => {
    const enc = new FdeEncoder(DIM, muveraParamsSchema.parse({ kSim: 0, dProj: 0, rReps: 1 }));
    const eq = enc.encodeQuery(q, q.length / DIM);
    const ed = enc.encodeDocument(d, d.length / DIM);
    let expected = 0;
    for (let i = 0; i < q.length / DIM; i++) {
      for (let x = 0; x < DIM; x++) {
        let mean = 0;
        for (let j = 0; j < d.length / DIM; j++) mean += d[j * DIM + x]!;
        expected += (q[i * DIM + x]! * mean) / (d.length / DIM);
      }
    }
    let got = 0;
    for (let x = 0; x < DIM; x++) got += eq[x]! * ed[x]!;
    expect(got).toBeCloseTo(expected, 3);
  });

  it('fills every empty partition of a one-token document with that token', () => {
    const enc = new FdeEncoder(DIM, muveraParamsSchema.parse({ kSim: 3, dProj: 0, rReps: 2 }));
    const one = d.subarray(0, DIM);
    const e = enc.encodeDocument(one, 1);
    for (let b = 0; b < 16; b++) expect(Array.from(e.subarray(b * DIM, (b + 1) * DIM))).toEqual(Array.from(one));
    const empty = new FdeEncoder(DIM, muveraParamsSchema.parse({ kSim: 3, dProj: 0, rReps: 1, fillEmptyPartitions: false })).encodeDocument(
      one,
      1,
    );
    expect(empty.filter((x) => x !== 0).length).toBeLessThanOrEqual(DIM);
  });

  it('is deterministic per seed, differs across seeds, and has the documented size', () => {
    const p = { kSim: 4, dProj: 16, rReps: 5 };
    const a = new FdeEncoder(DIM, muveraParamsSchema.parse({ ...p, seed: 1 }));
    const b = new FdeEncoder(DIM, muveraParamsSchema.parse({ ...p, seed: 1 }));
    const c = new FdeEncoder(DIM, muveraParamsSchema.parse({ ...p, seed: 2 }));
    expect(a.dim).toBe(5 * 16 * 16);
    expect(Array.from(a.encodeDocument(d, d.length / DIM))).toEqual(Array.from(b.encodeDocument(d, d.length / DIM)));
    expect(Array.from(a.encodeDocument(d, d.length / DIM))).not.toEqual(Array.from(c.encodeDocument(d, d.length / DIM)));
    expect(new FdeEncoder(DIM, muveraParamsSchema.parse({ ...p, finalDim: 256 })).encodeQuery(q, q.length / DIM).length).toBe(256);
  });

  // Bags of unrelated GloVe words are a hard case (near-equal MaxSim scores); random candidates would give about 0.07.
  it('+ exact rescoring finds most of the exact MaxSim top 10 with 100 of 1,500 candidates', () => {
    const exact = build('float32', 'cosine', null);
    const mv = build('float32', 'cosine', { kSim: 5, dProj: 32, rReps: 20 });
    let recall = 0;
    for (const q of queries) {
      const truth = new Set(exact.exhaustive(exact.prepareQuery(q), 10).ids);
      const got = mv.search(mv.prepareQuery(q), 10, { candidates: 100 });
      expect(got.scored).toBe(100);
      recall += [...got.ids].filter((x) => truth.has(x)).length / 10;
    }
    expect(recall / queries.length).toBeGreaterThanOrEqual(0.6);
  }, 30_000);

  it('equals the exhaustive search when every document is a candidate (columnar and flat-indexed encodings)', () => {
    const exact = build('float32', 'dot', null);
    for (const index of ['columnar', 'flat']) {
      const mv = build('float32', 'dot', { kSim: 2, dProj: 8, rReps: 2, index });
      for (const q of queries.slice(0, 5)) {
        expect(Array.from(mv.search(mv.prepareQuery(q), 10, { candidates: docs.length }).ids)).toEqual(
          Array.from(exact.exhaustive(exact.prepareQuery(q), 10).ids),
        );
      }
    }
  });

  it('columnar candidates are the exact top inner products of the encodings', () => {
    const p = muveraParamsSchema.parse({ kSim: 3, dProj: 8, rReps: 4 });
    const col = build('float32', 'cosine', p);
    const flat = build('float32', 'cosine', { ...p, index: 'flat' });
    for (const q of queries.slice(0, 5)) {
      const pq = col.prepareQuery(q);
      expect(col.search(pq, 10, { candidates: 50 })).toEqual(flat.search(pq, 10, { candidates: 50 }));
    }
  });
});

describe('reranking with early exit', () => {
  const idx = build('float32', 'cosine', null);
  const q = idx.prepareQuery(queries[1]!);
  // A first stage: documents in a fixed order with decreasing scores.
  const cands = Int32Array.from({ length: 200 }, (_, i) => (i * 7) % docs.length);
  const first = Float32Array.from({ length: 200 }, (_, i) => 20 - i * 0.05);

  it('without rules, equals MaxSim over the first depth candidates', () => {
    const r = idx.rerank(q, cands, first, 10, { depth: 100 });
    const ref = [...cands.slice(0, 100)].map((d) => [d, idx.maxSim(q, d)] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    expect(Array.from(r.ids)).toEqual(ref.slice(0, 10).map(([d]) => d));
    expect(r.scored).toBe(100);
  });

  it('alpha drops candidates below (1 - alpha) x the k-th first-stage score', () => {
    // k-th score = 20 - 9 * 0.05 = 19.55; floor 0.99 * 19.55 = 19.3545: candidates 0..12 pass.
    expect(idx.rerank(q, cands, first, 10, { depth: 200, alpha: 0.01 }).scored).toBe(13);
  });

  it('beta stops after beta consecutive candidates fail to enter the top k', () => {
    const r = idx.rerank(q, cands, first, 10, { depth: 200, beta: 5 });
    expect(r.scored).toBeLessThan(200);
    expect(r.scored).toBeGreaterThanOrEqual(15);
    // The stopping point: the last 5 scored candidates did not enter the heap.
    const full = idx.rerank(q, cands, first, 10, { depth: r.scored });
    expect(Array.from(full.ids)).toEqual(Array.from(r.ids));
  });
});

describe('files', () => {
  it('round-trips float32 and int8 stores with their encodings', () => {
    const dir = tempDir('quarry-mv-');
    for (const storage of ['float32', 'int8', 'binary'] as const) {
      const muvera = muveraParamsSchema.parse({ kSim: 3, dProj: 8, rReps: 3, index: storage === 'int8' ? 'hnsw' : 'columnar' });
      const idx = build(storage, 'cosine', muvera);
      const files = writeMultiVector(join(dir, `${storage}.mvec`), join(dir, `${storage}.fde`), idx);
      expect(files.fde === null).toBe(storage !== 'int8');
      const back = readMultiVector(join(dir, `${storage}.mvec`), files.fde === null ? null : join(dir, `${storage}.fde`), muvera, () => ({
        verifyChecksum: true,
      }));
      const q = idx.prepareQuery(queries[2]!);
      expect(back.search(q, 10)).toEqual(idx.search(q, 10));
      expect(back.maxSim(q, 5)).toBe(idx.maxSim(q, 5));
      expect(pinnedViews(back), storage).toEqual([]);
    }
  });
});
