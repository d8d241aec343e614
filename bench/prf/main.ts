// BM25 vs BM25 + RM3 (Anserini defaults) and vs the hybrids available here
// (BM25 + GloVe-average dense, fused by RRF and by min-max weighted sum) on
// SciFact, CACM and Vaswani, with paired significance tests (t-test,
// randomization, Holm) from the eval harness.
// Usage: npm run bench -- prf [--datasets scifact,cacm,vaswani]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { compareRuns, formatComparison, readQrels } from '../../src/eval/index.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { argList } from '../common/args.js';
import { loadGloveWords } from '../common/glove-words.js';
import { WordVectorEncoder } from '../../src/encode/word-vectors.js';
import { SHARED } from '../bm25/datasets.js';
import { writeJson } from '../report.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const datasets = argList('datasets', ['scifact', 'cacm', 'vaswani']);
const glove = new WordVectorEncoder(loadGloveWords());
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-prf-'));
const out: Record<string, unknown> = {};
for (const ds of datasets) {
  const corpus = join(SHARED, ds, ds === 'cacm' ? 'corpus-anserini-html.jsonl' : 'corpus.jsonl');
  const c = Collection.create(join(work, ds), {
    ...BEIR_FLAT_SCHEMA,
    fields: { ...BEIR_FLAT_SCHEMA.fields, emb: { type: 'dense', dim: 100, index: 'flat' } },
  });
  const w = c.writer();
  forEachBeirDocument(corpus, (d) =>
    w.add({ _id: d.id, title: d.title, text: d.text, emb: Array.from(glove.encode(`${d.title}\n${d.text}`).vector) }),
  );
  w.commit();
  w.close();
  const snap = c.reader();
  const qrelsPath = join(SHARED, ds, 'qrels/test.tsv');
  const qrels = readQrels(qrelsPath);
  const lines: Record<string, string[]> = { bm25: [], rm3: [], rrf: [], weighted: [] };
  const hybrid = (text: string, fuse: Record<string, unknown>): Record<string, unknown> => ({
    retrieve: [
      { field: 'contents', text, k: 1000 },
      { field: 'emb', vector: Array.from(glove.encode(text).vector), k: 1000 },
    ],
    fuse,
    k: 1000,
  });
  for (const [qid, text] of readQueries(join(SHARED, ds, 'queries.jsonl'))) {
    if (!qrels.has(qid)) continue;
    snap
      .search(text, { k: 1000, includeStored: false })
      .forEach((h, r) => lines.bm25!.push(`${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(6)} bm25`));
    snap
      .searchRm3(text, 'contents', { k: 1000, includeStored: false })
      .forEach((h, r) => lines.rm3!.push(`${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(6)} rm3`));
    snap
      .query(hybrid(text, { method: 'rrf', k: 60 }) as QuerySpecInput, { includeStored: false })
      .hits.forEach((h, r) => lines.rrf!.push(`${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(8)} rrf`));
    snap
      .query(hybrid(text, { method: 'weighted', normalize: 'minmax' }) as QuerySpecInput, { includeStored: false })
      .hits.forEach((h, r) => lines.weighted!.push(`${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(8)} weighted`));
  }
  const runs = Object.fromEntries(
    Object.entries(lines).map(([name, l]) => {
      const p = join(work, `${ds}.${name}.run`);
      writeFileSync(p, l.join('\n') + '\n');
      return [name, p];
    }),
  );
  const cmp = compareRuns(qrels, runs.bm25!, [runs.rm3!, runs.rrf!, runs.weighted!], { measures: ['map', 'ndcg_cut.10', 'recall.1000'] });
  console.log(`\n== ${ds}: BM25 (baseline) vs BM25 + RM3, BM25 + GloVe (RRF), BM25 + GloVe (min-max weighted)`);
  process.stdout.write(formatComparison(cmp));
  out[ds] = cmp;
}
writeJson('prf', out);
rmSync(work, { recursive: true, force: true });
