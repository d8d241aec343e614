// Compares the synthetic collection with real SPLADE vectors on the statistics
// that decide how hard Seismic's job is: how much of a vector's mass its few
// largest terms carry, and how common those terms are. Real vectors: the 20
// MS MARCO passages and 5 queries of ../shared/datasets/seismic-toy (SPLADE);
// since 20 passages cannot give document frequencies, a term's df there is
// estimated on ~21,000 English documents (SciFact, CACM, Vaswani, Cranfield)
// tokenized with the BERT WordPiece vocabulary. Synthetic df is exact.
// Usage: node --import tsx bench/sparse/splade-stats.ts [--docs 200000] [--weighting informative|popular]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachBeirDocument } from '../../src/io/beir.js';
import { WordPieceTokenizer } from '../../src/text/wordpiece-tokenizer.js';
import { SHARED } from '../bm25/datasets.js';
import { argNumber, argValue } from '../common/args.js';
import { printTable } from '../report.js';
import { generateSyntheticSparse, SYNTH_DEFAULTS, type SyntheticWeighting } from './splade-synth.js';

/** Per-vector statistics, averaged over a set of vectors. */
interface VectorStats {
  nnz: number;
  /** Share of the L1 mass held by the 10 largest weights. */
  top10Mass: number;
  /** df (fraction of documents) of the largest-weight term. */
  dfTop1: number;
  /** Mean df of the 5 largest-weight terms. */
  dfTop5: number;
  /** Mass-weighted mean df: how common the term holding a unit of weight is. */
  dfByMass: number;
}

function stats(vectors: { terms: number[]; weights: number[] }[], df: (t: number) => number): VectorStats {
  const acc = { nnz: 0, top10Mass: 0, dfTop1: 0, dfTop5: 0, dfByMass: 0 };
  const nonEmpty = vectors.filter((v) => v.terms.length > 0);
  for (const v of nonEmpty) {
    const order = v.weights.map((_, i) => i).sort((a, b) => v.weights[b]! - v.weights[a]!);
    const mass = v.weights.reduce((a, b) => a + b, 0);
    acc.nnz += v.terms.length;
    acc.top10Mass += order.slice(0, 10).reduce((a, i) => a + v.weights[i]!, 0) / mass;
    acc.dfTop1 += df(v.terms[order[0]!]!);
    const top5 = order.slice(0, 5);
    acc.dfTop5 += top5.reduce((a, i) => a + df(v.terms[i]!), 0) / top5.length;
    acc.dfByMass += v.terms.reduce((a, t, i) => a + df(t) * v.weights[i]!, 0) / mass;
  }
  const n = nonEmpty.length;
  return { nnz: acc.nnz / n, top10Mass: acc.top10Mass / n, dfTop1: acc.dfTop1 / n, dfTop5: acc.dfTop5 / n, dfByMass: acc.dfByMass / n };
}

const row = (name: string, s: VectorStats): Record<string, string | number> => ({
  vectors: name,
  nnz: s.nnz,
  'top-10 mass share': s.top10Mass,
  'df of top term %': 100 * s.dfTop1,
  'mean df of top 5 %': 100 * s.dfTop5,
  'mass-weighted df %': 100 * s.dfByMass,
});

// Real SPLADE vectors, df estimated on English text with the BERT vocabulary.
const tokenizer = WordPieceTokenizer.fromFile(join(SHARED, 'model2vec-rs-fixtures/test-model-float32/tokenizer.json'));
const realDf = new Map<string, number>();
let refDocs = 0;
for (const name of ['scifact', 'cacm', 'vaswani', 'cranfield']) {
  forEachBeirDocument(join(SHARED, name, 'corpus.jsonl'), (d) => {
    refDocs++;
    for (const t of new Set(tokenizer.tokenize(`${d.title ?? ''}\n${d.text}`))) realDf.set(t, (realDf.get(t) ?? 0) + 1);
  });
}
const tokenIds = new Map<string, number>();
const readToy = (file: string) =>
  readFileSync(join(SHARED, 'seismic-toy', file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const v = (JSON.parse(line) as { vector: Record<string, number> }).vector;
      const terms = Object.keys(v).map((t) => tokenIds.get(t) ?? tokenIds.set(t, tokenIds.size).get(t)!);
      return { terms, weights: Object.values(v) };
    });
const toyDocs = readToy('documents.jsonl');
const toyQueries = readToy('queries.jsonl');
const tokens = [...tokenIds.keys()];
const dfReal = (t: number): number => (realDf.get(tokens[t]!) ?? 0) / refDocs;

// Synthetic vectors, df exact.
const docsN = argNumber('docs', 200_000);
const weighting = argValue('weighting', SYNTH_DEFAULTS.weighting) as SyntheticWeighting;
const { docs, queries } = generateSyntheticSparse({ ...SYNTH_DEFAULTS, docs: docsN, queries: 1000, weighting });
const synthDf = new Float64Array(docs.dim);
for (const t of docs.indices) synthDf[t]! += 1 / docsN;
const rowsOf = (m: typeof docs) =>
  Array.from({ length: m.rows }, (_, r) => ({
    terms: Array.from(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!)),
    weights: Array.from(m.values.subarray(m.indptr[r]!, m.indptr[r + 1]!)),
  }));
const dfSynth = (t: number): number => synthDf[t]!;

printTable([
  row(`SPLADE MS MARCO passages (seismic-toy, 20; df on ${refDocs.toLocaleString('en-US')} English docs)`, stats(toyDocs, dfReal)),
  row('SPLADE MS MARCO queries (seismic-toy, 5)', stats(toyQueries, dfReal)),
  row(`synthetic documents (${weighting}, ${docsN.toLocaleString('en-US')})`, stats(rowsOf(docs), dfSynth)),
  row(`synthetic queries (${weighting}, 1,000)`, stats(rowsOf(queries), dfSynth)),
]);
