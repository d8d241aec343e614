// Structured queries (Lucene syntax) pruned against scored exhaustively, in one
// process: the 18 kinds of bench/bm25/query-syntax-parity.ts built from the
// collection's queries, each kind run pruned and exhaustive in alternating
// rounds (the order flips every round, the first round is a warm-up), the two
// top-k lists checked equal, and the mean latency per kind printed with the
// speed-up. No Lucene needed.
// Usage: node --import tsx bench/bm25/structured-pruning.ts [--dataset cacm|scifact] [--k 10] [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Collection } from '../../src/collection/collection.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { SHARED } from './datasets.js';
import { makeQueries } from './structured-queries.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'scifact' },
    k: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
  },
});
const k = Number(values.k);
const rounds = Number(values.rounds);
const dataDir = values.dataset === 'cacm' ? join(import.meta.dirname, '../../data/cacm') : join(SHARED, values.dataset!);

const work = mkdtempSync(join(tmpdir(), 'quarry-structured-pruning-'));
const collection = Collection.create(join(work, 'c'), { id: '_id', fields: { contents: { type: 'text', from: ['body'] } } });
const w = collection.writer();
forEachBeirDocument(join(dataDir, 'corpus.jsonl'), (d) => w.add({ _id: d.id, body: `${d.title} ${d.text}` }));
w.commit();
w.close();
const snap = collection.reader();

const byKind = new Map<string, string[]>();
for (const [qid, q] of makeQueries([...readQueries(join(dataDir, 'queries.jsonl')).values()])) {
  const kind = qid.slice(qid.indexOf('-') + 1);
  byKind.set(kind, [...(byKind.get(kind) ?? []), q]);
}

let differing = 0;
for (const qs of byKind.values()) {
  for (const q of qs) {
    const pruned = snap.search(q, { syntax: 'lucene', k, includeStored: false });
    const exact = snap.search(q, { syntax: 'lucene', k, includeStored: false, mode: 'exhaustive' });
    if (JSON.stringify(pruned) !== JSON.stringify(exact)) differing++;
  }
}

const micros = new Map<string, { pruned: number; exhaustive: number }>();
for (let r = 0; r <= rounds; r++) {
  for (const mode of r % 2 === 0 ? (['auto', 'exhaustive'] as const) : (['exhaustive', 'auto'] as const)) {
    for (const [kind, qs] of byKind) {
      const t0 = performance.now();
      for (const q of qs) snap.search(q, { syntax: 'lucene', k, includeStored: false, mode });
      const us = ((performance.now() - t0) * 1000) / qs.length;
      if (r === 0) continue;
      const m = micros.get(kind) ?? { pruned: 0, exhaustive: 0 };
      if (mode === 'auto') m.pruned += us / rounds;
      else m.exhaustive += us / rounds;
      micros.set(kind, m);
    }
  }
}
console.log(
  `${values.dataset}: ${[...byKind.values()].reduce((n, qs) => n + qs.length, 0)} structured queries, top ${k}: pruned and exhaustive lists differ for ${differing}`,
);
console.log(`mean latency per kind over ${rounds} alternating rounds (microseconds): kind, queries, pruned, exhaustive, speed-up`);
for (const [kind, m] of micros) {
  console.log(
    `  ${kind.padEnd(14)} ${String(byKind.get(kind)!.length).padStart(6)} ${m.pruned.toFixed(0).padStart(7)} ${m.exhaustive.toFixed(0).padStart(10)} ${(m.exhaustive / m.pruned).toFixed(2).padStart(7)}x`,
  );
}
rmSync(work, { recursive: true, force: true });
