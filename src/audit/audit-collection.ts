/**
 * The retrieval audit: flags documents that look planted to be retrieved, from signals that
 * the poisoning literature (Ben-Tov & Sharif, "GASLITEing the Retrieval", 2025) and the
 * geometry of embedding spaces suggest, each standardised robustly over the collection:
 *
 * - `hubness:F`: how often the document is in the top k of the audit's queries on leg F
 *   (a query log, or pseudo-queries sampled from the documents), against the collection;
 * - `lexical-mismatch:F`: how often dense field F puts it in a query's top k while it shares no
 *   term with the query;
 * - `centroid:F` and `outlier:F`: its distance from field F's centroid and its local outlier
 *   factor among its nearest neighbours; `norm:F` on dot-product and L2 fields;
 * - `language`, `content-run` and `function-words`: how little its words follow the
 *   collection's word pairs, its longest run without a function word, how few it has;
 * - `query-copy` (with a query log): how much of it is copied from logged queries;
 *
 * and, once documents are flagged, `campaign`: the others that share their words (see campaigns.ts).
 */
import { QuarryError } from '../core/quarry-error.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import type { AuditReport, FlaggedDocument } from '../collection/audit-file.js';
import type { Snapshot } from '../collection/index.js';
import { denseFields, textFields, type CollectionSchema } from '../collection/schema.js';
import { createAnalyzer } from '../text/analyzer.js';
import { LUCENE_ENGLISH_STOPWORDS } from '../text/stopwords.js';
import { xorshift32 } from '../kernels/xorshift.js';
import { campaignMembers } from './campaigns.js';
import { contextGain } from './language-plausibility.js';
import { neighbourhoodSignals } from './neighbourhood.js';
import { robustScores } from './robust-scale.js';

/** How an audit runs. */
export interface AuditOptions {
  /** Queries users ask (a query log); without them, `sampleQueries` pseudo-queries are drawn from the documents. */
  queries?: readonly string[];
  /** Pseudo-queries drawn when no log is given (default 500). */
  sampleQueries?: number;
  /** Depth of the query signals: a document counts when it is in a query's top k (default 10). */
  k?: number;
  /** Neighbours of the outlier factor (default 10). */
  neighbours?: number;
  /** Dense fields with more live documents than this skip the neighbourhood signals, which search once per document (default 200,000). */
  maxNeighbourDocuments?: number;
  /** A document is flagged when its evidence, the sum of its signals' positive robust z, exceeds this (default 25). */
  threshold?: number;
  /** Seed of the sampled pseudo-queries (default 1). */
  seed?: number;
  /** Progress of the query and neighbour searches. */
  progress?: ProgressFactory;
}

/** One signal over the audited documents. */
interface Signal {
  name: string;
  values: Float64Array;
  direction: 1 | -1;
  /** Counts get a scale of at least 1, so one occurrence more than the median is never extreme. */
  floor: number;
  why: (value: number) => string;
}

const DEFAULTS = { sampleQueries: 500, k: 10, neighbours: 10, maxNeighbourDocuments: 200_000, threshold: 25, seed: 1 };
/** A signal is named among a flagged document's reasons when its z exceeds this. */
const REASON_Z = 3;

/**
 * Audits a snapshot: every live document gets a robust z per signal, and those whose evidence
 * (the sum of their positive z) exceeds the threshold are flagged with their reasons (the
 * signals with z above 3), most suspicious first. Save the report with
 * `writeAudit` to let searches exclude or down-weight the flagged documents (`filter.flagged`).
 *
 * @example
 * const report = auditSnapshot(collection.reader(), { queries: logLines });
 * writeAudit(dir, report);
 */
export function auditSnapshot(snap: Snapshot, options: AuditOptions = {}): AuditReport {
  const o = { ...DEFAULTS, ...options };
  for (const [name, v] of Object.entries({ sampleQueries: o.sampleQueries, k: o.k, neighbours: o.neighbours }))
    if (!Number.isInteger(v) || v < 1)
      throw new QuarryError('BAD_ARGUMENT', `${name} must be a positive integer, got ${v}`, { field: name });
  if (!(o.threshold > 0)) throw new QuarryError('BAD_ARGUMENT', `threshold must be positive, got ${o.threshold}`, { field: 'threshold' });
  const schema = snap.schema;
  const docs: number[] = [];
  for (let d = 0; d < snap.maxDoc; d++) if (!snap.isDeleted(d)) docs.push(d);
  const rowOf = new Map(docs.map((d, i) => [d, i]));
  const n = docs.length;
  const texts = docs.map((d) => documentText(schema, snap.stored(d)));
  const plainWords = createAnalyzer('standard');
  const words = texts.map((t) => plainWords.analyze(t));
  const signals: Signal[] = [];

  signals.push(...languageSignals(words));

  const queries = o.queries ?? sampleQueries(texts, o.sampleQueries, o.seed);
  const text = textFields(schema)[0];
  const analyzer = text !== undefined ? createAnalyzer(text[1].analyzer) : createAnalyzer('english');
  const docTerms = new Map<number, Set<string>>();
  const termsOf = (row: number): Set<string> => {
    let s = docTerms.get(row);
    if (s === undefined) docTerms.set(row, (s = new Set(analyzer.analyze(texts[row]!))));
    return s;
  };
  const legs: { field: string; dense: boolean }[] = [
    ...(text !== undefined ? [{ field: text[0], dense: false }] : []),
    ...denseFields(schema)
      .filter(([, f]) => f.encoder !== undefined)
      .map(([name]) => ({ field: name, dense: true })),
  ];
  // copies of logged queries: only a log can say so (pseudo-queries are copied from documents)
  if (o.queries !== undefined) signals.push(queryCopySignal(texts, o.queries));
  if (queries.length > 0 && legs.length > 0) {
    const progress = (o.progress ?? noProgress)('audit queries', queries.length * legs.length, 'queries');
    let done = 0;
    for (const leg of legs) {
      const hub = new Float64Array(n);
      const mismatch = new Float64Array(n);
      for (const q of queries) {
        const qTerms = analyzer.analyze(q);
        const hits = snap.query({ retrieve: [{ field: leg.field, text: q }], k: o.k }, { includeStored: false }).hits;
        for (const h of hits) {
          const row = rowOf.get(h.doc)!;
          hub[row]!++;
          if (leg.dense && qTerms.length > 0 && !qTerms.some((t) => termsOf(row).has(t))) mismatch[row]!++;
        }
        progress.update(++done, done);
      }
      signals.push(countSignal(`hubness:${leg.field}`, hub, `in the top ${o.k} of`, queries.length));
      if (leg.dense)
        signals.push(countSignal(`lexical-mismatch:${leg.field}`, mismatch, `sharing no query term, in the top ${o.k} of`, queries.length));
    }
    progress.stop();
  }

  for (const [field, spec] of denseFields(schema)) {
    const { ids, dim, rows } = snap.denseVectors(field);
    // with dot products a long vector outscores everything near its direction
    if (spec.metric !== 'cosine' && ids.length > 0) signals.push(normSignal(field, rows, dim));
    if (ids.length < 2 || ids.length > o.maxNeighbourDocuments) continue;
    const rowById = new Map(ids.map((id, i) => [id, i]));
    const progress = (o.progress ?? noProgress)(`neighbours of ${field}`, ids.length, 'docs');
    let done = 0;
    const nb = neighbourhoodSignals(rows, dim, o.neighbours, (i) => {
      const hits = snap.searchVector(field, rows.subarray(i * dim, (i + 1) * dim), { k: o.neighbours + 1, includeStored: false });
      progress.update(++done, done);
      return hits.map((h) => rowById.get(h.id)!);
    });
    progress.stop();
    // the field's rows are in live-document order, as `docs` is
    signals.push({
      name: `centroid:${field}`,
      values: nb.centroid,
      direction: 1,
      floor: 1e-9,
      why: (v) => `its vector is ${v.toFixed(3)} from the centroid of "${field}"`,
    });
    signals.push({
      name: `outlier:${field}`,
      values: nb.lof,
      direction: 1,
      floor: 1e-9,
      why: (v) => `its local outlier factor among its ${o.neighbours} nearest neighbours in "${field}" is ${v.toFixed(2)}`,
    });
  }

  const scored = signals.map((sig) => ({ sig, r: robustScores(sig.values, sig.direction, sig.floor) }));
  const summary: AuditReport['signals'] = {};
  for (const { sig, r } of scored) summary[sig.name] = { median: r.median, scale: r.scale, flagged: 0 };
  const flagged: FlaggedDocument[] = [];
  const flaggedRows = new Set<number>();
  const evidenceOf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // evidence adds up across signals: one odd signal is common in a real collection, several together are not
    let evidence = 0;
    const rs: FlaggedDocument['reasons'] = [];
    for (const { sig, r } of scored) {
      const z = r.z[i]!;
      if (z > 0) evidence += z;
      if (z > REASON_Z) rs.push({ signal: sig.name, value: sig.values[i]!, z, why: sig.why(sig.values[i]!) });
    }
    evidenceOf[i] = evidence;
    if (evidence <= o.threshold || rs.length === 0) continue;
    rs.sort((a, b) => b.z - a.z);
    for (const x of rs) summary[x.signal]!.flagged++;
    flagged.push({ id: snap.id(docs[i]!), score: evidence, reasons: rs });
    flaggedRows.add(i);
  }
  // documents sharing a flagged campaign's words are flagged with it; their reason carries the threshold as its z
  const members = campaignMembers(words, flaggedRows);
  if (members.size > 0) summary.campaign = { median: 0, scale: 1, flagged: members.size };
  for (const [i, m] of members)
    flagged.push({
      id: snap.id(docs[i]!),
      score: Math.max(evidenceOf[i]!, o.threshold),
      reasons: [
        {
          signal: 'campaign',
          value: m.flaggedHolders,
          z: o.threshold,
          why: `it shares the words "${m.span}" with ${m.flaggedHolders} flagged documents, which hold most copies of them`,
        },
      ],
    });
  flagged.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    version: 1,
    generation: snap.generation,
    documents: n,
    queries: legs.length > 0 ? queries.length : 0,
    querySource: o.queries !== undefined ? 'log' : 'sampled',
    threshold: o.threshold,
    signals: summary,
    flagged,
  };
}

/** The norm of each row of a dot-product or L2 field (cosine fields hold unit rows). */
function normSignal(field: string, rows: Float32Array, dim: number): Signal {
  const values = new Float64Array(rows.length / dim);
  for (let i = 0; i < values.length; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[i * dim + j]! ** 2;
    values[i] = Math.sqrt(s);
  }
  return { name: `norm:${field}`, values, direction: 1, floor: 1e-9, why: (v) => `its vector in "${field}" has norm ${v.toFixed(3)}` };
}

/** A signal that counts a document's occurrences among `queries` result lists. */
function countSignal(name: string, values: Float64Array, what: string, queries: number): Signal {
  return { name, values, direction: 1, floor: 1, why: (v) => `${what} ${v} of ${queries} queries` };
}

/**
 * The language signals: each document's context gain (low is suspicious), its longest run of
 * words without a function word (long is suspicious: prose puts a "the", "of" or "and" every few
 * words, a word list an optimiser assembles does not), and its share of function words (low is
 * suspicious).
 */
function languageSignals(words: readonly (readonly string[])[]): Signal[] {
  const vocab = new Map<string, number>();
  const functionShare = new Float64Array(words.length);
  const contentRun = new Float64Array(words.length);
  const ids = words.map((ws, i) => {
    let f = 0;
    let run = 0;
    let longest = 0;
    for (const w of ws) {
      if (FUNCTION_WORDS.has(w)) {
        f++;
        run = 0;
      } else longest = Math.max(longest, ++run);
    }
    functionShare[i] = ws.length >= MIN_WORDS_FOR_SHARE ? f / ws.length : NaN;
    contentRun[i] = ws.length >= MIN_WORDS_FOR_SHARE ? longest : NaN;
    return Int32Array.from(ws, (w) => vocab.get(w) ?? (vocab.set(w, vocab.size), vocab.size - 1));
  });
  return [
    {
      name: 'language',
      values: contextGain(ids, Math.max(1, vocab.size)),
      direction: -1,
      floor: 1e-9,
      why: (v) => `its words gain ${v.toFixed(2)} bits each from the word before them, under the collection's word pairs`,
    },
    {
      name: 'content-run',
      values: contentRun,
      direction: 1,
      floor: 1,
      why: (v) => `it has a run of ${v} words without a function word`,
    },
    {
      name: 'function-words',
      values: functionShare,
      direction: -1,
      floor: 1e-9,
      why: (v) => `${(100 * v).toFixed(0)}% of its words are function words`,
    },
  ];
}

/** Words per shingle of the query-copy signal. */
const COPY_SHINGLE = 5;

/**
 * The query-copy signal: the share of a document's word 5-grams that occur in the logged queries.
 * Query stuffing (pasting the queries one wants to rank for into a passage) shows here even when
 * the passage reads naturally. The floor keeps a few shared phrases from counting much.
 */
function queryCopySignal(texts: readonly string[], queries: readonly string[]): Signal {
  const words = createAnalyzer('standard');
  const shingles = new Set<string>();
  for (const q of queries) forEachShingle(words.analyze(q), (s) => shingles.add(s));
  const values = new Float64Array(texts.length);
  texts.forEach((t, i) => {
    let all = 0;
    let copied = 0;
    forEachShingle(words.analyze(t), (s) => {
      all++;
      if (shingles.has(s)) copied++;
    });
    values[i] = all > 0 ? copied / all : NaN;
  });
  return {
    name: 'query-copy',
    values,
    direction: 1,
    floor: 0.02,
    why: (v) => `${(100 * v).toFixed(0)}% of its five-word phrases occur in the logged queries`,
  };
}

function forEachShingle(words: readonly string[], emit: (s: string) => void): void {
  for (let i = 0; i + COPY_SHINGLE <= words.length; i++) emit(words.slice(i, i + COPY_SHINGLE).join(' '));
}

/** Fewest words a document needs for its function-word share to mean something. */
const MIN_WORDS_FOR_SHARE = 8;
const FUNCTION_WORDS = new Set(LUCENE_ENGLISH_STOPWORDS);

/** The text of a document the audit reads: the stored properties its text fields index, joined. */
function documentText(schema: CollectionSchema, stored: Record<string, unknown>): string {
  const props = new Set(textFields(schema).flatMap(([name, f]) => f.from ?? [name]));
  for (const [, f] of denseFields(schema)) for (const p of f.encoder?.from ?? []) props.add(p);
  const parts: string[] = [];
  for (const p of props) if (typeof stored[p] === 'string') parts.push(stored[p]);
  return parts.join('\n');
}

/** `count` pseudo-queries: runs of up to 12 words from the starts of sentences of sampled documents. */
function sampleQueries(texts: readonly string[], count: number, seed: number): string[] {
  const rand = xorshift32(seed);
  const out: string[] = [];
  const nonEmpty = texts.filter((t) => t.trim() !== '');
  if (nonEmpty.length === 0) return out;
  for (let i = 0; i < count; i++) {
    const t = nonEmpty[Math.floor(rand() * nonEmpty.length)]!;
    const sentences = t.split(/(?<=[.!?\n])\s+/).filter((s) => s.trim() !== '');
    const s = sentences[Math.floor(rand() * sentences.length)]!;
    out.push(s.split(/\s+/).slice(0, 12).join(' '));
  }
  return out;
}
