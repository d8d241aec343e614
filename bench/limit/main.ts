// LIMIT (Weller et al., 2025): recall@2, @10 and @100 of BM25, a dense static encoder trained
// here on the LIMIT corpus (no judgments: the corpus is all a user would have), the same
// encoder's token vectors as a multi-vector field (MaxSim), and their RRF fusions. Usage:
//   npm run bench -- limit [--small] [--documents N] [--dim 256] [--keep DIR]
// --small is the paper's 46-document variant; the default is the paper's 50,000 documents.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { Model2VecEncoder } from '../../src/encode/model2vec.js';
import { evaluateRun } from '../../src/eval/evaluate.js';
import { qrelsFromTriples } from '../../src/eval/qrels.js';
import type { RunData } from '../../src/eval/run.js';
import { fuseRuns } from '../../src/search/run-fusion.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { argNumber, argValue } from '../common/args.js';
import { printTable, writeJson } from '../report.js';
import { generateLimit, LIMIT_FULL, LIMIT_SMALL } from './limit-dataset.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const small = process.argv.includes('--small');
const settings = { ...(small ? LIMIT_SMALL : LIMIT_FULL) };
settings.documents = argNumber('documents', settings.documents);
const dim = argNumber('dim', 256);
const keep = argValue('keep', '');
const work = keep !== '' ? keep : mkdtempSync(join(tmpdir(), 'quarry-bench-limit-'));
mkdirSync(work, { recursive: true });

const t0 = performance.now();
const data = generateLimit(settings);
const corpusPath = join(work, 'corpus.jsonl');
writeFileSync(corpusPath, data.documents.map((d) => JSON.stringify({ _id: d.id, title: d.title, text: d.text })).join('\n') + '\n');
writeFileSync(join(work, 'queries.jsonl'), data.queries.map((q) => JSON.stringify({ _id: q.id, text: q.text })).join('\n') + '\n');
mkdirSync(join(work, 'qrels'), { recursive: true });
const triples = [...data.relevant].flatMap(([q, ds]) => ds.map((d) => [q, d, 1] as const));
writeFileSync(join(work, 'qrels/test.tsv'), 'query-id\tcorpus-id\tscore\n' + triples.map((t) => t.join('\t')).join('\n') + '\n');
console.log(
  `LIMIT${small ? ' small' : ''}: ${data.documents.length} documents liking ${data.thingsPerDocument} things each, ${data.queries.length} queries (${((performance.now() - t0) / 1000).toFixed(1)} s to generate), in ${work}`,
);

// a dense retriever trained on the corpus alone, as a user without judgments would train one
const model = join(work, 'model');
const t1 = performance.now();
const report = await trainRetriever({
  corpus: corpusPath,
  output: model,
  dim,
  onEpoch: (r) => console.log(`${r.phase} ${r.epoch}: loss ${r.loss.toFixed(4)} (${r.seconds.toFixed(1)} s)`),
});
const trainSeconds = (performance.now() - t1) / 1000;
console.log(`trained in ${trainSeconds.toFixed(1)} s: vocabulary ${report.vocabulary}, dim ${report.dim}`);
const encoder = Model2VecEncoder.fromFolder(model);

// BM25, the dense field and the token vectors side by side; at the full size the token vectors
// are int8 (float32 rows of 50,000 documents would take several gigabytes) and searched through
// MUVERA candidates rescored by MaxSim (exhaustive MaxSim takes about a second per query there)
const c = Collection.create(join(work, 'collection'), {
  fields: {
    contents: { type: 'text', from: ['title', 'text'] },
    emb: {
      type: 'dense',
      dim: report.dim,
      index: 'flat',
      metric: 'cosine',
      encoder: { type: 'model2vec', path: model, from: ['title', 'text'] },
    },
    tokens: small
      ? { type: 'multivector', dim: report.dim, metric: 'cosine' }
      : { type: 'multivector', dim: report.dim, metric: 'cosine', storage: 'int8', muvera: {} },
  },
});
const w = c.writer();
const t2 = performance.now();
for (const [i, d] of data.documents.entries()) {
  w.add({ _id: d.id, title: d.title, text: d.text, tokens: encoder.encodeTokens(`${d.title}\n${d.text}`).map((v) => Array.from(v)) });
  if ((i + 1) % 5000 === 0) w.commit();
}
w.commit();
w.close();
console.log(`indexed in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
const snap = c.reader();

const legs: Record<string, (q: string) => unknown> = {
  bm25: (q) => ({ field: 'contents', text: q }),
  dense: (q) => ({ field: 'emb', text: q }),
  multivector: (q) => ({ field: 'tokens', multivector: encoder.encodeTokens(q).map((v) => Array.from(v)) }),
};
const combos: Record<string, string[]> = {
  bm25: ['bm25'],
  dense: ['dense'],
  multivector: ['multivector'],
  'bm25 + dense (RRF)': ['bm25', 'dense'],
  'bm25 + multivector (RRF)': ['bm25', 'multivector'],
  'dense + multivector (RRF)': ['dense', 'multivector'],
  'all three (RRF)': ['bm25', 'dense', 'multivector'],
};
// each leg runs once, to depth 100 (the depth the query pipeline fuses by default); fusions fuse those runs
const legRuns = new Map<string, RunData>();
const msPerQuery: Record<string, number> = {};
for (const [name, leg] of Object.entries(legs)) {
  const run: RunData = new Map();
  const t = performance.now();
  for (const q of data.queries) {
    const hits = snap.query({ retrieve: [leg(q.text) as QuerySpecInput['retrieve'][number]], k: 100 }, { includeStored: false }).hits;
    run.set(q.id, { docnos: hits.map((h) => h.id), scores: hits.map((h) => h.score) });
  }
  msPerQuery[name] = (performance.now() - t) / data.queries.length;
  legRuns.set(name, run);
  console.log(`${name}: ${msPerQuery[name].toFixed(2)} ms/query`);
}
const qrels = qrelsFromTriples(triples);
const rows: Record<string, string | number>[] = [];
const results: Record<string, Record<string, number>> = {};
for (const [name, parts] of Object.entries(combos)) {
  const run =
    parts.length === 1
      ? legRuns.get(parts[0]!)!
      : fuseRuns(
          parts.map((p) => ({ name: p, run: legRuns.get(p)! })),
          { method: 'rrf', rrfK: 60, k: 100 },
        );
  const all = evaluateRun(qrels, run, { measures: ['recall.2', 'recall.10', 'recall.100'] }).all;
  const r = {
    'recall@2': all.get('recall_2') as number,
    'recall@10': all.get('recall_10') as number,
    'recall@100': all.get('recall_100') as number,
  };
  results[name] = r;
  rows.push({ run: name, ...r });
}
snap.close();
console.log(`\nLIMIT${small ? ' small' : ''} (${data.documents.length} documents, ${data.queries.length} queries):`);
printTable(rows);
const out = writeJson(`limit${small ? '-small' : ''}`, { settings, dim: report.dim, trainSeconds, msPerQuery, results });
console.log(`wrote ${out}`);
if (keep === '') rmSync(work, { recursive: true, force: true });
