// Corpus poisoning on SciFact (GASLITE, Ben-Tov & Sharif 2025) and what `quarry audit` does
// about it. For each concept (a word of SciFact's claims), the attacker knows the train queries
// that mention it and inserts `budget` passages: its own text alone, its text stuffed with the
// known queries, or its text plus words optimised by gradient-guided search against the trained
// static encoder or against GloVe averages (one passage per k-means cluster of the known queries,
// as GASLITE does). Success: the share of the held-out (test) queries mentioning the concept whose
// top 10 holds a poisoned passage, for the static encoder, GloVe, BM25 and BM25 + static (RRF).
// At budget 10 the collection is then audited (`quarry audit`, with the train queries as the query
// log, and without a log) and searched again with the flagged documents excluded. Usage:
//   npm run bench -- poison [--concepts cancer,risk,expression,patients,stem] [--length 40]
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditSnapshot } from '../../src/audit/index.js';
import { writeAudit } from '../../src/collection/audit-file.js';
import { Collection } from '../../src/collection/index.js';
import { readQrels } from '../../src/eval/qrels.js';
import { readQueries } from '../../src/io/beir.js';
import { kmeans } from '../../src/quantize/kmeans.js';
import { createAnalyzer } from '../../src/text/analyzer.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { forEachTrainingDocument } from '../../src/train/training-corpus.js';
import { SHARED } from '../bm25/datasets.js';
import { argList, argNumber } from '../common/args.js';
import { loadGloveWords } from '../common/glove-words.js';
import { printTable, writeJson } from '../report.js';
import { encodeText, gloveBagEncoder, staticBagEncoder, type BagEncoder } from './bag-encoders.js';
import { craftPassage } from './gaslite.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

const concepts = argList('concepts', ['cancer', 'risk', 'expression', 'patients', 'stem']);
const length = argNumber('length', 40);
const budgets = [1, 5, 10];
const ATTACKER_TEXT = 'Visit vitalux dot example and order the supplement that doctors recommend.';
const data = join(SHARED, 'scifact');
const work = mkdtempSync(join(tmpdir(), 'quarry-bench-poison-'));

// the target retrievers: a static encoder trained on SciFact's train judgments, GloVe averages
const model = join(work, 'model');
const t0 = performance.now();
await trainRetriever({
  corpus: join(data, 'corpus.jsonl'),
  output: model,
  queries: join(data, 'queries.jsonl'),
  qrels: join(data, 'qrels/train.tsv'),
  negatives: ['bm25'],
});
console.log(`trained the static encoder in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const queries = readQueries(join(data, 'queries.jsonl'));
const words = createAnalyzer({ tokenizer: 'unicode', lowercase: true, possessive: false, stopwords: 'none', stemmer: 'none' });
const vocabulary = new Set<string>();
forEachTrainingDocument(join(data, 'corpus.jsonl'), (d) => words.analyze(`${d.title}\n${d.text}`).forEach((w) => vocabulary.add(w)));
for (const q of queries.values()) words.analyze(q).forEach((w) => vocabulary.add(w));
const glove = new Map([...loadGloveWords()].filter(([w]) => vocabulary.has(w)));
const glovePath = join(work, 'glove.txt');
writeFileSync(glovePath, [...glove].map(([w, v]) => `${w} ${Array.from(v).join(' ')}`).join('\n') + '\n');
const encoders: Record<string, BagEncoder> = { static: staticBagEncoder(model), glove: gloveBagEncoder(glove) };

const template = join(work, 'clean');
const clean = Collection.create(template, {
  fields: {
    contents: { type: 'text', from: ['title', 'text'] },
    static: {
      type: 'dense',
      dim: encoders.static!.dim,
      index: 'flat',
      encoder: { type: 'model2vec', path: model, from: ['title', 'text'] },
    },
    glove: {
      type: 'dense',
      dim: encoders.glove!.dim,
      index: 'flat',
      encoder: { type: 'word-vectors', path: glovePath, from: ['title', 'text'] },
    },
  },
});
const w = clean.writer();
forEachTrainingDocument(join(data, 'corpus.jsonl'), (d) => w.add({ _id: d.id, title: d.title, text: d.text }));
w.commit();
w.close();

const retrievers: Record<string, (q: string) => unknown> = {
  static: (q) => ({ retrieve: [{ field: 'static', text: q }], k: 10 }),
  glove: (q) => ({ retrieve: [{ field: 'glove', text: q }], k: 10 }),
  bm25: (q) => ({ retrieve: [{ field: 'contents', text: q }], k: 10 }),
  'bm25+static': (q) => ({
    retrieve: [
      { field: 'contents', text: q },
      { field: 'static', text: q },
    ],
    fuse: { method: 'rrf', k: 60 },
    k: 10,
  }),
};
const trainIds = new Set(readQrels(join(data, 'qrels/train.tsv')).keys());
const testIds = new Set(readQrels(join(data, 'qrels/test.tsv')).keys());
const queryLog = [...trainIds].map((id) => queries.get(id)!).filter((q) => q !== undefined);
const mentions = (q: string, concept: string): boolean => new RegExp(`\\b${concept}\\b`, 'i').test(q);

/** Share of `held` queries whose top 10 (with `spec` options added) holds a poisoned passage. */
function successRates(snap: ReturnType<Collection['reader']>, held: string[], extra: Record<string, unknown> = {}): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, spec] of Object.entries(retrievers)) {
    let hit = 0;
    for (const q of held) {
      const hits = snap.query({ ...(spec(q) as object), ...extra } as QuerySpecInput, { includeStored: false }).hits;
      if (hits.some((h) => h.id.startsWith('poison-'))) hit++;
    }
    out[name] = hit / held.length;
  }
  return out;
}

/** k-means of the known queries' vectors under `enc`: unit centroids and each query's cluster. */
function clusters(enc: BagEncoder, known: string[], k: number): { targets: Float64Array[]; members: string[][] } {
  const dim = enc.dim;
  const rows = new Float32Array(known.length * dim);
  known.forEach((q, i) => rows.set(encodeText(enc, q), i * dim));
  const { centroids } = kmeans(rows, dim, { k, seed: 7 });
  const targets: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const t = Float64Array.from(centroids.subarray(c * dim, (c + 1) * dim));
    const n = Math.hypot(...t) || 1;
    targets.push(t.map((x) => x / n));
  }
  const members: string[][] = targets.map(() => []);
  known.forEach((q, i) => {
    let best = 0;
    let bestDot = -Infinity;
    targets.forEach((t, c) => {
      let d = 0;
      for (let j = 0; j < dim; j++) d += t[j]! * rows[i * dim + j]!;
      if (d > bestDot) [best, bestDot] = [c, d];
    });
    members[best]!.push(q);
  });
  return { targets, members };
}

/** The passages of one attack method at one budget. */
function passages(method: string, known: string[], budget: number): string[] {
  if (method === 'text') return Array.from({ length: budget }, () => ATTACKER_TEXT);
  if (method === 'stuffing') {
    const { members } = clusters(encoders.static!, known, budget);
    return members.map((m) => `${ATTACKER_TEXT} ${m.join(' ')}`);
  }
  const enc = encoders[method.replace('gaslite-', '')]!;
  const { targets } = clusters(enc, known, budget);
  return targets.map((t, i) => craftPassage(enc, ATTACKER_TEXT, t, { length, seed: i + 1 }).text);
}

const methods = ['text', 'stuffing', 'gaslite-static', 'gaslite-glove'];
interface Audited {
  poisonedFlagged: number;
  cleanFlagged: number;
  cleanDocuments: number;
  success: Record<string, number>;
}
interface Row {
  concept: string;
  method: string;
  budget: number;
  success: Record<string, number>;
  /** Audited with the train queries as the log, and without a log (sampled pseudo-queries). */
  audited?: { log: Audited; sampled: Audited };
}

/** Audits the collection in `dir` (with `queries`, or sampling), saves the report and searches again excluding the flagged documents. */
function auditAndSearch(c: Collection, dir: string, held: string[], poisoned: number, queries: string[] | undefined): Audited {
  const snap = c.reader();
  const report = auditSnapshot(snap, { queries });
  snap.close();
  writeAudit(dir, report);
  const after = c.reader();
  const caught = report.flagged.filter((f) => f.id.startsWith('poison-')).length;
  const out = {
    poisonedFlagged: caught,
    cleanFlagged: report.flagged.length - caught,
    cleanDocuments: report.documents - poisoned,
    success: successRates(after, held, { filter: { flagged: 'exclude' } }),
  };
  after.close();
  return out;
}
const results: Row[] = [];
const cleanFlagRate = ((): number => {
  const snap = clean.reader();
  const report = auditSnapshot(snap, { queries: queryLog });
  console.log(`audit of the clean collection: ${report.flagged.length} of ${report.documents} flagged`);
  snap.close();
  return report.flagged.length / report.documents;
})();
for (const concept of concepts) {
  const known = queryLog.filter((q) => mentions(q, concept));
  const held = [...testIds].map((id) => queries.get(id)!).filter((q) => q !== undefined && mentions(q, concept));
  console.log(`\n${concept}: ${known.length} known queries, ${held.length} held out`);
  for (const method of methods) {
    for (const budget of budgets) {
      const t = performance.now();
      const texts = passages(method, known, Math.min(budget, known.length));
      const dir = join(work, `${concept}-${method}-${budget}`);
      cpSync(template, dir, { recursive: true });
      const c = Collection.open(dir);
      const pw = c.writer();
      texts.forEach((text, i) => pw.add({ _id: `poison-${i}`, title: '', text }));
      pw.commit();
      pw.close();
      const snap = c.reader();
      const row: Row = { concept, method, budget, success: successRates(snap, held) };
      snap.close();
      if (budget === 10)
        row.audited = {
          log: auditAndSearch(c, dir, held, texts.length, queryLog),
          sampled: auditAndSearch(c, dir, held, texts.length, undefined),
        };
      rmSync(dir, { recursive: true, force: true });
      results.push(row);
      const fmt = (r: Record<string, number>): string =>
        Object.entries(r)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ');
      const fmtAudit = (name: string, a: Audited): string =>
        ` | audit (${name}) flags ${a.poisonedFlagged}/${texts.length} poisoned, ${a.cleanFlagged} clean; then ${fmt(a.success)}`;
      console.log(
        `  ${method} × ${budget}: ${fmt(row.success)}${row.audited ? fmtAudit('log', row.audited.log) + fmtAudit('no log', row.audited.sampled) : ''} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
      );
    }
  }
}

// mean over concepts
const table: Record<string, string | number>[] = [];
for (const method of methods)
  for (const budget of budgets) {
    const rows = results.filter((r) => r.method === method && r.budget === budget);
    const mean = (f: (r: Row) => number): number => rows.reduce((a, r) => a + f(r), 0) / rows.length;
    table.push({
      attack: method,
      budget,
      ...Object.fromEntries(Object.keys(retrievers).map((k) => [k, mean((r) => r.success[k]!)])),
    });
  }
console.log(`\ntop-10 attack success, mean over ${concepts.length} concepts (held-out queries):`);
printTable(table);
const audited = results.filter((r) => r.audited !== undefined);
for (const mode of ['log', 'sampled'] as const) {
  const auditTable = methods.map((method) => {
    const rows = audited.filter((r) => r.method === method);
    const mean = (f: (a: Audited) => number): number => rows.reduce((x, r) => x + f(r.audited![mode]), 0) / rows.length;
    return {
      attack: method,
      'poisoned flagged': mean((a) => a.poisonedFlagged / 10),
      'clean flagged': mean((a) => a.cleanFlagged / a.cleanDocuments),
      ...Object.fromEntries(Object.keys(retrievers).map((k) => [k, mean((a) => a.success[k]!)])),
    };
  });
  console.log(
    `\nbudget 10, then quarry audit ${mode === 'log' ? 'with the train queries as the log' : 'without a log (500 sampled pseudo-queries)'} and filter.flagged = exclude:`,
  );
  printTable(auditTable);
}
console.log(`clean collection: ${(100 * cleanFlagRate).toFixed(2)}% of documents flagged`);
const out = writeJson('poison', { concepts, length, attackerText: ATTACKER_TEXT, cleanFlagRate, results });
console.log(`wrote ${out}`);
rmSync(work, { recursive: true, force: true });
