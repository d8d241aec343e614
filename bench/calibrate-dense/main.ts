// Calibrated relevance filtering on the cosine scores of a trained dense retriever (the
// Cosine Adapter's setting), SciFact: a static encoder is trained on the train qrels less a
// held-out tenth (dev); the score → probability map is fitted on the dev queries, which the
// encoder never trained on; on the test queries, at the recall of each fixed top-k cut, the
// precision of a global threshold on the calibrated probabilities and of one on the raw
// cosines (each the highest threshold reaching that recall on test: matched recall).
// Usage: npm run bench -- calibrate-dense [--depth 100]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrationExamples } from '../../src/collection/calibration-examples.js';
import { formatQrels, qrelsFromTriples, readQrels, type Qrels } from '../../src/eval/qrels.js';
import { readQueries } from '../../src/io/beir.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { calibrate, fitCalibration, type CalibrationExample } from '../../src/search/calibration.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { argNumber } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';
import { trainedCollection } from '../common/trained-collection.js';

const depth = argNumber('depth', 100);
const data = join(SHARED, 'scifact');
const corpus = join(data, 'corpus.jsonl');
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-cal-dense-'));
const all = readQrels(join(data, 'qrels/train.tsv'));
const pick = xorshift32(11);
const devQ = new Set([...all.keys()].filter(() => pick() < 0.1));
const part = (dev: boolean): Qrels =>
  qrelsFromTriples([...all].flatMap(([q, js]) => (devQ.has(q) === dev ? [...js].map(([d, r]) => [q, d, r] as const) : [])));
const trainPath = join(work, 'train.tsv');
const devPath = join(work, 'dev.tsv');
writeFileSync(trainPath, formatQrels(part(false)));
writeFileSync(devPath, formatQrels(part(true)));
const model = join(work, 'model');
const report = await trainRetriever({ corpus, output: model, queries: join(data, 'queries.jsonl'), qrels: trainPath, devQrels: devPath });
console.log(`trained: dev nDCG@10 ${report.best!.metric.toFixed(4)} (epoch ${report.best!.epoch}) in ${report.seconds.toFixed(1)} s`);

const snap = trainedCollection(join(work, 'c'), corpus, model, report.dim, false);
const queries = readQueries(join(data, 'queries.jsonl'));
const template = { retrieve: [{ field: 'emb', text: '$query' }] };
const dev = calibrationExamples(snap, queries, part(true), template, depth);
const testQrels = readQrels(join(data, 'qrels/test.tsv'));
const test = calibrationExamples(snap, queries, testQrels, template, depth);
snap.close();
const cal = fitCalibration(dev, { depth, spec: template });
const testP = test.map((e) => calibrate(cal, e.scores, e.queryLength));
const testRel = [...testQrels.values()].reduce((a, q) => a + [...q.values()].filter((r) => r >= 1).length, 0);

function measure(keep: (e: CalibrationExample, q: number) => boolean[]): {
  precision: number;
  recall: number;
  f1: number;
  'mean set': number;
} {
  let kept = 0;
  let hits = 0;
  test.forEach((e, q) =>
    keep(e, q).forEach((k, j) => {
      if (k) {
        kept++;
        hits += e.labels[j]!;
      }
    }),
  );
  const precision = kept === 0 ? 1 : hits / kept;
  const recall = hits / testRel;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    'mean set': kept / test.length,
  };
}

/** The highest global threshold on `values` whose kept set reaches `recall`, and the kept set's precision, recall and size. */
function atRecall(
  values: readonly (readonly number[])[],
  recall: number,
): { threshold: number; precision: number; recall: number; 'mean set': number } {
  const pairs = test.flatMap((e, q) => values[q]!.map((v, j) => [v, e.labels[j]!] as const)).sort((x, y) => y[0] - x[0]);
  let hits = 0;
  let kept = 0;
  for (const [v, label] of pairs) {
    hits += label;
    kept++;
    if (hits / testRel >= recall) return { threshold: v, precision: hits / kept, recall: hits / testRel, 'mean set': kept / test.length };
  }
  return { threshold: -Infinity, precision: hits / kept, recall: hits / testRel, 'mean set': kept / test.length };
}

const rows: Record<string, string | number>[] = [];
for (const k of [1, 2, 3, 5, 10]) {
  const top = measure((e) => e.scores.map((_, j) => j < k));
  const cal = atRecall(testP, top.recall);
  const raw = atRecall(
    test.map((e) => e.scores),
    top.recall,
  );
  rows.push({
    'top k': k,
    'top-k precision': top.precision.toFixed(3),
    recall: top.recall.toFixed(3),
    'calibrated precision': cal.precision.toFixed(3),
    'p threshold': cal.threshold.toFixed(3),
    'raw-cosine precision': raw.precision.toFixed(3),
    'cosine threshold': raw.threshold.toFixed(4),
    'calibrated mean set': cal['mean set'].toFixed(2),
  });
}
console.log(
  `\nSciFact test (${test.length} queries, ${testRel} relevant), calibration fitted on ${dev.length} dev queries; precision at the recall of each top-k cut:`,
);
printTable(rows);
console.log(`wrote ${writeJson('calibrate-dense', { depth, devQueries: dev.length, testQueries: test.length, rows })}`);
rmSync(work, { recursive: true, force: true });
