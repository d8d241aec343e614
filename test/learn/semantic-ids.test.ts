import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNpyFloat32 } from '../../src/io/vector-files.js';
import { readResidualQuantizer, writeResidualQuantizer } from '../../src/learn/semantic-ids/residual-quantizer-file.js';
import { encodeResidual, fitResidualQuantizer, reconstructResidual } from '../../src/learn/semantic-ids/residual-quantizer.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { disambiguateCodes, fitSemanticIds } from '../../src/learn/semantic-ids/semantic-ids.js';
import { errorOf } from '../helpers/errors.js';
import { loadGlove10k } from '../helpers/glove.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Seeded pseudo-random rows, clustered so that quantizers have structure to find. */
function clusteredRows(n: number, dim: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296 - 0.5;
  };
  const centres = Array.from({ length: 5 }, () => Array.from({ length: dim }, () => 4 * next()));
  const out = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    const c = centres[r % 5]!;
    for (let j = 0; j < dim; j++) out[r * dim + j] = c[j]! + next();
  }
  return out;
}

/** The reference: semantic-id statistics computed with sets of strings. */
function referenceStats(codes: Uint16Array, levels: number) {
  const n = codes.length / levels;
  const tuple = (r: number, depth: number): string => Array.from(codes.subarray(r * levels, r * levels + depth)).join(',');
  const groups = new Map<string, number[]>();
  for (let r = 0; r < n; r++) groups.set(tuple(r, levels), [...(groups.get(tuple(r, levels)) ?? []), r]);
  const prefixes = Array.from({ length: levels }, (_, l) => new Set(Array.from({ length: n }, (_, r) => tuple(r, l + 1))).size);
  const sizes = [...groups.values()].map((g) => g.length);
  return {
    groups,
    distinctCodes: groups.size,
    collidingRows: sizes.filter((s) => s > 1).reduce((a, b) => a + b, 0),
    largestGroup: n === 0 ? 0 : Math.max(...sizes),
    distinctPrefixes: prefixes,
  };
}

describe('residual quantizer', () => {
  it('reconstructs the rows exactly when the first codebook has a codeword per row', () => {
    const rows = clusteredRows(40, 6, 3);
    const rq = fitResidualQuantizer(rows, 6, { levels: 2, codebookSize: 40 });
    const { codes, meanSquaredResidual } = encodeResidual(rq, rows);
    expect(meanSquaredResidual[1]).toBeLessThan(1e-10);
    const back = reconstructResidual(rq, codes, 1);
    for (let i = 0; i < rows.length; i++) expect(back[i]).toBeCloseTo(rows[i]!, 5);
  });

  it('each level explains more of the rows it was fitted on (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 120 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer(),
        (n, dim, k, levels, seed) => {
          const rows = clusteredRows(n, dim, seed);
          const rq = fitResidualQuantizer(rows, dim, { levels, codebookSize: k, seed, iterations: 8 });
          const { codes, meanSquaredResidual } = encodeResidual(rq, rows);
          for (let l = 1; l <= levels; l++)
            expect(meanSquaredResidual[l]).toBeLessThanOrEqual(meanSquaredResidual[l - 1]! * (1 + 1e-6) + 1e-9);
          // the reported residual is the reconstruction error
          const back = reconstructResidual(rq, codes);
          let err = 0;
          for (let i = 0; i < rows.length; i++) err += (rows[i]! - back[i]!) ** 2;
          expect(err / n).toBeCloseTo(meanSquaredResidual[levels]!, 3);
          for (const c of codes) expect(c).toBeLessThan(k);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const rows = clusteredRows(300, 8, 11);
    const a = fitResidualQuantizer(rows, 8, { levels: 2, codebookSize: 16, seed: 5 });
    const b = fitResidualQuantizer(rows, 8, { levels: 2, codebookSize: 16, seed: 5 });
    const c = fitResidualQuantizer(rows, 8, { levels: 2, codebookSize: 16, seed: 6 });
    expect(b.codebooks).toEqual(a.codebooks);
    expect(c.codebooks).not.toEqual(a.codebooks);
  });

  it('rejects bad settings with the field named', () => {
    const rows = clusteredRows(50, 4, 1);
    expect(errorOf(() => fitResidualQuantizer(rows, 4, { levels: 0, codebookSize: 8 })).message).toMatch(/^levels: .*1 to 64, got 0/);
    expect(errorOf(() => fitResidualQuantizer(rows, 4, { levels: 2, codebookSize: 1 })).message).toMatch(/^codebookSize: /);
    expect(errorOf(() => fitResidualQuantizer(rows, 4, { levels: 2, codebookSize: 70000 })).message).toMatch(/^codebookSize: .*65536/);
    expect(errorOf(() => fitResidualQuantizer(rows, 4, { levels: 2, codebookSize: 64 })).message).toMatch(
      /needs at least as many vectors, got 50 \(use a smaller codebookSize\)/,
    );
    expect(errorOf(() => fitResidualQuantizer(rows, 3, { levels: 2, codebookSize: 8 })).message).toMatch(/not a multiple of the dimension/);
    expect(errorOf(() => fitResidualQuantizer(rows, 4, { levels: 2, codebookSize: 8, iterations: 0 })).message).toMatch(/^iterations: /);
  });
});

describe('semantic ids', () => {
  it('appends each row rank among equal codes and counts like the set-based reference (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (levels, alphabet, raw) => {
          const n = Math.floor(raw.length / levels);
          const codes = Uint16Array.from(raw.slice(0, n * levels), (v) => v % alphabet);
          const ids = disambiguateCodes(codes, levels);
          const ref = referenceStats(codes, levels);
          expect(ids.width).toBe(levels + 1);
          expect(ids.stats).toMatchObject({
            rows: n,
            distinctCodes: ref.distinctCodes,
            collidingRows: ref.collidingRows,
            largestGroup: ref.largestGroup,
            distinctPrefixes: ref.distinctPrefixes,
          });
          for (const members of ref.groups.values()) {
            members.forEach((r, rank) => {
              expect(Array.from(ids.tokens.subarray(r * ids.width, r * ids.width + levels))).toEqual(
                Array.from(codes.subarray(r * levels, (r + 1) * levels)),
              );
              expect(ids.tokens[r * ids.width + levels]).toBe(rank);
            });
          }
          const unique = new Set(
            Array.from({ length: n }, (_, r) => Array.from(ids.tokens.subarray(r * ids.width, (r + 1) * ids.width)).join(',')),
          );
          expect(unique.size).toBe(n);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reports codebook use and the share of the rows each depth leaves unexplained', () => {
    const codes = Uint16Array.from([0, 1, 0, 1, 2, 1, 3, 1]);
    const ids = disambiguateCodes(codes, 2, [4, 2, 1]);
    expect(ids.stats.usedCodewords).toEqual([3, 1]);
    expect(ids.stats.perplexity[1]).toBeCloseTo(1, 12);
    // level 0 uses 0 twice, 2 and 3 once: exp(entropy of 1/2, 1/4, 1/4)
    expect(ids.stats.perplexity[0]).toBeCloseTo(Math.exp(-(0.5 * Math.log(0.5) + 0.5 * Math.log(0.25))), 12);
    expect(ids.stats.relativeResidual).toEqual([1, 0.5, 0.25]);
  });

  it('on real GloVe vectors, neighbours share their query first tokens far more often than chance', () => {
    const { base, queries, gt } = loadGlove10k('angular');
    const { quantizer, ids } = fitSemanticIds(base.data, base.dim, { levels: 3, codebookSize: 64, normalize: true });
    const stats = ids.stats;
    expect(stats.relativeResidual[1]).toBeLessThan(0.75);
    expect(stats.relativeResidual[3]).toBeLessThan(stats.relativeResidual[1]! - 0.1);
    expect(stats.usedCodewords).toEqual([64, 64, 64]);
    const q = queries.data.slice();
    normalizeRows(q, queries.dim);
    const qCodes = encodeResidual(quantizer, q).codes;
    const firstTokenShare = new Map<number, number>();
    for (let r = 0; r < base.rows; r++)
      firstTokenShare.set(ids.tokens[r * ids.width]!, (firstTokenShare.get(ids.tokens[r * ids.width]!) ?? 0) + 1 / base.rows);
    let shared = 0;
    let chance = 0;
    for (let i = 0; i < queries.rows; i++) {
      const token = qCodes[i * 3]!;
      for (let j = 0; j < 10; j++) if (ids.tokens[gt.data[i * gt.dim + j]! * ids.width] === token) shared += 1 / (10 * queries.rows);
      chance += (firstTokenShare.get(token) ?? 0) / queries.rows;
    }
    expect(shared).toBeGreaterThan(0.3);
    expect(shared).toBeGreaterThan(10 * chance);
  }, 60_000); // the TypeScript kernels (QUARRY_KERNELS=ts) take ~9 s here
});

describe('quantizer files', () => {
  const dir = tempDir();

  it('round-trip as NumPy arrays of shape (levels, codebookSize, dim) and code identically', () => {
    const rows = clusteredRows(200, 7, 2);
    const rq = fitResidualQuantizer(rows, 7, { levels: 3, codebookSize: 12 });
    const path = join(dir, 'rq.npy');
    writeResidualQuantizer(path, rq);
    const bytes = readFileSync(path);
    const headerLength = bytes.readUInt16LE(8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.toString('latin1', 10, 10 + headerLength)).toContain("'shape': (3, 12, 7)");
    const back = readResidualQuantizer(path);
    expect(back).toEqual(rq);
    expect(encodeResidual(back, rows).codes).toEqual(encodeResidual(rq, rows).codes);
    const used = fitSemanticIds(rows, 7, { levels: 9, codebookSize: 99, quantizer: back });
    expect(used.quantizer).toBe(back);
  });

  it('name the file and what is wrong', () => {
    const flat = join(dir, 'flat.npy');
    writeFileSync(flat, encodeNpyFloat32(new Float32Array(12), [3, 4]));
    expect(errorOf(() => readResidualQuantizer(flat)).message).toMatch(/flat\.npy: shape \(3, 4\) is not \(levels, codebookSize, dim\)/);
    const one = join(dir, 'one.npy');
    writeFileSync(one, encodeNpyFloat32(new Float32Array(8), [2, 1, 4]));
    expect(errorOf(() => readResidualQuantizer(one)).message).toMatch(/one\.npy: codebooks of 1 codewords/);
    const cut = join(dir, 'cut.npy');
    writeFileSync(cut, encodeNpyFloat32(new Float32Array(24), [2, 3, 4]).subarray(0, 100));
    expect(errorOf(() => readResidualQuantizer(cut)).message).toMatch(/cut\.npy: data size .* does not match shape \(2, 3, 4\)/);
    const nan = join(dir, 'nan.npy');
    writeFileSync(nan, encodeNpyFloat32(Float32Array.from([1, 2, Number.NaN, 4]), [1, 2, 2]));
    expect(errorOf(() => readResidualQuantizer(nan)).message).toMatch(/nan\.npy: row 1, component 0 is NaN/);
    expect(errorOf(() => readResidualQuantizer(join(dir, 'missing.npy'))).message).toMatch(/missing\.npy/);
    const rq = fitResidualQuantizer(clusteredRows(30, 4, 1), 4, { levels: 1, codebookSize: 4 });
    expect(errorOf(() => fitSemanticIds(clusteredRows(30, 5, 1), 5, { levels: 1, codebookSize: 4, quantizer: rq })).message).toMatch(
      /^quantizer: the quantizer codes 4-dimensional vectors, the input has 5 dimensions/,
    );
  });
});
