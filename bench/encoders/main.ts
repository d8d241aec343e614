// Static encoders on SciFact: encoding throughput (texts/second at batch
// sizes 1 and 32) of the Model2Vec fixture models and of GloVe averaging
// over the 5,183 documents, and retrieval quality (nDCG@10, R@100 on the
// 300 test queries) of BM25, GloVe-average dense, and BM25 + GloVe RRF.
// Usage: npm run bench -- encoders
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Collection } from '../../src/collection/index.js';
import { Model2VecEncoder } from '../../src/encode/model2vec.js';
import { TransformerCrossEncoder } from '../../src/encode/transformer-cross-encoder.js';
import { TransformerDenseEncoder } from '../../src/encode/transformer-dense-encoder.js';
import { TransformerSparseEncoder } from '../../src/encode/transformer-sparse-encoder.js';
import { TransformerTokenEncoder } from '../../src/encode/transformer-token-encoder.js';
import { WordVectorEncoder } from '../../src/encode/word-vectors.js';
import { evaluateRun, readQrels, type RunData } from '../../src/eval/index.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { loadGloveWords } from '../common/glove-words.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const texts: { id: string; title: string; text: string }[] = [];
forEachBeirDocument(join(SHARED, 'scifact/corpus.jsonl'), (d) => texts.push({ id: d.id, title: d.title, text: d.text }));
const corpus = texts.map((d) => `${d.title}\n${d.text}`);

// 1. Throughput. Static encoders have no batched kernel: a batch is a loop, measured as such.
const glove = new WordVectorEncoder(loadGloveWords());
const encoders: [string, { encodeOne(t: string): unknown; encodeMany(ts: string[]): unknown }][] = [
  ...['float32', 'float16', 'int8', 'vocab-quantized'].map(
    (kind): [string, { encodeOne(t: string): unknown; encodeMany(ts: string[]): unknown }] => {
      const m = Model2VecEncoder.fromFolder(join(SHARED, 'model2vec-rs-fixtures', `test-model-${kind}`));
      return [
        `Model2Vec fixture (${kind}, ${m.tokenizer.constructor.name.replace('Tokenizer', '')})`,
        { encodeOne: (t) => m.encode(t), encodeMany: (ts) => m.encodeBatch(ts) },
      ];
    },
  ),
  ['GloVe average (wink 100-d)', { encodeOne: (t) => glove.encode(t), encodeMany: (ts) => ts.map((t) => glove.encode(t)) }],
];
const rows: Record<string, string | number>[] = [];
for (const [name, e] of encoders) {
  for (const t of corpus.slice(0, 200)) e.encodeOne(t); // warm-up
  let t0 = performance.now();
  for (const t of corpus) e.encodeOne(t);
  const one = corpus.length / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < corpus.length; i += 32) e.encodeMany(corpus.slice(i, i + 32));
  const batch = corpus.length / ((performance.now() - t0) / 1000);
  rows.push({ encoder: name, 'texts/s (batch 1)': one, 'texts/s (batch 32)': batch });
}

// Transformer fixture models (tiny random-weight BERTs, 64-token inputs) through
// onnxruntime-node: the machinery's throughput, not a real model's (a real 6-layer
// MiniLM does about two orders of magnitude more work per token).
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'models');
const transformerRuns: [string, (ts: string[], batchSize: number) => Promise<unknown>][] = [];
const dense = {
  one: await TransformerDenseEncoder.load(join(fixtures, 'tiny-bert'), { batchSize: 1 }),
  many: await TransformerDenseEncoder.load(join(fixtures, 'tiny-bert'), { batchSize: 32 }),
};
const splade = {
  one: await TransformerSparseEncoder.load(join(fixtures, 'tiny-bert-mlm'), { batchSize: 1 }),
  many: await TransformerSparseEncoder.load(join(fixtures, 'tiny-bert-mlm'), { batchSize: 32 }),
};
const unicoil = {
  one: await TransformerSparseEncoder.load(join(fixtures, 'tiny-unicoil'), { mode: 'term-weights', batchSize: 1 }),
  many: await TransformerSparseEncoder.load(join(fixtures, 'tiny-unicoil'), { mode: 'term-weights', batchSize: 32 }),
};
const colbert = {
  one: await TransformerTokenEncoder.load(join(fixtures, 'tiny-colbert'), { batchSize: 1 }),
  many: await TransformerTokenEncoder.load(join(fixtures, 'tiny-colbert'), { batchSize: 32 }),
};
const cross = {
  one: await TransformerCrossEncoder.load(join(fixtures, 'tiny-cross-encoder'), { batchSize: 1 }),
  many: await TransformerCrossEncoder.load(join(fixtures, 'tiny-cross-encoder'), { batchSize: 32 }),
};
transformerRuns.push(
  ['tiny BERT, mean pooling (dense, 32-d)', (ts, b) => (b === 1 ? dense.one : dense.many).encodeDocuments(ts)],
  ['tiny BERT masked-LM (SPLADE, 765 terms)', (ts, b) => (b === 1 ? splade.one : splade.many).encodeDocuments(ts)],
  ['tiny BERT term weights (uniCOIL-style)', (ts, b) => (b === 1 ? unicoil.one : unicoil.many).encodeDocuments(ts)],
  ['tiny BERT + projection (ColBERT tokens, 16-d)', (ts, b) => (b === 1 ? colbert.one : colbert.many).encodeDocuments(ts)],
  ['tiny BERT cross-encoder (query, document) pairs', (ts, b) => (b === 1 ? cross.one : cross.many).score('coronavirus transmission', ts)],
);
for (const [name, run] of transformerRuns) {
  await run(corpus.slice(0, 64), 32); // warm-up
  const rates: number[] = [];
  for (const b of [1, 32]) {
    const t0 = performance.now();
    await run(corpus, b);
    rates.push(corpus.length / ((performance.now() - t0) / 1000));
  }
  rows.push({ encoder: name, 'texts/s (batch 1)': rates[0]!, 'texts/s (batch 32)': rates[1]! });
}
console.log(`Encoding the ${corpus.length} SciFact documents (title + text)`);
printTable(rows);

// 2. Quality: BM25, GloVe average (exact cosine), and both fused by RRF, through one collection.
const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-enc-'));
const c = Collection.create(join(dir, 'c'), {
  fields: { contents: { type: 'text', from: ['title', 'text'] }, emb: { type: 'dense', dim: 100, index: 'flat' } },
});
const w = c.writer();
texts.forEach((d, i) => w.add({ _id: d.id, title: d.title, text: d.text, emb: Array.from(glove.encode(corpus[i]!).vector) }));
w.commit();
w.close();
const snap = c.reader();
const qrels = readQrels(join(SHARED, 'scifact/qrels/test.tsv'));
const queries = [...readQueries(join(SHARED, 'scifact/queries.jsonl'))].filter(([q]) => qrels.has(q));
const specs: [string, (text: string) => unknown][] = [
  ['BM25', (text) => ({ retrieve: [{ field: 'contents', text }], k: 100 })],
  ['GloVe average (dense, exact)', (text) => ({ retrieve: [{ field: 'emb', vector: Array.from(glove.encode(text).vector) }], k: 100 })],
  [
    'BM25 + GloVe (RRF k 60)',
    (text) => ({
      retrieve: [
        { field: 'contents', text, k: 1000 },
        { field: 'emb', vector: Array.from(glove.encode(text).vector), k: 1000 },
      ],
      fuse: { method: 'rrf', k: 60 },
      k: 100,
    }),
  ],
];
const quality = specs.map(([name, spec]) => {
  const run: RunData = new Map(
    queries.map(([qid, text]) => {
      const hits = snap.query(spec(text) as QuerySpecInput, { includeStored: false }).hits;
      return [qid, { docnos: hits.map((h) => h.id), scores: hits.map((h) => h.score) }];
    }),
  );
  const r = evaluateRun(qrels, run, { measures: ['ndcg_cut.10', 'recall.100'] });
  return { method: name, 'nDCG@10': r.all.get('ndcg_cut_10') as number, 'R@100': r.all.get('recall_100') as number };
});
console.log(`\nSciFact test (${queries.length} queries)`);
printTable(quality);
rmSync(dir, { recursive: true, force: true });
writeJson('encoders', { node: process.version, throughput: rows, quality });
