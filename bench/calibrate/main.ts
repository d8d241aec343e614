// Calibrated relevance filtering on SciFact: fit the query-dependent score
// → probability map on the train queries (BM25, top 100), choose on train
// the global threshold that keeps ≥ 90% of top-10's recall (for calibrated
// probabilities and, as the baseline, for raw scores), and report the
// precision, recall and F1 of the filtered sets on the held-out test queries
// next to fixed top-k cutoffs. Usage: npm run bench -- calibrate [--depth 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { calibrationExamples } from '../../src/collection/calibration-examples.js';
import { readQrels } from '../../src/eval/index.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import {
  calibrate,
  calibrationLoss,
  fitCalibration,
  type CalibrationExample,
  type CalibrationModel,
} from '../../src/search/calibration.js';
import { argNumber } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

const depth = argNumber('depth', 100);
const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-cal-'));
const c = Collection.create(join(dir, 'c'), { fields: { contents: { type: 'text', from: ['title', 'text'] } } });
const w = c.writer();
forEachBeirDocument(join(SHARED, 'scifact/corpus.jsonl'), (d) => w.add({ _id: d.id, title: d.title, text: d.text }));
w.commit();
w.close();
const snap = c.reader();
const queries = readQueries(join(SHARED, 'scifact/queries.jsonl'));
const template = { retrieve: [{ field: 'contents', text: '$query' }] };
const trainQrels = readQrels(join(SHARED, 'scifact/qrels/train.tsv'));
const testQrels = readQrels(join(SHARED, 'scifact/qrels/test.tsv'));
const train = calibrationExamples(snap, queries, trainQrels, template, depth);
const test = calibrationExamples(snap, queries, testQrels, template, depth);
const relevantIn = (qrels: typeof testQrels): number =>
  [...qrels.values()].reduce((a, q) => a + [...q.values()].filter((r) => r >= 1).length, 0);

const t0 = performance.now();
const model: CalibrationModel = fitCalibration(train, { depth, spec: template });
console.log(
  `fitted on ${train.length} train queries in ${((performance.now() - t0) / 1000).toFixed(1)} s; log loss train ${calibrationLoss(model, train).toFixed(4)}, test ${calibrationLoss(model, test).toFixed(4)}`,
);

/** Micro precision, recall, F1 and mean set size of per-query selections. */
function measure(
  examples: CalibrationExample[],
  totalRelevant: number,
  keep: (e: CalibrationExample, q: number) => boolean[],
): { precision: number; recall: number; f1: number; 'mean set': number } {
  let kept = 0;
  let hits = 0;
  examples.forEach((e, q) => {
    keep(e, q).forEach((k, j) => {
      if (!k) return;
      kept++;
      hits += e.labels[j]!;
    });
  });
  const precision = kept === 0 ? 1 : hits / kept;
  const recall = hits / totalRelevant;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    'mean set': kept / examples.length,
  };
}
const probs = (examples: CalibrationExample[]): number[][] => examples.map((e) => calibrate(model, e.scores, e.queryLength));
const trainP = probs(train);
const testP = probs(test);
const trainRel = relevantIn(trainQrels);
const testRel = relevantIn(testQrels);

/** The highest threshold on `values` whose train recall stays ≥ 90% of top-10's. */
function chooseThreshold(values: number[][]): number {
  const target = 0.9 * measure(train, trainRel, (e) => e.scores.map((_, j) => j < 10)).recall;
  const candidates = [...new Set(values.flat())].sort((a, b) => b - a);
  for (const t of candidates) if (measure(train, trainRel, (e, q) => values[q]!.map((v) => v >= t)).recall >= target) return t;
  return -Infinity;
}
const tCal = chooseThreshold(trainP);
const tRaw = chooseThreshold(train.map((e) => e.scores));

const rows: Record<string, string | number>[] = [];
for (const k of [1, 3, 5, 10]) rows.push({ method: `top ${k}`, ...measure(test, testRel, (e) => e.scores.map((_, j) => j < k)) });
rows.push({ method: `raw BM25 score ≥ ${tRaw.toFixed(3)}`, ...measure(test, testRel, (e) => e.scores.map((s) => s >= tRaw)) });
rows.push({ method: `calibrated p ≥ ${tCal.toFixed(3)}`, ...measure(test, testRel, (e, q) => testP[q]!.map((p) => p >= tCal)) });
for (const t of [0.3, 0.5]) rows.push({ method: `calibrated p ≥ ${t}`, ...measure(test, testRel, (e, q) => testP[q]!.map((p) => p >= t)) });
console.log(`\nSciFact test (${test.length} queries, ${testRel} relevant), thresholds chosen on train to keep ≥ 90% of top-10 recall`);
printTable(rows);
rmSync(dir, { recursive: true, force: true });
writeJson('calibrate', {
  node: process.version,
  depth,
  trainQueries: train.length,
  testQueries: test.length,
  thresholds: { calibrated: tCal, raw: tRaw },
  rows,
});
