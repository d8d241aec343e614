import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeHierarchicalIds, fitHierarchicalIds, routeHierarchical } from '../../src/learn/semantic-ids/hierarchical-ids.js';
import { readHierarchy, writeHierarchy } from '../../src/learn/semantic-ids/hierarchical-ids-file.js';
import { encodeSafeTensors, readSafeTensors } from '../../src/io/safetensors.js';
import { tempDir } from '../helpers/temp-dir.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { errorOf } from '../helpers/errors.js';
import { loadGlove10k } from '../helpers/glove.js';

function randomRows(n: number, dim: number, seed: number): Float32Array {
  let s = seed >>> 0 || 7;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 4294967296 + (Math.floor(i / dim) % 3) * 2; // three blobs
  }
  return out;
}

const dir = tempDir();

function idOf(ids: { offsets: Uint32Array; tokens: Uint32Array }, r: number): number[] {
  return Array.from(ids.tokens.subarray(ids.offsets[r]!, ids.offsets[r + 1]!));
}

describe('hierarchical (DSI) ids', () => {
  it('give unique ids, leaves of at most leafSize rows, digits within range (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer(),
        (n, dim, branching, leafSize, seed) => {
          const rows = randomRows(n, dim, seed);
          const ids = fitHierarchicalIds(rows, dim, { branching, leafSize, seed, iterations: 5 });
          const seen = new Set<string>();
          const perLeaf = new Map<string, number>();
          let longest = 0;
          for (let r = 0; r < n; r++) {
            const id = idOf(ids, r);
            seen.add(id.join('.'));
            const path = id.slice(0, -1);
            perLeaf.set(path.join('.'), (perLeaf.get(path.join('.')) ?? 0) + 1);
            for (const d of path) expect(d).toBeLessThan(branching);
            expect(id[id.length - 1]).toBeLessThan(leafSize);
            longest = Math.max(longest, id.length);
          }
          expect(seen.size).toBe(n);
          for (const count of perLeaf.values()) expect(count).toBeLessThanOrEqual(leafSize);
          expect(ids.stats).toMatchObject({ rows: n, leaves: n === 0 ? 1 : perLeaf.size, longestId: n === 0 ? 0 : longest });
          // a base row routed through the tree lands on its own path
          for (let r = 0; r < n; r += 7)
            expect(routeHierarchical(ids.tree, rows.subarray(r * dim, (r + 1) * dim))).toEqual(idOf(ids, r).slice(0, -1));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('split identical vectors into runs instead of looping', () => {
    const rows = new Float32Array(500 * 4).fill(0.5);
    const ids = fitHierarchicalIds(rows, 4, { branching: 3, leafSize: 10 });
    expect(new Set(Array.from({ length: 500 }, (_, r) => idOf(ids, r).join('.'))).size).toBe(500);
    expect(ids.stats.largestLeaf).toBeLessThanOrEqual(10);
  });

  it('on real GloVe vectors, neighbours share their query first digits far more often than chance', () => {
    const { base, queries, gt } = loadGlove10k('angular');
    const rows = base.data.slice();
    normalizeRows(rows, base.dim);
    const ids = fitHierarchicalIds(rows, base.dim, { branching: 10, leafSize: 100 });
    expect(ids.stats.largestLeaf).toBeLessThanOrEqual(100);
    const first = (r: number): number => ids.tokens[ids.offsets[r]!]!;
    const share = new Float64Array(10);
    for (let r = 0; r < base.rows; r++) share[first(r)]! += 1 / base.rows;
    let shared = 0;
    let chance = 0;
    for (let q = 0; q < queries.rows; q++) {
      const v = queries.data.slice(q * queries.dim, (q + 1) * queries.dim);
      normalizeRows(v, queries.dim);
      const digit = routeHierarchical(ids.tree, v)[0]!;
      for (let j = 0; j < 10; j++) if (first(gt.data[q * gt.dim + j]!) === digit) shared += 1 / (10 * queries.rows);
      chance += share[digit]! / queries.rows;
    }
    expect(shared).toBeGreaterThan(0.6);
    expect(shared).toBeGreaterThan(3 * chance);
  });

  it('coding the fitted rows in a saved tree gives them their ids; new rows after them take the next positions (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer(),
        (n, extra, dim, branching, leafSize, seed) => {
          const rows = randomRows(n, dim, seed);
          const fitted = fitHierarchicalIds(rows, dim, { branching, leafSize, seed, iterations: 5 });
          const path = join(dir, 'tree.safetensors');
          writeHierarchy(path, fitted.tree, dim);
          const saved = readHierarchy(path);
          expect(saved.dim).toBe(dim);
          const more = randomRows(extra, dim, seed + 1);
          const all = new Float32Array(rows.length + more.length);
          all.set(rows);
          all.set(more, rows.length);
          const coded = codeHierarchicalIds(saved.tree, all, dim);
          const fittedIds = Array.from({ length: n }, (_, r) => idOf(fitted, r).join('.'));
          const codedIds = Array.from({ length: n + extra }, (_, r) => idOf(coded, r).join('.'));
          expect(codedIds.slice(0, n)).toEqual(fittedIds);
          expect(new Set(codedIds).size).toBe(n + extra);
          // a new row's path is where routing one vector leads, and its position follows its leaf's fitted rows
          for (let r = n; r < n + extra; r++) {
            const id = idOf(coded, r);
            const leafPath = id.slice(0, -1);
            expect(leafPath).toEqual(routeHierarchical(saved.tree, all.subarray(r * dim, (r + 1) * dim)));
            const before = codedIds.slice(0, r).filter((other) => other.split('.').slice(0, -1).join('.') === leafPath.join('.')).length;
            expect(id[id.length - 1]).toBe(before);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a saved tree of real GloVe clusters codes the fitted words into their ids', () => {
    const { base } = loadGlove10k('angular');
    const rows = base.data.slice();
    normalizeRows(rows, base.dim);
    const fitted = fitHierarchicalIds(rows, base.dim, { branching: 10, leafSize: 100 });
    const path = join(dir, 'glove-tree.safetensors');
    writeHierarchy(path, fitted.tree, base.dim);
    const coded = codeHierarchicalIds(readHierarchy(path).tree, rows, base.dim);
    expect(Array.from(coded.tokens)).toEqual(Array.from(fitted.tokens));
    expect(coded.stats).toEqual(fitted.stats);
  });

  it('refuses tree files that are not trees, naming the file', () => {
    const rows = randomRows(60, 2, 3);
    const fitted = fitHierarchicalIds(rows, 2, { branching: 3, leafSize: 5 });
    const good = join(dir, 'good.safetensors');
    writeHierarchy(good, fitted.tree, 2);
    const f = readSafeTensors(good);
    const tensors = Object.fromEntries(
      f.names.map((name) => [name, { shape: f.info(name)!.shape, data: f.info(name)!.dtype === 'I32' ? f.ints(name) : f.floats(name) }]),
    );
    const variant = (name: string, change: (t: typeof tensors) => void, metadata: Record<string, string> = f.metadata): string => {
      const copy = structuredClone(tensors);
      change(copy);
      const path = join(dir, `${name}.safetensors`);
      writeFileSync(path, encodeSafeTensors(copy, metadata));
      return path;
    };
    const backwards = variant('backwards', (t) => (t.child!.data[0] = 0));
    expect(() => readHierarchy(backwards)).toThrow(/backwards\.safetensors: node 0 leads to node 0, which is not a later node/);
    const shortCentroids = variant('short', (t) => (t.centroids = { shape: [1, 2], data: new Float32Array(2) }));
    expect(() => readHierarchy(shortCentroids)).toThrow(/short\.safetensors: centroids hold 2 values, not \d+ rows of 2/);
    const notTree = variant('other', () => undefined, { kind: 'something-else', dim: '2' });
    expect(() => readHierarchy(notTree)).toThrow(/other\.safetensors: not a DSI cluster tree/);
    expect(() => codeHierarchicalIds(fitted.tree, new Float32Array(9), 3)).toThrow(/the tree's centroids have 2 dimensions, the rows 3/);
  });

  it('rejects bad settings with the field named', () => {
    const rows = randomRows(20, 3, 1);
    expect(errorOf(() => fitHierarchicalIds(rows, 3, { branching: 1 })).message).toMatch(/^branching: /);
    expect(errorOf(() => fitHierarchicalIds(rows, 3, { leafSize: 0 })).message).toMatch(/^leafSize: /);
    expect(errorOf(() => fitHierarchicalIds(rows, 3, { iterations: 1.5 })).message).toMatch(/^iterations: /);
    expect(errorOf(() => fitHierarchicalIds(rows, 7)).message).toMatch(/not a multiple of the dimension/);
  });
});
