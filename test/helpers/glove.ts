/** The shared GloVe 10k ANN fixture: base and query vectors with exact top-100 ground truth. */
import { readFvecs, readIvecs } from '../../src/io/vector-files.js';
import { dataset } from './shared-data.js';

export function loadGlove10k(truth: 'angular' | 'l2' | 'ip' = 'angular') {
  const dir = dataset('glove100-wink-10k');
  const base = readFvecs(`${dir}/base.fvecs`);
  const queries = readFvecs(`${dir}/query.fvecs`);
  const gt = readIvecs(`${dir}/groundtruth.${truth}.top100.ivecs`);
  return { base, queries, gt };
}

/** Mean recall@k of result id lists against the first k ground-truth ids of each query. */
export function recallAt(k: number, results: ArrayLike<number>[], gt: { dim: number; data: Int32Array }): number {
  let sum = 0;
  results.forEach((ids, q) => {
    const truth = new Set(Array.from(gt.data.subarray(q * gt.dim, q * gt.dim + k)));
    let hit = 0;
    for (let i = 0; i < Math.min(k, ids.length); i++) if (truth.has(ids[i]!)) hit++;
    sum += hit / k;
  });
  return sum / results.length;
}
