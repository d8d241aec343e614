/**
 * TREC run files (`qid Q0 docno rank score tag`), read as a stream of
 * per-query blocks. The rank column is ignored and scores are doubles, as in
 * trec_eval. A file whose queries are contiguous (the normal case) is scored
 * one query at a time, so only one query's documents are alive at once.
 */
import { forEachLine, scanColumns } from '../io/line-reader.js';
import { QuarryError } from '../core/quarry-error.js';

/** The retrieved documents of one query, in file order. */
export interface QueryRun {
  qid: string;
  docnos: string[];
  scores: number[];
}

/** A whole run in memory: qid -> documents and scores. */
export type RunData = Map<string, { docnos: string[]; scores: number[] }>;

/** What a streaming read learned about the file. */
export interface RunStreamInfo {
  /** The tag (sixth column) of the first line: trec_eval's `runid`. */
  runid: string;
  /** Number of result lines. */
  lines: number;
  /** Number of distinct queries. */
  queries: number;
}

/**
 * Streams a run file, calling `onQuery` once per query with all of that
 * query's lines. Contiguous files are streamed block by block. If a query
 * reappears after another query started, `onRestart` is called (drop
 * everything received so far) and the file is re-read grouped in memory.
 */
export function streamRun(path: string, onQuery: (q: QueryRun) => void, onRestart: () => void): RunStreamInfo {
  const contiguous = tryStreamContiguous(path, onQuery);
  if (contiguous !== null) return contiguous;
  onRestart();
  const data = readRun(path);
  for (const [qid, q] of data.run) onQuery({ qid, docnos: q.docnos, scores: q.scores });
  return data.info;
}

/** Reads a whole run into memory, grouped by query (in order of first appearance). */
export function readRun(path: string): { run: RunData; info: RunStreamInfo } {
  const run: RunData = new Map();
  let runid = '';
  let lines = 0;
  forEachLine(path, (line, lineNo) => {
    const r = parseRunLine(line, path, lineNo);
    if (r === null) return;
    if (lines === 0) runid = r.tag;
    lines++;
    let q = run.get(r.qid);
    if (q === undefined) run.set(r.qid, (q = { docnos: [], scores: [] }));
    q.docnos.push(r.docno);
    q.scores.push(r.score);
  });
  if (lines === 0) throw new QuarryError('EMPTY', 'run file has no result lines', { file: path });
  return { run, info: { runid, lines, queries: run.size } };
}

/** Thrown internally to abandon a streaming pass over a non-contiguous file. */
class NotContiguous extends Error {}

function tryStreamContiguous(path: string, onQuery: (q: QueryRun) => void): RunStreamInfo | null {
  const seen = new Set<string>();
  let current: QueryRun | null = null;
  let runid = '';
  let lines = 0;
  try {
    forEachLine(path, (line, lineNo) => {
      const r = parseRunLine(line, path, lineNo);
      if (r === null) return;
      if (lines === 0) runid = r.tag;
      lines++;
      if (current === null || current.qid !== r.qid) {
        if (seen.has(r.qid)) throw new NotContiguous();
        if (current !== null) onQuery(current);
        seen.add(r.qid);
        current = { qid: r.qid, docnos: [], scores: [] };
      }
      current.docnos.push(r.docno);
      current.scores.push(r.score);
    });
  } catch (e) {
    if (e instanceof NotContiguous) return null;
    throw e;
  }
  if (lines === 0) throw new QuarryError('EMPTY', 'run file has no result lines', { file: path });
  if (current !== null) onQuery(current);
  return { runid, lines, queries: seen.size };
}

interface RunLine {
  qid: string;
  docno: string;
  score: number;
  tag: string;
}

/** Start and end of the columns of the line being parsed (reused: a run has millions of lines). */
const columnStart = new Int32Array(6);
const columnEnd = new Int32Array(6);
/** The qid of the previous line: runs repeat one qid for a thousand lines, so its string is reused. */
let lastQid = '';

/** Parses one run line; blank lines give null. Errors name `file:line`. */
export function parseRunLine(line: string, file: string, lineNo: number): RunLine | null {
  // the columns are found in place: only qid (when new), docno, score and tag become strings
  const columns = scanColumns(line, columnStart, columnEnd);
  if (columns === 0) return null;
  if (columns < 6) {
    throw new QuarryError('BAD_INPUT', `expected 6 columns (qid Q0 docno rank score tag), found ${columns}`, { file, line: lineNo });
  }
  const qidLength = columnEnd[0]! - columnStart[0]!;
  const qid =
    qidLength === lastQid.length && line.startsWith(lastQid, columnStart[0])
      ? lastQid
      : (lastQid = line.slice(columnStart[0], columnEnd[0]));
  const scoreText = line.slice(columnStart[4], columnEnd[4]);
  const score = Number(scoreText);
  if (!Number.isFinite(score)) {
    throw new QuarryError('BAD_INPUT', `score "${scoreText}" is not a finite number`, { file, line: lineNo });
  }
  return { qid, docno: line.slice(columnStart[2], columnEnd[2]), score, tag: line.slice(columnStart[5], columnEnd[5]) };
}

/** Formats a ranked list as TREC run lines (rank from 1). */
export function formatRunLines(qid: string, docnos: readonly string[], scores: ArrayLike<number>, tag: string): string {
  let s = '';
  for (let i = 0; i < docnos.length; i++) s += `${qid} Q0 ${docnos[i]} ${i + 1} ${scores[i]} ${tag}\n`;
  return s;
}
