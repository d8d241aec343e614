// Binary-index search speed, this checkout against another one (an older commit in a git
// worktree, e.g. `git worktree add /tmp/wt-old <rev>`, with node_modules linked and
// `node scripts/build-wasm.mjs` run there): one index is built here, the other checkout's
// BinaryIndex is constructed over the same codes, and the 1,000 GloVe queries are timed
// on both in alternating rounds in one process (single thread, rescoring 10 x k).
// Usage: node --import tsx bench/experiments/dense/binary-search-ab.ts --old /tmp/wt-old [--variants 1,256] [--bits 4,6] [--rounds 4]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBinary, type BinaryIndex } from '../../../src/index/dense/binary/index.js';
import type { RowVariants } from '../../../src/quantize/residual-binarizer.js';
import { argList, argNumber, argValue } from '../../common/args.js';
import { loadDenseDataset } from '../../dense/datasets.js';

type IndexModule = { BinaryIndex: new (...args: ConstructorParameters<typeof BinaryIndex>) => BinaryIndex };
type BasesModule = { HadamardVariants: new (count: number, dim: number, signs: Uint32Array) => RowVariants['transforms'] };

const oldRoot = argValue('old', '');
if (oldRoot === '') throw new Error('--old <checkout of the commit to compare against> is required');
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(resolve(oldRoot), path)).href)) as T;
const oldIndex = await load<IndexModule>('src/index/binary/index.ts');
const oldBases = await load<BasesModule>('src/learn/hadamard-variants.ts');
const ds = loadDenseDataset('glove');
const dim = ds.dim;
const nq = ds.queries.length / dim;
const rounds = argNumber('rounds', 4);
console.log(`glove, ${nq} queries, rescoring 10 x k; queries/s per round, old = ${oldRoot}`);
for (const variants of argList('variants', ['1', '256']).map(Number)) {
  for (const queryBits of argList('bits', ['4', '6']).map(Number)) {
    const idx = buildBinary(ds.base, { dim, metric: 'cosine', planes: 1, variants, queryBits });
    const bases =
      idx.variantOf === null
        ? null
        : { transforms: new oldBases.HadamardVariants(variants, idx.binarizer.dim, idx.transforms!.signs), of: idx.variantOf };
    const old = new oldIndex.BinaryIndex(
      idx.binarizer,
      idx.codes,
      idx.normsSq,
      idx.floats,
      idx.params,
      idx.corrections,
      idx.assign,
      idx.offsets,
      idx.rotation,
      bases,
    );
    const time = (x: BinaryIndex): number => {
      const t = performance.now();
      for (let q = 0; q < nq; q++) x.search(ds.queries.subarray(q * dim, (q + 1) * dim), 10, { rescore: 10 });
      return nq / ((performance.now() - t) / 1000);
    };
    // one untimed round each, then alternating timed rounds
    time(old);
    time(idx);
    const before: number[] = [];
    const after: number[] = [];
    for (let r = 0; r < rounds; r++) {
      before.push(time(old));
      after.push(time(idx));
    }
    const mean = (a: number[]): number => a.reduce((s, x) => s + x, 0) / a.length;
    console.log(
      `${variants} bases, ${queryBits}-bit queries: old ${before.map((x) => x.toFixed(0)).join(' ')} | new ${after.map((x) => x.toFixed(0)).join(' ')} | new / old ${(mean(after) / mean(before)).toFixed(2)}`,
    );
  }
}
