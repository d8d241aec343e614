// 1-bit codes with each row coded in the best of several randomized Hadamard bases
// (BinaryParams.variants), and against the best of each row's few nearest centres
// (BinaryParams.centreChoices): recall@10 at 10 x k and 20 x k rescored, queries per
// second (single thread) and build time, against the exact flat scan timed in the same run.
// The query's weights are quantized to queryBits bits per basis; bits only change the
// query side, so every setting of them is scored on the same index.
// Usage: node --import tsx bench/experiments/dense/binary-bases.ts [--dataset glove|gauss] [--variants 1,16,64,256] [--bits 4,6] [--choices 1,4] [--centroids 584] [--seed 42]
import { BinaryIndex, buildBinary } from '../../../src/index/dense/binary/index.js';
import { buildFlat } from '../../../src/index/dense/flat/index.js';
import { argList, argValue } from '../../common/args.js';
import { loadDenseDataset, recall10 } from '../../dense/datasets.js';

const name = argValue('dataset', 'glove') as 'glove' | 'gauss';
const ds = loadDenseDataset(name);
const dim = ds.dim;
const n = ds.base.length / dim;
const nq = ds.queries.length / dim;
const centroidArg = argValue('centroids', '');
const centroids = centroidArg === '' ? {} : { centroids: Number(centroidArg) };
// the seed of the centres, the rotation and the bases
const seed = Number(argValue('seed', '42'));
const query = (q: number): Float32Array => ds.queries.subarray(q * dim, (q + 1) * dim);

/** Recall@10 of `search` over every query and its queries per second. */
function measure(search: (q: Float32Array) => ArrayLike<number>): { recall: number; qps: number } {
  // untimed warm-up, so that the first setting measured is not also timing the compiler
  for (let q = 0; q < 50; q++) search(query(q));
  const ids: ArrayLike<number>[] = [];
  const t = performance.now();
  for (let q = 0; q < nq; q++) ids.push(search(query(q)));
  return { recall: recall10(ids, ds.truth), qps: nq / ((performance.now() - t) / 1000) };
}

console.log(
  `${name}: ${n.toLocaleString('en-US')} x ${dim}, ${nq} queries, cosine, 1 bit per coded dimension${centroidArg === '' ? '' : `, ${centroidArg} centres`}, seed ${seed}`,
);
const flat = buildFlat(ds.base, { dim, metric: 'cosine' });
const exact = measure((q) => flat.search(q, 10).ids);
console.log(`flat (exact scan): ${exact.qps.toFixed(0)} q/s`);
console.log(
  ['bases', 'centre choices', 'query bits', 'build s', 'recall@10 10 x k', 'q/s', 'x flat', 'recall@10 20 x k', 'q/s'].join('\t'),
);
const settings = argList('variants', ['1', '16', '64', '256']).flatMap((v) =>
  argList('choices', ['1']).map((c) => [Number(v), Number(c)] as const),
);
for (const [variants, centreChoices] of settings) {
  const t0 = performance.now();
  const idx = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, variants, centreChoices, seed, ...centroids });
  const build = (performance.now() - t0) / 1000;
  const bases = idx.variantOf === null ? null : { transforms: idx.transforms!, of: idx.variantOf };
  for (const queryBits of argList('bits', ['4', '6']).map(Number)) {
    // the same codes, scored with another query quantization
    const at = new BinaryIndex(
      idx.binarizer,
      idx.codes,
      idx.normsSq,
      idx.floats,
      { ...idx.params, queryBits },
      idx.corrections,
      idx.assign,
      idx.offsets,
      idx.rotation,
      bases,
    );
    const ten = measure((q) => at.search(q, 10, { rescore: 10 }).ids);
    const twenty = measure((q) => at.search(q, 10, { rescore: 20 }).ids);
    console.log(
      [
        variants,
        centreChoices,
        queryBits,
        build.toFixed(1),
        ten.recall.toFixed(4),
        ten.qps.toFixed(0),
        (ten.qps / exact.qps).toFixed(2),
        twenty.recall.toFixed(4),
        twenty.qps.toFixed(0),
      ].join('\t'),
    );
  }
}
