// The training losses side by side on SciFact: the same data (ICT/BFS pre-training, then the
// train qrels less a tenth held out for early stopping), the same budget (1 pre-training
// epoch, at most 10 fine-tuning epochs) and the library's defaults; each loss with static BM25
// negatives, then with BM25 + dynamic negatives and false negatives filtered by a BM25
// teacher (ratio 0.9). Dense alone, on the test qrels. Usage: npm run bench -- train-losses
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Model2VecEncoder } from '../../src/encode/model2vec.js';
import { evaluateRun } from '../../src/eval/evaluate.js';
import { readQrels } from '../../src/eval/qrels.js';
import type { RunData } from '../../src/eval/run.js';
import { readQueries } from '../../src/io/beir.js';
import { TopKHeap } from '../../src/kernels/top-k-heap.js';
import { LOSS_NAMES } from '../../src/learn/losses/loss-registry.js';
import { documentText, forEachTrainingDocument } from '../../src/train/training-corpus.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { argList } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

const data = join(SHARED, 'scifact');
const corpus = join(data, 'corpus.jsonl');
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-losses-'));
const queries = readQueries(join(data, 'queries.jsonl'));
const test = readQrels(join(data, 'qrels/test.tsv'));
const docIds: string[] = [];
const docTexts: string[] = [];
forEachTrainingDocument(corpus, (d) => {
  docIds.push(d.id);
  docTexts.push(documentText(d));
});

/** nDCG@10 and R@100 of the model folder's exact search over the test queries. */
function testFigures(model: string): { ndcg: number; recall: number } {
  const enc = Model2VecEncoder.fromFolder(model);
  const docs = enc.encodeBatch(docTexts);
  const run: RunData = new Map();
  const heap = new TopKHeap(100);
  const dim = enc.dim;
  for (const qid of test.keys()) {
    const q = enc.encode(queries.get(qid) ?? '');
    heap.clear();
    for (let d = 0; d < docIds.length; d++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += q[j]! * docs[d * dim + j]!;
      heap.offer(s, d);
    }
    const r = heap.drain();
    run.set(qid, { docnos: Array.from(r.docs, (d) => docIds[d]!), scores: Array.from(r.scores) });
  }
  const rep = evaluateRun(test, run, { measures: ['ndcg_cut.10', 'recall.100'], averageComplete: true });
  return { ndcg: rep.all.get('ndcg_cut_10') as number, recall: rep.all.get('recall_100') as number };
}

const rows: Record<string, string | number>[] = [];
for (const loss of argList('losses', LOSS_NAMES)) {
  for (const variant of ['bm25', 'bm25+dynamic+fn'] as const) {
    const output = join(work, `${loss}-${variant}`);
    const t0 = performance.now();
    const report = await trainRetriever({
      corpus,
      output,
      queries: join(data, 'queries.jsonl'),
      qrels: join(data, 'qrels/train.tsv'),
      loss: [loss],
      negatives: variant === 'bm25' ? ['bm25'] : ['bm25', 'dynamic'],
      teacher: loss === 'listwise-kl' || variant !== 'bm25' ? 'bm25' : undefined,
      falseNegatives: variant === 'bm25' ? undefined : { ratio: 0.9 },
    });
    const f = testFigures(output);
    const row = {
      loss,
      negatives: variant,
      'test nDCG@10': f.ndcg.toFixed(4),
      'test R@100': f.recall.toFixed(4),
      'dev nDCG@10': report.best!.metric.toFixed(4),
      'best epoch': report.best!.epoch,
      seconds: ((performance.now() - t0) / 1000).toFixed(1),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
}
printTable(rows);
console.log(`wrote ${writeJson('train-losses-scifact', rows)}`);
rmSync(work, { recursive: true, force: true });
