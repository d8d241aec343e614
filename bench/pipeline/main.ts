// Pipeline overhead: latency of a 3-leg hybrid query (BM25 + dense + sparse,
// RRF, k = 100) minus the sum of its three legs run alone through the same
// pipeline, per query, on SciFact (dense: seeded random 64-d vectors per
// document; sparse: the document's analyzed term counts).
// Usage: npm run bench -- pipeline [--queries 300] [--k 100]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { argNumber } from '../common/args.js';
import { Prng } from '../common/prng.js';
import { median, printTable, writeJson } from '../report.js';
import { SHARED } from '../bm25/datasets.js';

const k = argNumber('k', 100);
const nq = argNumber('queries', 300);
const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-pipeline-'));
const rng = new Prng(64);
const analyzer = createAnalyzer('english');
const bow = (text: string): Record<string, number> => {
  const m: Record<string, number> = {};
  for (const t of analyzer.analyze(text)) m[t] = (m[t] ?? 0) + 1;
  return m;
};
const vec = (): number[] => Array.from({ length: 64 }, () => rng.next() * 2 - 1);
const schema = parseSchema({
  fields: { contents: { type: 'text', from: ['title', 'text'] }, emb: { type: 'dense', dim: 64, index: 'hnsw' }, sp: { type: 'sparse' } },
});
const c = Collection.create(join(dir, 'c'), schema);
const w = c.writer();
forEachBeirDocument(join(SHARED, 'scifact/corpus.jsonl'), (d) =>
  w.add({ _id: d.id, title: d.title, text: d.text, emb: vec(), sp: bow(`${d.title} ${d.text}`) }),
);
w.commit();
w.close();
const snap = c.reader();
const queries = [...readQueries(join(SHARED, 'scifact/queries.jsonl')).values()].slice(0, nq);
const legsOf = (q: string): { field: string; text?: string; vector?: number[]; sparse?: Record<string, number>; k: number }[] => [
  { field: 'contents', text: q, k },
  { field: 'emb', vector: vec(), k },
  { field: 'sp', sparse: bow(q), k },
];
const time = (f: () => void): number => {
  const t = performance.now();
  f();
  return performance.now() - t;
};
// Warm-up
for (const q of queries.slice(0, 50)) snap.query({ retrieve: legsOf(q), fuse: { method: 'rrf' }, k }, { includeStored: false });
const overhead: number[] = [];
const totals: number[] = [];
for (const q of queries) {
  const legs = legsOf(q);
  // Per query: the fastest of 5 runs of the fused query, minus the fastest of 5 runs of each leg alone.
  let all = Infinity;
  const leg = [Infinity, Infinity, Infinity];
  for (let rep = 0; rep < 5; rep++) {
    all = Math.min(
      all,
      time(() => snap.query({ retrieve: legs, fuse: { method: 'rrf' }, k }, { includeStored: false })),
    );
    // The legs alone, through the direct APIs (no spec, no fusion).
    leg[0] = Math.min(
      leg[0]!,
      time(() => snap.search(legs[0]!.text!, { k, fields: ['contents'], includeStored: false })),
    );
    leg[1] = Math.min(
      leg[1]!,
      time(() => snap.searchVector('emb', legs[1]!.vector!, { k, includeStored: false })),
    );
    leg[2] = Math.min(
      leg[2]!,
      time(() => snap.searchSparse('sp', legs[2]!.sparse!, { k, includeStored: false })),
    );
  }
  overhead.push(all - leg[0]! - leg[1]! - leg[2]!);
  totals.push(all);
}
const rows = [
  {
    queries: queries.length,
    k,
    'median 3-leg ms': median(totals),
    'median overhead ms': median(overhead),
    'mean overhead ms': overhead.reduce((a, b) => a + b, 0) / overhead.length,
  },
];
printTable(rows);
writeJson('pipeline', { rows });
rmSync(dir, { recursive: true, force: true });
