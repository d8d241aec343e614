/**
 * Relevance judgments (qrels) in TREC format (`qid iter docno rel`) and in
 * BEIR's TSV format (header `query-id corpus-id score`, then three columns).
 */
import { forEachLine, splitWhitespace } from '../io/line-reader.js';
import { QuarryError } from '../core/quarry-error.js';

/** Judgments of one query: docno -> relevance level (may be negative, see trec_eval). */
export type QueryJudgments = Map<string, number>;

/** All judgments: qid -> docno -> relevance level. */
export type Qrels = Map<string, QueryJudgments>;

/**
 * Reads a qrels file, detecting TREC or BEIR layout from its first line.
 * A malformed line, a duplicate (qid, docno) or an empty file is a QuarryError
 * naming `file:line`.
 *
 * @example
 * const qrels = readQrels('qrels/test.tsv');
 * qrels.get('1')?.get('31715818'); // 1
 */
export function readQrels(path: string): Qrels {
  const reader = new QrelsLineReader(path);
  forEachLine(path, (line, lineNo) => reader.line(line, lineNo));
  return reader.finish();
}

/**
 * Parses qrels given as text (TREC or BEIR layout, as `readQrels`); errors
 * name `source:line`.
 */
export function parseQrelsText(text: string, source = 'qrels'): Qrels {
  const reader = new QrelsLineReader(source);
  text.split(/\r?\n/).forEach((line, i) => reader.line(line, i + 1));
  return reader.finish();
}

/** Accumulates qrels line by line, detecting the layout from line 1. */
class QrelsLineReader {
  private readonly qrels: Qrels = new Map();
  private beir = false;
  private rows = 0;

  constructor(private readonly path: string) {}

  line(line: string, lineNo: number): void {
    const path = this.path;
    if (line.trim() === '') return;
    const f = splitWhitespace(line);
    if (lineNo === 1 && f[0] === 'query-id') {
      this.beir = true;
      return;
    }
    let qid: string;
    let docno: string;
    let relText: string;
    if (this.beir) {
      if (f.length !== 3) bad(path, lineNo, `expected 3 columns (query-id corpus-id score), found ${f.length}`);
      [qid, docno, relText] = f as [string, string, string];
    } else {
      if (f.length !== 4) {
        bad(
          path,
          lineNo,
          `expected 4 columns (qid iter docno rel), found ${f.length}`,
          f.length === 3 ? 'a BEIR qrels file needs the header line "query-id corpus-id score"' : undefined,
        );
      }
      qid = f[0]!;
      docno = f[2]!;
      relText = f[3]!;
    }
    const rel = parseRelevance(relText);
    if (rel === null) bad(path, lineNo, `relevance "${relText}" is not an integer`);
    const range = relevanceRangeProblem(rel);
    if (range !== null) bad(path, lineNo, range, RELEVANCE_HINT);
    let q = this.qrels.get(qid);
    if (q === undefined) {
      q = new Map();
      this.qrels.set(qid, q);
    }
    if (q.has(docno))
      bad(path, lineNo, `duplicate judgment for query ${qid}, document ${docno}`, 'each (query, document) pair may be judged once');
    q.set(docno, rel);
    this.rows++;
  }

  finish(): Qrels {
    if (this.rows === 0) throw new QuarryError('EMPTY', 'qrels file has no judgments', { file: this.path });
    return this.qrels;
  }
}

/** Builds qrels from in-memory triples, checking for duplicates. */
export function qrelsFromTriples(triples: Iterable<readonly [qid: string, docno: string, rel: number]>): Qrels {
  const qrels: Qrels = new Map();
  for (const [qid, docno, rel] of triples) {
    if (!Number.isInteger(rel)) throw new QuarryError('BAD_INPUT', `relevance ${rel} is not an integer`, { field: `${qid}/${docno}` });
    const range = relevanceRangeProblem(rel);
    if (range !== null) throw new QuarryError('BAD_INPUT', range, { field: `${qid}/${docno}` }, RELEVANCE_HINT);
    let q = qrels.get(qid);
    if (q === undefined) qrels.set(qid, (q = new Map()));
    if (q.has(docno)) throw new QuarryError('BAD_INPUT', `duplicate judgment for query ${qid}, document ${docno}`);
    q.set(docno, rel);
  }
  return qrels;
}

/** Writes qrels in TREC format (`qid 0 docno rel`). */
export function formatQrels(qrels: Qrels): string {
  const out: string[] = [];
  for (const [qid, docs] of qrels) for (const [docno, rel] of docs) out.push(`${qid} 0 ${docno} ${rel}`);
  return out.join('\n') + '\n';
}

/**
 * The largest relevance grade accepted. Measures count judgments per grade in an array
 * indexed by grade (as trec_eval does), so a grade is also a size: real collections
 * grade 0..4, and gain-based measures rarely use more than a few hundred.
 */
export const MAX_RELEVANCE = 10_000;
/** The most negative grade accepted (trec_eval reads negative grades as unjudged). */
export const MIN_RELEVANCE = -MAX_RELEVANCE;
const RELEVANCE_HINT = `grades are whole numbers from ${MIN_RELEVANCE} to ${MAX_RELEVANCE} (0 = not relevant)`;

/** What is wrong with grade `rel`, or null. */
function relevanceRangeProblem(rel: number): string | null {
  return rel > MAX_RELEVANCE || rel < MIN_RELEVANCE ? `relevance ${rel} is outside ${MIN_RELEVANCE}..${MAX_RELEVANCE}` : null;
}

function parseRelevance(text: string): number | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  return Number.parseInt(text, 10);
}

function bad(file: string, line: number, message: string, hint?: string): never {
  throw new QuarryError('BAD_INPUT', message, { file, line }, hint);
}
