// What a regular expression or wildcard costs on SciFact's vocabulary: ordinary patterns,
// and counted repetitions that held a process for seconds before patterns had a work
// budget (src/index/inverted/term-automaton.ts, MAX_PATTERN_WORK); each either answers
// or is refused as too complex. Usage: node --import tsx bench/bm25/pattern-cost.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { forEachJsonObject } from '../../src/io/jsonl.js';
import { dataset } from '../../test/helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'quarry-pattern-cost-'));
const c = Collection.create(join(dir, 'scifact'), BEIR_FLAT_SCHEMA);
const w = c.writer();
forEachJsonObject(dataset('scifact', 'corpus.jsonl'), (r) => w.add(r));
w.commit();
w.close();
const snap = c.reader();
const patterns = [
  '/mic.*/^2 /.{0,2}rna/ cell /<1-30>/^0.5',
  '+/(protein|cell)&.{1,8}/ -/~([a-m].*)/ /[^a-z]+/ gene',
  '/[a-z]{2,12}ation/',
  '/(pro|anti).{3,10}/',
  'ab?d* *xyz c',
  '/(a{1,30}){1,30}/',
  '/a{1,1000}/',
  '/(a{1,1000}){1,1000}/',
  '/((a{1,1000}){1,1000}){1,1000}/',
];
console.log('pattern'.padEnd(56), 'ms'.padStart(8), ' outcome');
for (const p of patterns) {
  const t0 = performance.now();
  let outcome = 'answered';
  try {
    snap.search(p, { syntax: 'lucene', k: 10 });
  } catch (e) {
    outcome = (e as Error).message.replace(/^text: /, '').slice(0, 90);
  }
  console.log(p.padEnd(56), (performance.now() - t0).toFixed(0).padStart(8), ` ${outcome}`);
}
snap.close();
rmSync(dir, { recursive: true, force: true });
