// How well fixed-length semantic ids keep neighbourhoods: for each prefix depth, the share of
// each query's exact top-10 whose id starts with the query's own prefix, next to chance (the
// share of all vectors with that prefix), averaged over queries. Also the data both semantic-id
// benchmarks load.
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { argNumber, argValue } from '../common/args.js';
import { loadDenseDataset } from '../dense/datasets.js';

/** One prefix depth's figures. */
export interface PrefixSharing {
  depth: number;
  neighboursSharing: number;
  chance: number;
  ratio: number;
}

/**
 * @param tokens rows' ids, `width` tokens each (codewords first, at most 256 per level)
 * @param queryCodes queries' codewords, `levels` each
 * @param truth each query's exact top-10 row numbers
 */
export function prefixSharing(
  tokens: ArrayLike<number>,
  width: number,
  queryCodes: ArrayLike<number>,
  levels: number,
  truth: Int32Array,
): PrefixSharing[] {
  const n = tokens.length / width;
  const nq = queryCodes.length / levels;
  const rows: PrefixSharing[] = [];
  for (let depth = 1; depth <= levels; depth++) {
    // vectors per prefix, keyed by the prefix's tokens packed in a number (8 bits each)
    const key = (t: ArrayLike<number>, at: number): number => {
      let k = 0;
      for (let l = 0; l < depth; l++) k = k * 256 + t[at + l]!;
      return k;
    };
    const count = new Map<number, number>();
    for (let r = 0; r < n; r++) {
      const k = key(tokens, r * width);
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    let sharing = 0;
    let chance = 0;
    for (let q = 0; q < nq; q++) {
      const k = key(queryCodes, q * levels);
      for (let j = 0; j < 10; j++) if (key(tokens, truth[q * 10 + j]! * width) === k) sharing += 1 / (10 * nq);
      chance += (count.get(k) ?? 0) / n / nq;
    }
    rows.push({ depth, neighboursSharing: sharing, chance, ratio: sharing / chance });
  }
  return rows;
}

/** The table printed for prefix figures. */
export function prefixTable(rows: readonly PrefixSharing[]): Record<string, string | number>[] {
  return rows.map((r) => ({
    'prefix depth': r.depth,
    'top-10 neighbours sharing the query prefix': r.neighboursSharing.toFixed(3),
    chance: r.chance.toExponential(2),
    'x chance': r.ratio.toFixed(0),
  }));
}

/** The dense benchmark's set named by `--dataset` (default glove), base and the first `--queries` queries normalized. */
export function normalizedDataset(): {
  name: string;
  dim: number;
  n: number;
  nq: number;
  base: Float32Array;
  queries: Float32Array;
  truth: Int32Array;
} {
  const name = argValue('dataset', 'glove');
  const ds = loadDenseDataset(name);
  const { dim } = ds;
  const base = ds.base.slice();
  normalizeRows(base, dim);
  const nq = Math.min(argNumber('queries', 1000), ds.queries.length / dim);
  const queries = ds.queries.slice(0, nq * dim);
  normalizeRows(queries, dim);
  return { name, dim, n: base.length / dim, nq, base, queries, truth: ds.truth.subarray(0, nq * 10) };
}
