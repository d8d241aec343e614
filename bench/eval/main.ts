// Benchmark: scoring a 1,000-query x 1,000-document run against 50,000 qrels
// rows (issue goal: under 2 seconds), with the official and all_trec sets.
// Usage: npm run bench -- eval [--queries 1000] [--depth 1000] [--judged 50]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateRunFile, readQrels } from '../../src/eval/index.js';
import { median, printTable, writeJson, writeSvgPlot } from '../report.js';

const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const Q = arg('queries', 1000);
const D = arg('depth', 1000);
const J = arg('judged', 50);

const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-eval-'));
let seed = 12345;
const rnd = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;

let qrels = '';
let run = '';
for (let q = 0; q < Q; q++) {
  for (let j = 0; j < J; j++) qrels += `${q} 0 doc${Math.floor(rnd() * 5000)}-${j} ${Math.floor(rnd() * 3)}\n`;
  const lines: string[] = [];
  for (let d = 0; d < D; d++) {
    const docno = rnd() < 0.05 ? `doc${Math.floor(rnd() * 5000)}-${d % J}` : `doc${d}x${q}`;
    lines.push(`${q} Q0 ${docno}#${d} ${d + 1} ${(1000 - d + rnd()).toFixed(6)} bench`);
  }
  run += lines.join('\n') + '\n';
}
const qrelsPath = join(dir, 'qrels.txt');
const runPath = join(dir, 'run.trec');
writeFileSync(qrelsPath, qrels);
writeFileSync(runPath, run);

const rows: Record<string, string | number>[] = [];
for (const measures of [['official'], ['map', 'ndcg_cut.10', 'recall.100,1000'], ['all_trec']]) {
  const times: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    const report = evaluateRunFile(readQrels(qrelsPath), runPath, { measures });
    times.push(performance.now() - t0);
    if (report.all.get('num_q') !== undefined && report.all.get('num_q') !== Q) throw new Error('bad num_q');
  }
  rows.push({
    measures: measures.join(' '),
    'run lines': Q * D,
    'qrels rows': Q * J,
    'median s': median(times) / 1000,
    'min s': Math.min(...times) / 1000,
  });
}
printTable(rows);
writeJson('eval', { queries: Q, depth: D, judgedPerQuery: J, node: process.version, rows });
writeSvgPlot('eval', 'quarry eval: seconds to score a run', 'measure set (1 = official, 2 = map+ndcg+recall, 3 = all_trec)', 'seconds', [
  { label: 'median seconds', points: rows.map((r, i) => ({ x: i + 1, y: r['median s'] as number })) },
]);
rmSync(dir, { recursive: true, force: true });
