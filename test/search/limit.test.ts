// The LIMIT stress test ("On the Theoretical Limitations of Embedding-Based
// Retrieval"): 46 people and the things they like, "Who likes X?" queries
// with exactly two relevant people each. BM25 solves it; a single-vector
// dense index of small dimension cannot; RRF fusion keeps the lexical hits.
import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/collection/index.js';
import { buildCollection } from '../helpers/build-collection.js';
import { tempDir } from '../helpers/temp-dir.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const root = tempDir();
let seed = 46;
const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
const NAMES = Array.from(
  { length: 46 },
  (_, i) => `person${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`,
);
const THINGS = Array.from({ length: 200 }, (_, i) => `thing${i}x`);
// Each thing is liked by exactly two distinct people.
const likes: string[][] = NAMES.map(() => []);
const pairs = THINGS.map((t) => {
  const a = Math.floor(rand() * 46);
  let b = Math.floor(rand() * 45);
  if (b >= a) b++;
  likes[a]!.push(t);
  likes[b]!.push(t);
  return [a, b] as const;
});
const DIM = 4;
const table = new Map<string, number[]>();
const embedToken = (t: string): number[] => {
  if (!table.has(t))
    table.set(
      t,
      Array.from({ length: DIM }, () => rand() * 2 - 1),
    );
  return table.get(t)!;
};
const embed = (words: string[]): number[] => {
  const v = new Array<number>(DIM).fill(0);
  for (const w of words) embedToken(w).forEach((x, i) => (v[i]! += x));
  return v.map((x) => x / Math.max(1, words.length));
};
const docs = NAMES.map((n, i) => ({ _id: n, text: `${n} likes ${likes[i]!.join(' and ')}.`, emb: embed(likes[i]!) }));
const schema = parseSchema({
  fields: { text: { type: 'text', analyzer: 'standard' }, emb: { type: 'dense', dim: DIM, metric: 'cosine', index: 'flat' } },
});
const snap = buildCollection(root, docs, schema).reader();

function recall(k: number, leg: (thing: string) => object[], fuse?: object): number {
  let sum = 0;
  THINGS.forEach((t, i) => {
    const want = new Set(pairs[i]!.map((p) => NAMES[p]!));
    const hits = snap.query({ retrieve: leg(t), ...(fuse ? { fuse } : {}), k } as QuerySpecInput).hits.map((h) => h.id);
    sum += hits.filter((h) => want.has(h)).length / 2;
  });
  return sum / THINGS.length;
}

describe('LIMIT-style task', () => {
  const text = (t: string) => [{ field: 'text', text: `Who likes ${t}?` }];
  const dense = (t: string) => [{ field: 'emb', vector: embed([t]) }];
  it('BM25 finds both people for every query (recall@2 = 1)', () => {
    expect(recall(2, text)).toBe(1);
  });
  it(`a ${DIM}-dimensional single-vector index cannot (recall@2 far below 1)`, () => {
    expect(recall(2, dense)).toBeLessThan(0.5);
  });
  it('RRF of BM25 and dense keeps every lexical hit (in the top 20) and beats dense alone at 10', () => {
    const both = (t: string) => [...text(t), ...dense(t)];
    expect(recall(20, both, { method: 'rrf' })).toBe(1);
    expect(recall(10, both, { method: 'rrf' })).toBeGreaterThan(recall(10, dense) + 0.3);
  });
});
