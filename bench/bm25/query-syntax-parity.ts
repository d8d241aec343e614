// Structured queries (Lucene's classic syntax) against Lucene 8.7 itself: the same
// documents indexed by both, the same query strings parsed by both, and every
// top-k list compared id by id and score by score (exact float equality).
//
// Then both engines run all the queries for --rounds passes after a warm-up pass
// (Lucene parses them first; Quarry parses each time, as a search call does, and
// in alternating passes also with the queries parsed first, as Lucene's are)
// and the queries per second are printed side by side.
// With --lucene-runs N, Lucene runs N times (each its own JVM) and queries whose
// Lucene lists differ between runs are reported apart: Lucene itself does not
// give them reproducibly.
// Usage: node --import tsx bench/bm25/query-syntax-parity.ts [--dataset cacm|scifact] [--k 20] [--rounds 3] [--lucene-runs 1]
//          [--write-fixture test/fixtures/lucene-query-syntax-cacm.tsv]
// Needs java/javac and Debian's liblucene8-java (core, analyzers-common, queryparser).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Collection } from '../../src/collection/collection.js';
import { forEachBeirDocument, readQueries } from '../../src/io/beir.js';
import { SHARED } from './datasets.js';
import { makeQueries } from './structured-queries.js';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'cacm' },
    k: { type: 'string', default: '20' },
    'write-fixture': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    'lucene-runs': { type: 'string', default: '1' },
  },
});
const rounds = Number(values.rounds);
const k = Number(values.k);
const dataDir = values.dataset === 'cacm' ? join(import.meta.dirname, '../../data/cacm') : join(SHARED, values.dataset!);

const JARS = '/usr/share/java';
const jar = (prefix: string): string => {
  const f = existsSync(JARS) ? readdirSync(JARS).find((n) => n.startsWith(prefix) && /^[a-z-]+-\d[\d.]*\.jar$/.test(n)) : undefined;
  if (f === undefined) {
    console.error(`${prefix}*.jar not found in ${JARS} (apt-get install liblucene8-java)`);
    process.exit(2);
  }
  return join(JARS, f);
};
const cp = ['lucene-core-', 'lucene-analyzers-common-', 'lucene-queryparser-'].map(jar).join(':');

const work = mkdtempSync(join(tmpdir(), 'quarry-query-parity-'));
const docs: { _id: string; body: string }[] = [];
forEachBeirDocument(join(dataDir, 'corpus.jsonl'), (d) =>
  docs.push({ _id: d.id, body: `${d.title} ${d.text}`.replace(/[\t\r\n]+/g, ' ') }),
);
writeFileSync(join(work, 'docs.tsv'), docs.map((d) => `${d._id}\t${d.body}\n`).join(''));

const queries = makeQueries([...readQueries(join(dataDir, 'queries.jsonl')).values()]);
writeFileSync(join(work, 'queries.tsv'), queries.map(([id, q]) => `${id}\t${q}\n`).join(''));

const classes = join(work, 'classes');
const javac = spawnSync('javac', ['-cp', cp, '-d', classes, join(import.meta.dirname, '../lucene/LuceneQueryParity.java')], {
  encoding: 'utf8',
});
if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr}`);
const runLucene = (out: string, timedRounds: number) => {
  const r = spawnSync(
    'java',
    [
      '-cp',
      `${classes}:${cp}`,
      'LuceneQueryParity',
      join(work, 'docs.tsv'),
      join(work, 'queries.tsv'),
      '0.9',
      '0.4',
      String(k),
      out,
      String(timedRounds),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`Lucene failed: ${r.stderr}`);
  return r;
};
const java = runLucene(join(work, 'lucene.tsv'), rounds);
const luceneLines = readFileSync(join(work, 'lucene.tsv'), 'utf8').split('\n').filter(Boolean);
/** Queries whose Lucene top k differs between separate Lucene runs. */
const unstable = new Set<string>();
const listsOf = (lines: string[]) => {
  const m = new Map<string, string>();
  for (const l of lines) {
    const [qid, id, score] = l.split('\t');
    m.set(qid!, `${m.get(qid!) ?? ''} ${id}/${score}`);
  }
  return m;
};
const firstLists = listsOf(luceneLines);
for (let r = 1; r < Number(values['lucene-runs']); r++) {
  runLucene(join(work, `lucene-${r}.tsv`), 0);
  const again = listsOf(
    readFileSync(join(work, `lucene-${r}.tsv`), 'utf8')
      .split('\n')
      .filter(Boolean),
  );
  for (const [qid] of queries) if (firstLists.get(qid) !== again.get(qid)) unstable.add(qid);
}

const collection = Collection.create(join(work, 'quarry'), { id: '_id', fields: { contents: { type: 'text', from: ['body'] } } });
const w = collection.writer();
for (const d of docs) w.add(d);
w.commit();
w.close();
const snap = collection.reader();

const lucene = new Map<string, { id: string; score: number; parsed: string }[]>();
for (const line of luceneLines) {
  const [qid, id, score, parsed] = line.split('\t');
  let list = lucene.get(qid!);
  if (list === undefined) lucene.set(qid!, (list = []));
  list.push({ id: id!, score: Math.fround(Number(score)), parsed: parsed! });
}

let same = 0;
let unstableDiffering = 0;
let hits = 0;
const differing: string[] = [];
for (const [qid, text] of queries) {
  const want = lucene.get(qid) ?? [];
  const got = snap.search(text, { k, syntax: 'lucene', includeStored: false });
  hits += want.length;
  const equal = got.length === want.length && got.every((h, i) => h.id === want[i]!.id && h.score === want[i]!.score);
  if (equal) same++;
  else if (unstable.has(qid)) unstableDiffering++;
  else if (differing.length < 10) {
    const i = got.findIndex((h, j) => h.id !== want[j]?.id || h.score !== want[j]?.score);
    const at = i < 0 ? got.length : i;
    differing.push(
      `${qid} ${JSON.stringify(text)} (Lucene: ${want[0]?.parsed ?? 'no hits'}): rank ${at + 1} Quarry ${got[at]?.id}/${got[at]?.score} Lucene ${want[at]?.id}/${want[at]?.score}`,
    );
  }
}
console.log(`${values.dataset}: ${docs.length} documents, ${queries.length} structured queries, top ${k}: ${hits} Lucene hits`);
console.log(`identical lists (ids and float scores): ${same} of ${queries.length}`);
if (Number(values['lucene-runs']) > 1) {
  console.log(
    `Lucene's own lists differ between its ${values['lucene-runs']} runs for ${unstable.size} queries; ${unstableDiffering} of them differ from Quarry's (not counted below)`,
  );
  console.log(`differing where Lucene is reproducible: ${queries.length - same - unstableDiffering}`);
}
for (const d of differing) console.log(`  differs: ${d}`);
const luceneTime = JSON.parse(java.stdout.trim().split('\n').pop()!) as {
  queries: number;
  seconds: number;
  secondsByKind: Record<string, number>;
};
let sink = 0;
for (const [, text] of queries) sink += snap.search(text, { k, syntax: 'lucene', includeStored: false }).length;
const kindOf = (qid: string): string => qid.slice(qid.indexOf('-') + 1);
const quarryByKind = new Map<string, number>();
const parsedByKind = new Map<string, number>();
const perKind = new Map<string, number>();
for (const [qid] of queries) perKind.set(kindOf(qid), (perKind.get(kindOf(qid)) ?? 0) + 1);
// Parsed once, as Lucene's queries are: analysis, rewriting and fuzzy expansion done here, before timing
const compiled = queries.map(([qid, text]) => [qid, snap.textQuery(text)] as const);
let quarryMs = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  for (const [qid, text] of queries) {
    const s0 = performance.now();
    sink += snap.search(text, { k, syntax: 'lucene', includeStored: false }).length;
    quarryByKind.set(kindOf(qid), (quarryByKind.get(kindOf(qid)) ?? 0) + performance.now() - s0);
  }
  quarryMs += performance.now() - t0;
  for (const [qid, q] of compiled) {
    const s0 = performance.now();
    if (q !== null) sink += snap.searchTextQuery(q, { k, includeStored: false }).length;
    parsedByKind.set(kindOf(qid), (parsedByKind.get(kindOf(qid)) ?? 0) + performance.now() - s0);
  }
}
const quarryQps = (queries.length * rounds) / (quarryMs / 1000);
const luceneQps = luceneTime.queries / luceneTime.seconds;
console.log(
  `speed, ${rounds} rounds after a warm-up (${sink > 0 ? 'hits returned' : 'no hits'}): Quarry ${quarryQps.toFixed(0)} queries/s, Lucene ${luceneQps.toFixed(0)} queries/s: ${(quarryQps / luceneQps).toFixed(2)}x Lucene`,
);
console.log('mean latency per query kind (microseconds): kind, queries, Quarry, Lucene, Quarry speed / Lucene speed;');
console.log(
  "  then Quarry with the queries parsed once as Lucene's are (fuzzy words expanded then, which Lucene does while searching), and its speed / Lucene",
);
for (const [kind, n] of perKind) {
  const q = (quarryByKind.get(kind)! * 1000) / (n * rounds);
  const once = (parsedByKind.get(kind)! * 1000) / (n * rounds);
  const l = ((luceneTime.secondsByKind[kind] ?? NaN) * 1e6) / (n * rounds);
  const comparable = !kind.startsWith('fuzzy');
  console.log(
    `  ${kind.padEnd(14)} ${String(n).padStart(6)} ${q.toFixed(0).padStart(7)} ${l.toFixed(0).padStart(7)} ${(l / q).toFixed(2).padStart(6)}x ${once.toFixed(0).padStart(7)} ${comparable ? `${(l / once).toFixed(2).padStart(6)}x` : '     —'}`,
  );
}
if (values['write-fixture'] !== undefined) {
  const lines = queries.flatMap(([qid, q]) => [
    `#query\t${qid}\t${q}`,
    ...(lucene.get(qid) ?? []).map((h) => `${qid}\t${h.id}\t${h.score}`),
  ]);
  writeFileSync(
    values['write-fixture'],
    `# Lucene 8.7 top ${k} (classic QueryParser with leading wildcards, EnglishAnalyzer, BM25 k1 0.9 b 0.4) on ${values.dataset} title + " " + text; written by bench/bm25/query-syntax-parity.ts\n${lines.join('\n')}\n`,
  );
  console.log(`wrote ${values['write-fixture']}`);
}
rmSync(work, { recursive: true, force: true });
