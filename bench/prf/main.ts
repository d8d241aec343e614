// BM25 vs BM25 + RM3 (Anserini defaults) on SciFact, CACM and Vaswani, with
// paired significance tests (t-test, randomization, Holm) from the eval
// harness. Usage: npm run bench -- prf [--datasets scifact,cacm,vaswani]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { compareRuns, formatComparison, readQrels } from '../../src/eval/index.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { argList } from '../common/args.js';
import { SHARED } from '../bm25/datasets.js';
import { writeJson } from '../report.js';

const datasets = argList('datasets', ['scifact', 'cacm', 'vaswani']);
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-prf-'));
const out: Record<string, unknown> = {};
for (const ds of datasets) {
  const corpus = join(SHARED, ds, ds === 'cacm' ? 'corpus-anserini-html.jsonl' : 'corpus.jsonl');
  const c = Collection.create(join(work, ds), BEIR_FLAT_SCHEMA);
  const w = c.writer();
  forEachBeirDocument(corpus, (d) => w.add({ _id: d.id, title: d.title, text: d.text }));
  w.commit();
  w.close();
  const snap = c.reader();
  const qrelsPath = join(SHARED, ds, 'qrels/test.tsv');
  const qrels = readQrels(qrelsPath);
  const lines: Record<string, string[]> = { bm25: [], rm3: [] };
  for (const [qid, text] of readQueries(join(SHARED, ds, 'queries.jsonl'))) {
    if (!qrels.has(qid)) continue;
    snap.search(text, { k: 1000, includeStored: false }).forEach((h, r) => lines.bm25!.push(`${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(6)} bm25`));
    snap.searchRm3(text, 'contents', { k: 1000, includeStored: false }).forEach((h, r) => lines.rm3!.push(`${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(6)} rm3`));
  }
  const runs = Object.fromEntries(Object.entries(lines).map(([name, l]) => {
    const p = join(work, `${ds}.${name}.run`);
    writeFileSync(p, l.join('\n') + '\n');
    return [name, p];
  }));
  const cmp = compareRuns(qrels, runs.bm25!, [runs.rm3!], { measures: ['map', 'ndcg_cut.10', 'recall.1000'] });
  console.log(`\n== ${ds}: BM25 (baseline) vs BM25 + RM3`);
  process.stdout.write(formatComparison(cmp));
  out[ds] = cmp;
}
writeJson('prf', out);
rmSync(work, { recursive: true, force: true });
