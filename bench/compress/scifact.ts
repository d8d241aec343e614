// The SciFact half of the compression benchmark: a static encoder trained by `trainRetriever`
// (defaults: corpus pre-training, then the train qrels with BM25 negatives) encodes the corpus
// and the queries; IVF-PQ codebooks (k-means, anisotropic, Distill-VQ from the train queries'
// own float rankings, JPQ from the train judgments) are compared with the float index on the
// test queries: recall@10 against it and nDCG@10 against the test qrels.
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
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
