// The same code size with product quantization: how well do IVF-PQ codes of one bit
// per dimension (m = dim / 8 sub-quantizers of 8 bits; GloVe's 100 dimensions are padded
// with zeros to 104) pick candidates for exact rescoring, next to Quarry's 1-bit binary
// codes (npm run bench -- dense --engines quarry-binary)? Cosine, recall@10 against
// the dataset's exact top 10, every cell probed (nprobe = nlist) and 64 cells.
// Usage: node --import tsx bench/experiments/dense/one-bit-pq.ts [--dataset glove|gauss]
import { buildIvfPq } from '../../../src/index/dense/ivfpq/index.js';
import { argValue } from '../../common/args.js';
import { printTable } from '../../report.js';
import { loadDenseDataset, recall10 } from '../../dense/datasets.js';

const ds = loadDenseDataset(argValue('dataset', 'glove'));
const dim = ds.dim;
const padded = Math.ceil(dim / 8) * 8;
/** Rows of `dim` copied into rows of `padded` (zeros after). */
function pad(a: Float32Array): Float32Array {
  const rows = a.length / dim;
  const out = new Float32Array(rows * padded);
  for (let r = 0; r < rows; r++) out.set(a.subarray(r * dim, (r + 1) * dim), r * padded);
  return out;
}
const base = pad(ds.base);
const queries = pad(ds.queries);
const n = base.length / padded;
const nq = queries.length / padded;
const nlist = Math.round(Math.sqrt(n));
const t0 = performance.now();
const idx = buildIvfPq(base, { dim: padded, metric: 'cosine', nlist, m: padded / 8 });
const buildSeconds = (performance.now() - t0) / 1000;
const rows: Record<string, string | number>[] = [];
for (const nprobe of [64, nlist]) {
  for (const rescore of [10, 20, 30]) {
    const ids: Int32Array[] = [];
    for (let q = 0; q < nq; q++) ids.push(idx.search(queries.subarray(q * padded, (q + 1) * padded), 10, { nprobe, rescore }).ids);
    rows.push({
      codes: `ivfpq m ${padded / 8} x 8 bits (${padded / 8} B/row)`,
      nprobe,
      rescored: `${rescore} x k`,
      'recall@10': recall10(ids, ds.truth).toFixed(4),
    });
  }
}
console.log(
  `${ds.name}: ${n.toLocaleString('en-US')} rows x ${dim} (padded to ${padded}), ${nq} queries, nlist ${nlist}, build ${buildSeconds.toFixed(1)} s`,
);
printTable(rows);
