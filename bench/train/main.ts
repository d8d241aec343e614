// Learned dense retrieval on SciFact: train a static encoder with `trainRetriever` (ICT/BFS
// pre-training on the corpus, then the train qrels with BM25 hard negatives; by default a
// tenth of the train queries held out for early stopping), index it as a dense field next to BM25, and
// evaluate on the test qrels: dense alone, BM25, RRF and weighted fusion, with paired tests
// against BM25 (quarry compare's). Usage:
//   npm run bench -- train [--dim 256] [--epochs 10] [--pretrain-epochs 1] [--loss infonce]
//     [--negatives bm25] [--teacher bm25] [--fn-ratio R] [--no-judgments] [--dataset scifact]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns } from '../../src/eval/compare.js';
import { readQrels } from '../../src/eval/qrels.js';
import { formatRunLines } from '../../src/eval/run.js';
import { readQueries } from '../../src/io/beir.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { argList, argNumber, argValue } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';
import { trainedCollection } from '../common/trained-collection.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const dataset = argValue('dataset', 'scifact');
/** A number given on the command line, or undefined so the library's default applies. */
const optionalNumber = (name: string): number | undefined => (argValue(name, '') === '' ? undefined : argNumber(name, 0));
const judgments = !process.argv.includes('--no-judgments');
const dim = optionalNumber('dim');
const data = join(SHARED, dataset);
const corpusPath = join(data, 'corpus.jsonl');
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-train-'));

// the library holds out a tenth of the train queries for early stopping (its default)
const trainQrels = judgments ? join(data, 'qrels/train.tsv') : undefined;

const model = join(work, 'model');
const t0 = performance.now();
const report = await trainRetriever({
  corpus: corpusPath,
  output: model,
  queries: judgments ? join(data, 'queries.jsonl') : undefined,
  qrels: trainQrels,
  dim,
  epochs: optionalNumber('epochs'),
  pretrainEpochs: optionalNumber('pretrain-epochs'),
  loss: argList('loss', ['infonce']),
  negatives: judgments ? argList('negatives', ['bm25']) : [],
  teacher: argValue('teacher', '') === 'bm25' ? 'bm25' : undefined,
  falseNegatives: argValue('fn-ratio', '') === '' ? undefined : { ratio: argNumber('fn-ratio', 1) },
  learningRate: optionalNumber('lr'),
  weightLearningRate: optionalNumber('wlr'),
  batchSize: optionalNumber('batch'),
  hardNegatives: optionalNumber('hard'),
  lossOptions: { temperature: optionalNumber('temperature'), zLoss: optionalNumber('z-loss') },
  onEpoch: (r) =>
    console.log(
      `${r.phase} ${r.epoch}: loss ${r.loss.toFixed(4)}${r.metric !== undefined ? ` dev nDCG@10 ${r.metric.toFixed(4)}` : ''} (${r.seconds.toFixed(1)} s)`,
    ),
});
const trainSeconds = (performance.now() - t0) / 1000;
console.log(
  `trained in ${trainSeconds.toFixed(1)} s: ${report.documents} docs, vocabulary ${report.vocabulary}, dim ${report.dim}, peak RSS ${(report.peakRss / 2 ** 20).toFixed(0)} MiB`,
);

// index BM25 and the trained encoder side by side, then run the test queries four ways
const snap = trainedCollection(join(work, 'c'), corpusPath, model, report.dim, true);
const queries = readQueries(join(data, 'queries.jsonl'));
const testQrelsPath = join(data, 'qrels/test.tsv');
const testQrels = readQrels(testQrelsPath);
const specs: Record<string, (q: string) => unknown> = {
  bm25: (q) => ({ retrieve: [{ field: 'contents', text: q }], k: 100 }),
  dense: (q) => ({ retrieve: [{ field: 'emb', text: q }], k: 100 }),
  rrf: (q) => ({
    retrieve: [
      { field: 'contents', text: q },
      { field: 'emb', text: q },
    ],
    fuse: { method: 'rrf', k: 60 },
    k: 100,
  }),
  weighted: (q) => ({
    retrieve: [
      { field: 'contents', text: q },
      { field: 'emb', text: q },
    ],
    fuse: { method: 'weighted', normalize: 'zscore' },
    k: 100,
  }),
};
const runFiles: Record<string, string> = {};
for (const [name, spec] of Object.entries(specs)) {
  let text = '';
  for (const qid of testQrels.keys()) {
    const q = queries.get(qid);
    if (q === undefined) continue;
    const hits = snap.query(spec(q) as QuerySpecInput).hits;
    text += formatRunLines(
      qid,
      hits.map((h) => h.id),
      hits.map((h) => h.score),
      name,
    );
  }
  runFiles[name] = join(work, `${name}.run`);
  writeFileSync(runFiles[name], text);
}
snap.close();
/** The table of one comparison against BM25. */
function table(qrels: typeof testQrels, title: string): ReturnType<typeof compareRuns> {
  const cmp = compareRuns(qrels, runFiles.bm25!, [runFiles.dense!, runFiles.rrf!, runFiles.weighted!], {
    measures: ['ndcg_cut.10', 'recall.100'],
  });
  const rows = ['bm25', 'dense', 'rrf', 'weighted'].map((name, i) => {
    const row: Record<string, string | number> = { run: name };
    for (const r of cmp.rows) {
      if (i === 0) row[r.measure] = r.baseline.toFixed(4);
      else {
        const cell = r.cells[i - 1]!;
        row[r.measure] =
          `${cell.mean.toFixed(4)}${cell.verdict === 1 ? ' ▲' : cell.verdict === -1 ? ' ▼' : ''} (p ${cell.holmP.toFixed(3)})`;
      }
    }
    return row;
  });
  console.log(`\n${title} (${cmp.queries} queries), against BM25 (Holm-adjusted randomization p):`);
  printTable(rows);
  return cmp;
}
const cmp = table(testQrels, `${dataset} test`);
// test queries none of whose relevant documents is relevant to a train query: what fine-tuning cannot have seen
let unseen: ReturnType<typeof compareRuns> | null = null;
if (judgments) {
  const trainRelevant = new Set([...readQrels(trainQrels!).values()].flatMap((js) => [...js].filter(([, r]) => r >= 1).map(([d]) => d)));
  const subset = new Map([...testQrels].filter(([, js]) => ![...js].some(([d, r]) => r >= 1 && trainRelevant.has(d))));
  unseen = table(subset, `${dataset} test, queries whose relevant documents no train query shares`);
}
const out = writeJson(`train-${dataset}${judgments ? '' : '-unsupervised'}`, {
  dataset,
  judgments,
  args: process.argv.slice(2),
  trainSeconds,
  report: { ...report, epochs: report.epochs },
  comparison: cmp,
  unseenComparison: unseen,
});
console.log(`wrote ${out}`);
rmSync(work, { recursive: true, force: true });
