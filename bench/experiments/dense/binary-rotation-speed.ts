// Does coding a random rotation of the rows (BinaryParams.rotate) cost query time? Builds the
// 1-bit binary index on GloVe 340k (or gauss) rotated and unrotated, then times all queries on
// each in alternation, a few rounds, so that machine noise hits both alike. Prints per round
// the mean ms per query at the given rescoring depths, and each index's recall@10.
// Usage: node --import tsx bench/experiments/dense/binary-rotation-speed.ts [--dataset glove|gauss] [--rounds 3]
import { buildBinary, type BinaryIndex } from '../../../src/index/dense/binary/index.js';
import { argNumber, argValue } from '../../common/args.js';
import { loadDenseDataset } from '../../dense/datasets.js';

const ds = loadDenseDataset(argValue('dataset', 'glove') as 'glove' | 'gauss');
const dim = ds.dim;
const nq = ds.queries.length / dim;
const rounds = argNumber('rounds', 3);
const indexes: Array<[string, BinaryIndex]> = [
  ['rotated', buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, rotate: true })],
  ['unrotated', buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, rotate: false })],
];
const depths = [0, 10];
console.log(`${nq} queries, ${(ds.base.length / dim).toLocaleString('en-US')} x ${dim}; ms per query`);
console.log(['round', 'index', ...depths.map((r) => `rescore ${r}k`)].join('\t'));
for (let round = 1; round <= rounds; round++) {
  for (const [name, idx] of indexes) {
    const cells = depths.map((rescore) => {
      const t = performance.now();
      for (let q = 0; q < nq; q++) idx.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10, { rescore });
      return ((performance.now() - t) / nq).toFixed(3);
    });
    console.log([round, name, ...cells].join('\t'));
  }
}
for (const [name, idx] of indexes) {
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const truth = new Set(Array.from(ds.truth.subarray(q * 10, q * 10 + 10)));
    for (const id of idx.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10).ids) if (truth.has(id)) hits++;
  }
  console.log(`${name}: recall@10 at 10 x k rescored ${(hits / (10 * nq)).toFixed(4)}`);
}
