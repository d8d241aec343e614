// The SciFact half of the compression benchmark: a static encoder trained by `trainRetriever`
// (defaults: corpus pre-training, then the train qrels with BM25 negatives) encodes the corpus
// and the queries; IVF-PQ codebooks (k-means, anisotropic, Distill-VQ from the train queries'
// own float rankings, JPQ from the train judgments) are compared with the float index on the
// test queries: recall@10 against it and nDCG@10 against the test qrels. With --methods binary,
// bebr: the binary family's fitted codes against BEBR-trained binarizers (at 32 and 64 bytes for
// 256-d rows); with compatible: a new model's queries searching an old model's binary index
// (backward-compatible query codes), the old model trained on the corpus alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFieldEncoder } from '../../src/encode/dense-text-encoder.js';
import { evaluateRun } from '../../src/eval/evaluate.js';
import { readQrels } from '../../src/eval/qrels.js';
import type { RunData } from '../../src/eval/run.js';
import { ivfPqIndexOf } from '../../src/index/dense/ivfpq/build.js';
import { IVFPQ_DEFAULTS } from '../../src/index/dense/ivfpq/params.js';
import type { IvfPqCodebookRef } from '../../src/index/dense/ivfpq/ivfpq-index.js';
import { normalizeRows } from '../../src/kernels/dense-distance.js';
import { exactNeighbours } from '../../src/learn/trained-codes/exact-neighbours.js';
import { chooseAnisotropy, trainIvfPqCodes, type CodeTrainingMethod } from '../../src/learn/trained-codes/ivfpq-code-training.js';
import { ANISOTROPY_CANDIDATES } from '../../src/train/train-codes.js';
import { fitIvfProductQuantizer, type IvfProductQuantizer } from '../../src/quantize/ivf-product-quantizer.js';
import { readQueries } from '../../src/io/beir.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { buildBinary, buildBinaryWithCodebook, type BinaryIndex } from '../../src/index/dense/binary/index.js';
import { defaultBinaryCentroids, defaultBinaryRotate } from '../../src/index/dense/binary/params.js';
import { initialTrainedBinarizer, trainBinarizer, type TrainedBinarizer } from '../../src/learn/trained-codes/binarizer-training.js';
import type { BinaryCodebook } from '../../src/learn/trained-codes/codebook-file.js';
import { encodeCompatibleQuery, trainCompatibleQueryBinarizer } from '../../src/learn/trained-codes/compatible-binarizer.js';
import { SHARED } from '../bm25/datasets.js';
import { trainedCollection } from '../common/trained-collection.js';
import { recall10 } from '../dense/datasets.js';

/** One row of the SciFact table. */
export type SciFactRow = Record<string, string | number>;

/** Runs the SciFact comparison at each code size; prints and returns its rows. */
export async function scifactCompression(
  bytesList: readonly number[],
  methods: readonly string[],
  fixedAnisotropy: number | null,
  epochs: number,
  print: (row: SciFactRow) => void,
): Promise<SciFactRow[]> {
  const data = join(SHARED, 'scifact');
  const work = mkdtempSync(join(tmpdir(), 'quarry-bench-compress-'));
  try {
    const t0 = performance.now();
    const model = join(work, 'model');
    const report = await trainRetriever({
      corpus: join(data, 'corpus.jsonl'),
      output: model,
      queries: join(data, 'queries.jsonl'),
      qrels: join(data, 'qrels/train.tsv'),
    });
    process.stderr.write(`scifact encoder trained in ${((performance.now() - t0) / 1000).toFixed(1)} s (dim ${report.dim})\n`);
    const snap = trainedCollection(join(work, 'c'), join(data, 'corpus.jsonl'), model, report.dim, false);
    const { ids, dim, rows } = snap.denseVectors('emb');
    const spec = snap.schema.fields.emb!;
    snap.close();
    if (spec.type !== 'dense' || spec.encoder === undefined) throw new Error('emb is not an encoded dense field');
    normalizeRows(rows, dim);
    const encoder = loadFieldEncoder('emb', spec.encoder, dim);
    const queries = readQueries(join(data, 'queries.jsonl'));
    const encode = (qids: readonly string[]): Float32Array => {
      const out = new Float32Array(qids.length * dim);
      qids.forEach((q, i) => out.set(encoder.encodeQuery(queries.get(q)!), i * dim));
      normalizeRows(out, dim);
      return out;
    };
    const testQrels = readQrels(join(data, 'qrels/test.tsv'));
    const trainQrels = readQrels(join(data, 'qrels/train.tsv'));
    const testIds = [...testQrels.keys()].filter((q) => queries.has(q));
    const testVectors = encode(testIds);
    const rowOf = new Map(ids.map((id, r) => [id, r] as const));
    const judged = [...trainQrels.keys()].filter((q) => queries.has(q));
    const positivesAll = judged.map((q) =>
      Int32Array.from([...trainQrels.get(q)!].filter(([d, g]) => g > 0 && rowOf.has(d)).map(([d]) => rowOf.get(d)!)),
    );
    const usable = judged.map((_, i) => i).filter((i) => positivesAll[i]!.length > 0);
    const trainVectors = encode(usable.map((i) => judged[i]!));
    const positives = usable.map((i) => positivesAll[i]!);
    const cut = usable.length - Math.round(usable.length / 10);
    const tq = trainVectors.subarray(0, cut * dim);
    const vq = trainVectors.subarray(cut * dim);
    const nq = testIds.length;
    const floatTop = exactNeighbours(rows, testVectors, dim, 'dot', 10);
    const truth = new Int32Array(nq * 10);
    floatTop.docs.forEach((d, q) => truth.set(d, q * 10));
    const ndcg = (lists: ArrayLike<number>[], scores: ArrayLike<number>[]): number => {
      const run: RunData = new Map();
      lists.forEach((l, q) => run.set(testIds[q]!, { docnos: Array.from(l, (r) => ids[r]!), scores: Array.from(scores[q]!) }));
      return Number(evaluateRun(testQrels, run, { measures: ['ndcg_cut.10'] }).all.get('ndcg_cut_10'));
    };
    const floatNdcg = ndcg(floatTop.docs, floatTop.scores);
    const out: SciFactRow[] = [];
    const emit = (row: SciFactRow): void => {
      out.push(row);
      print(row);
    };
    emit({ codes: 'float (flat)', bytes: 4 * dim, 'train s': '-', 'R@10 r0': '1.000', 'nDCG r0': floatNdcg.toFixed(4) });
    const n = rows.length / dim;
    const nlist = Math.round(Math.sqrt(n));
    for (const bytes of bytesList) {
      const t1 = performance.now();
      const initial = fitIvfProductQuantizer(rows, dim, nlist, bytes, IVFPQ_DEFAULTS.seed);
      const kmeansSeconds = (performance.now() - t1) / 1000;
      const params = { ...IVFPQ_DEFAULTS, dim, metric: 'cosine' as const, nlist, m: bytes };
      const measure = (label: string, q: IvfProductQuantizer, ref: IvfPqCodebookRef | null, seconds: number): void => {
        const index = ivfPqIndexOf(q, rows, params, true, ref);
        const row: SciFactRow = { codes: label, bytes, 'train s': seconds.toFixed(1) };
        for (const rescore of [0, 2, 10]) {
          const lists: Int32Array[] = [];
          const scores: Float32Array[] = [];
          for (let i = 0; i < nq; i++) {
            const h = index.search(testVectors.subarray(i * dim, (i + 1) * dim), 10, { nprobe: nlist, rescore });
            lists.push(h.ids);
            scores.push(h.scores);
          }
          row[`R@10 r${rescore}`] = recall10(lists, truth).toFixed(3);
          row[`nDCG r${rescore}`] = ndcg(lists, scores).toFixed(4);
        }
        emit(row);
      };
      if (methods.includes('kmeans')) measure('k-means PQ', initial, null, kmeansSeconds);
      for (const method of ['kmeans-aniso', 'distill-vq', 'jpq'] as const) {
        if (!methods.includes(method)) continue;
        const judged = method === 'jpq';
        const data = {
          dim,
          metric: 'dot' as const,
          rows,
          queries: tq,
          positives: judged ? positives.slice(0, cut) : undefined,
          validation: { queries: vq, positives: judged ? positives.slice(cut) : undefined },
        };
        // as quarry train-codes: η chosen on the validation queries (judged ones for JPQ)
        const choice = chooseAnisotropy(data, initial, ANISOTROPY_CANDIDATES);
        const anisotropy = fixedAnisotropy ?? choice.anisotropy;
        process.stderr.write(`scifact ${method} ${bytes} B: validation recall by anisotropy ${JSON.stringify(choice.metrics)}\n`);
        const start = { ...initial, anisotropy };
        if (method === 'kmeans-aniso') {
          measure(`k-means, anisotropic (η ${anisotropy})`, start, null, kmeansSeconds);
          continue;
        }
        const res = trainIvfPqCodes(data, { method: method as CodeTrainingMethod, initial: start, epochs });
        process.stderr.write(
          `scifact ${method} ${bytes} B: validation ${res.initialMetric.toFixed(4)} -> ${res.best.metric.toFixed(4)} (epoch ${res.best.epoch})\n`,
        );
        measure(`${method} (η ${anisotropy})`, res.quantizer, { method, version: 1, queryMap: res.queryMap }, kmeansSeconds + res.seconds);
      }
    }
    if (methods.includes('binary') || methods.includes('bebr'))
      binaryRows(bytesList, methods, rows, dim, testVectors, truth, ndcg, tq, vq, emit);
    if (methods.includes('compatible')) {
      // an upgrade: the old model is pre-trained on the corpus alone, the new one (above) also on the train judgments
      const t2 = performance.now();
      const oldModel = join(work, 'old-model');
      const oldReport = await trainRetriever({ corpus: join(data, 'corpus.jsonl'), output: oldModel });
      process.stderr.write(`scifact old encoder (corpus only) trained in ${((performance.now() - t2) / 1000).toFixed(1)} s\n`);
      const oldSnap = trainedCollection(join(work, 'old'), join(data, 'corpus.jsonl'), oldModel, oldReport.dim, false);
      const old = oldSnap.denseVectors('emb');
      const oldSpec = oldSnap.schema.fields.emb!;
      oldSnap.close();
      if (oldSpec.type !== 'dense' || oldSpec.encoder === undefined) throw new Error('emb is not an encoded dense field');
      if (old.ids.join() !== ids.join()) throw new Error('the two collections hold the documents in different orders');
      normalizeRows(old.rows, old.dim);
      const oldEncoder = loadFieldEncoder('emb', oldSpec.encoder, old.dim);
      const encodeOld = (qids: readonly string[]): Float32Array => {
        const v = new Float32Array(qids.length * old.dim);
        qids.forEach((q, i) => v.set(oldEncoder.encodeQuery(queries.get(q)!), i * old.dim));
        normalizeRows(v, old.dim);
        return v;
      };
      const trainOld = encodeOld(usable.map((i) => judged[i]!));
      compatibleRows(old.rows, old.dim, trainOld, trainVectors, dim, cut, encodeOld(testIds), testVectors, ndcg, emit);
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Ndcg = (lists: ArrayLike<number>[], scores: ArrayLike<number>[]) => number;

/** Binary codes of the new model's rows: fitted sign planes and BEBR-trained binarizers (validation: the train split's held-out queries). */
function binaryRows(
  bytesList: readonly number[],
  methods: readonly string[],
  rows: Float32Array,
  dim: number,
  test: Float32Array,
  truth: Int32Array,
  ndcg: Ndcg,
  tq: Float32Array,
  vq: Float32Array,
  emit: (row: SciFactRow) => void,
): void {
  const n = rows.length / dim;
  const nq = test.length / dim;
  const planeBytes = (Math.ceil(dim / 32) * 32) / 8;
  const vTruth = exactNeighbours(rows, vq, dim, 'dot', 10).docs;
  const measure = (label: string, bytes: number, index: BinaryIndex, seconds: number): void => {
    const row: SciFactRow = { codes: label, bytes, 'train s': seconds.toFixed(1) };
    const settings: [string, Record<string, number | boolean>][] = [
      ['r0', { rescore: 0 }],
      ['r2', { rescore: 2 }],
      ['r10', { rescore: 10 }],
      ['sdc r0', { rescore: 0, sdc: true }],
    ];
    for (const [name, params] of settings) {
      const lists: Int32Array[] = [];
      const scores: Float32Array[] = [];
      for (let i = 0; i < nq; i++) {
        const h = index.search(test.subarray(i * dim, (i + 1) * dim), 10, params);
        lists.push(h.ids);
        scores.push(h.scores);
      }
      row[`R@10 ${name}`] = recall10(lists, truth).toFixed(3);
      row[`nDCG ${name}`] = ndcg(lists, scores).toFixed(4);
    }
    emit(row);
  };
  for (const bytes of bytesList) {
    const planes = bytes / planeBytes;
    if (!Number.isInteger(planes) || planes < 1 || planes > 8) continue;
    const t0 = performance.now();
    if (methods.includes('binary'))
      measure(
        `binary, ${planes} plane(s) (fitted)`,
        bytes,
        buildBinary(rows, { dim, metric: 'cosine', planes }),
        (performance.now() - t0) / 1000,
      );
    if (!methods.includes('bebr')) continue;
    const t1 = performance.now();
    const initial = initialTrainedBinarizer(rows, dim, {
      planes,
      centroids: defaultBinaryCentroids(n),
      rotate: defaultBinaryRotate(dim),
      seed: 42,
    });
    const codebook = (b: TrainedBinarizer): BinaryCodebook => ({ method: 'bebr', version: 1, binarizer: b });
    const validate = (b: TrainedBinarizer): number => {
      const index = buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, codebook(b), false);
      const lists = Array.from(
        { length: vq.length / dim },
        (_, q) => index.search(vq.subarray(q * dim, (q + 1) * dim), 10, { rescore: 0 }).ids,
      );
      return recall10(lists, Int32Array.from(vTruth.flatMap((d) => Array.from(d))));
    };
    const res = trainBinarizer(
      { dim, metric: 'dot', rows, queries: tq, validation: { queries: vq } },
      {
        initial,
        correction: true,
        measure: validate,
        onEpoch: (e) =>
          process.stderr.write(`scifact bebr ${bytes} B epoch ${e.epoch}: loss ${e.loss.toFixed(4)} validation ${e.metric.toFixed(4)}\n`),
      },
    );
    process.stderr.write(
      `scifact bebr ${bytes} B: validation ${res.initialMetric.toFixed(4)} -> ${res.best.metric.toFixed(4)} (epoch ${res.best.epoch})\n`,
    );
    measure(
      `bebr, ${planes} plane(s)`,
      bytes,
      buildBinaryWithCodebook(rows, { dim, metric: 'cosine' }, codebook(res.binarizer)),
      (performance.now() - t1) / 1000,
    );
  }
}

/**
 * Backward compatibility: the old model's rows in a 2-plane binary index; test queries embedded by
 * the old model and searched by their own codes (the old system), and embedded by the new model
 * and coded for the old index through the least-squares map alone and through the trained coder.
 * Recall@10 against the old model's float top 10 and nDCG@10 on the test judgments.
 */
function compatibleRows(
  oldRows: Float32Array,
  oldDim: number,
  trainOld: Float32Array,
  trainNew: Float32Array,
  newDim: number,
  cut: number,
  testOld: Float32Array,
  testNew: Float32Array,
  ndcg: Ndcg,
  emit: (row: SciFactRow) => void,
): void {
  const planes = 2;
  const old = initialTrainedBinarizer(oldRows, oldDim, {
    planes,
    centroids: defaultBinaryCentroids(oldRows.length / oldDim),
    rotate: defaultBinaryRotate(oldDim),
    seed: 42,
  });
  const index = buildBinaryWithCodebook(oldRows, { dim: oldDim, metric: 'cosine' }, { method: 'bebr', version: 1, binarizer: old });
  const nq = testOld.length / oldDim;
  const oldTop = exactNeighbours(oldRows, testOld, oldDim, 'dot', 10);
  const truth = new Int32Array(nq * 10);
  oldTop.docs.forEach((d, q) => truth.set(d, q * 10));
  const row = (label: string, search: (q: number) => { ids: Int32Array; scores: Float32Array }, seconds: string): void => {
    const lists: Int32Array[] = [];
    const scores: Float32Array[] = [];
    for (let q = 0; q < nq; q++) {
      const h = search(q);
      lists.push(h.ids);
      scores.push(h.scores);
    }
    emit({
      codes: label,
      bytes: (planes * Math.ceil(oldDim / 32) * 32) / 8,
      'train s': seconds,
      'R@10 r0': recall10(lists, truth).toFixed(3),
      'nDCG r0': ndcg(lists, scores).toFixed(4),
    });
  };
  row('old model, float', (q) => ({ ids: oldTop.docs[q]!, scores: oldTop.scores[q]! }), '-');
  row(
    'old queries, own codes (SDC)',
    (q) => index.searchQueryCode(index.encodeQuery(testOld.subarray(q * oldDim, (q + 1) * oldDim)), 10),
    '-',
  );
  const res = trainCompatibleQueryBinarizer(
    {
      oldRows,
      oldDim,
      old,
      oldQueries: trainOld.subarray(0, cut * oldDim),
      newQueries: trainNew.subarray(0, cut * newDim),
      newDim,
      validation: { oldQueries: trainOld.subarray(cut * oldDim), newQueries: trainNew.subarray(cut * newDim) },
    },
    {
      correction: true,
      onEpoch: (e) => process.stderr.write(`compatible epoch ${e.epoch}: loss ${e.loss.toFixed(4)} validation ${e.metric.toFixed(4)}\n`),
    },
  );
  process.stderr.write(
    `compatible: validation old queries ${res.oldQueryRecall.toFixed(4)}, new through the map ${res.initialMetric.toFixed(4)} -> trained ${res.best.metric.toFixed(4)} (epoch ${res.best.epoch})\n`,
  );
  row(
    'new queries, compatible codes (trained)',
    (q) => index.searchQueryCode(encodeCompatibleQuery(res.coder, testNew.subarray(q * newDim, (q + 1) * newDim)), 10),
    res.seconds.toFixed(1),
  );
}
