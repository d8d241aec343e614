/** Runs a query file against a collection and writes a TREC run as it goes (used by `quarry quickstart`). */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Snapshot, TextSearchOptions } from '../collection/index.js';
import type { Rm3Params } from '../search/rm3.js';
import { readQueries } from '../io/beir.js';
import { ioError } from '../io/atomic-file.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import { searchOne, type RunSearch } from './batch-search.js';

/** Options of a batch run. */
export interface RunQueriesOptions {
  k: number;
  tag: string;
  fields?: TextSearchOptions['fields'];
  /** Only run these query ids (e.g. the judged ones). */
  only?: ReadonlySet<string>;
  /** Reports searched queries (default: nothing shown). */
  progress?: ProgressFactory;
  /** Decimals of the scores written (Anserini writes 6; trec_eval breaks the resulting ties by docno). */
  precision?: number;
  /** BM25 + RM3 feedback on this text field instead of plain BM25 (`fields` is then not used). */
  rm3?: { field: string; params?: Partial<Rm3Params> };
}

/** Searches every query and writes `qid Q0 docno rank score tag` lines to `output`. Returns counts and timing. */
export function runQueries(
  snap: Snapshot,
  queriesPath: string,
  output: string,
  opts: RunQueriesOptions,
): { queries: number; lines: number; seconds: number } {
  const queries = [...readQueries(queriesPath)].filter(([qid]) => opts.only === undefined || opts.only.has(qid));
  let fd: number;
  try {
    fd = openSync(output, 'w');
  } catch (e) {
    throw ioError(output, e);
  }
  const progress = (opts.progress ?? noProgress)('searching', queries.length, 'queries');
  const precision = opts.precision ?? 6;
  const search: RunSearch = { kind: 'text', k: opts.k, fields: opts.fields, rm3: opts.rm3 };
  let lines = 0;
  let searchMs = 0;
  try {
    queries.forEach(([qid, text], i) => {
      const t0 = performance.now();
      const hits = searchOne(snap, search, { qid, text });
      searchMs += performance.now() - t0;
      let out = '';
      hits.forEach((h, r) => {
        out += `${qid} Q0 ${h.id} ${r + 1} ${h.score.toFixed(precision)} ${opts.tag}\n`;
      });
      lines += hits.length;
      if (out !== '') writeSync(fd, out);
      progress.update(i + 1, i + 1);
    });
  } finally {
    progress.stop();
    closeSync(fd);
  }
  return { queries: queries.length, lines, seconds: searchMs / 1000 };
}
