// Where BM25 indexing time goes: indexes an `id<TAB>text` file (as bench/bm25/main.ts writes for
// every engine) with the writer's defaults and prints the time of each phase (adding documents,
// with the flushes the memory buffer makes; the last commit; the merge to one segment) and the
// peak RSS. For a CPU profile: node --cpu-prof --import tsx bench/bm25/index-phases.ts ...
// Usage: node --import tsx bench/bm25/index-phases.ts --dataset zipf-1000000 [--analyzer whitespace]
//        [--docs file.tsv] [--ram-buffer-mb 256]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collection, parseSchema } from '../../src/collection/index.js';
import { forEachLine } from '../../src/io/line-reader.js';
import { argNumber, argValue } from '../common/args.js';
import { loadDataset, writeDocsFile } from './datasets.js';

const dataset = loadDataset(argValue('dataset', 'zipf-1000000'), 1);
const work = mkdtempSync(join(tmpdir(), 'quarry-index-phases-'));
let docsFile = argValue('docs', '');
if (docsFile === '') {
  docsFile = join(work, 'docs.tsv');
  await writeDocsFile(dataset, docsFile);
}
const schema = parseSchema({
  id: 'id',
  fields: { contents: { type: 'text', from: ['text'], analyzer: dataset.analyzer, k1: dataset.k1, b: dataset.b, positions: true } },
  store: [],
});
const t0 = performance.now();
const c = Collection.create(join(work, 'idx'), schema);
const w = c.writer({ ramBufferMB: argNumber('ram-buffer-mb', 256), backgroundMerges: false });
let docs = 0;
forEachLine(docsFile, (line) => {
  const tab = line.indexOf('\t');
  w.add({ id: line.slice(0, tab), text: line.slice(tab + 1) });
  docs++;
});
const t1 = performance.now();
w.commit();
const t2 = performance.now();
const segments = c.reader().segments.length;
w.optimize();
w.close();
const t3 = performance.now();
const s = (a: number, b: number): string => ((b - a) / 1000).toFixed(2);
console.log(`${dataset.name}: ${docs.toLocaleString('en-US')} documents`);
console.log(`  add (with flushes)  ${s(t0, t1)} s`);
console.log(`  last commit         ${s(t1, t2)} s   (${segments} segments)`);
console.log(`  merge to one        ${s(t2, t3)} s`);
console.log(`  total               ${s(t0, t3)} s   ${Math.round(docs / ((t3 - t0) / 1000)).toLocaleString('en-US')} docs/s`);
console.log(`  peak RSS            ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
rmSync(work, { recursive: true, force: true });
