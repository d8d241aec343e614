/**
 * BEIR dataset files: `corpus.jsonl` (`_id`, `title`, `text`, optional
 * `metadata`), `queries.jsonl` (`_id`, `text`) and TSV query files
 * (`qid<TAB>text`).
 */
import { fileHead, plainName, readTextFile } from './text-file.js';
import { forEachJsonObject } from './jsonl.js';
import { forEachLine } from './line-reader.js';
import { QuarryError } from '../core/quarry-error.js';
import { readTopicQueries, topicFileKind } from './trec-topics.js';

/** One document of a BEIR corpus. */
export interface BeirDocument {
  id: string;
  title: string;
  text: string;
  /** Any other top-level fields of the line (BEIR's `metadata` is flattened in). */
  extra: Record<string, unknown>;
}

/** How to read a queries file. */
export interface ReadQueriesOptions {
  /** For TREC topic files: the field(s) that make the query, e.g. "title" or "title+description" (see readTopicQueries). */
  topicField?: string;
}

/**
 * Reads queries from `queries.jsonl` (BEIR), a TREC topic file (classic `<top>` or XML
 * `<topic>`, recognized by its first line), or a TSV file (`qid<TAB>text`).
 */
export function readQueries(path: string, opts: ReadQueriesOptions = {}): Map<string, string> {
  if (!plainName(path).endsWith('.jsonl') && !plainName(path).endsWith('.json') && topicFileKind(fileHead(path)) !== null)
    return readTopicQueries(path, opts.topicField);
  if (opts.topicField !== undefined)
    throw new QuarryError(
      'BAD_ARGUMENT',
      'a topic field applies to TREC topic files (<top> or <topic>), and this is not one',
      { file: path, field: '--topic-field' },
      'drop --topic-field for JSONL or TSV queries',
    );
  const queries = new Map<string, string>();
  const add = (id: string, text: string, lineNo: number): void => {
    if (queries.has(id)) throw new QuarryError('BAD_INPUT', `duplicate query id "${id}"`, { file: path, line: lineNo });
    queries.set(id, text);
  };
  if (plainName(path).endsWith('.jsonl') || plainName(path).endsWith('.json')) {
    forEachJsonObject(path, (rec, lineNo) => {
      const id = idOf(rec, path, lineNo);
      const text = rec.text;
      if (typeof text !== 'string') throw new QuarryError('BAD_INPUT', 'query has no "text" string', { file: path, line: lineNo });
      add(id, text, lineNo);
    });
  } else {
    forEachLine(path, (line, lineNo) => {
      if (line.trim() === '') return;
      const tab = line.indexOf('\t');
      if (tab <= 0)
        throw new QuarryError('BAD_INPUT', 'expected "qid<TAB>text"', { file: path, line: lineNo }, 'use a .jsonl file for BEIR queries');
      const id = line.slice(0, tab);
      if (lineNo === 1 && (id === 'query-id' || id === 'qid' || id === 'id')) return;
      add(id, line.slice(tab + 1), lineNo);
    });
  }
  if (queries.size === 0) throw new QuarryError('EMPTY', 'no queries in file', { file: path });
  return queries;
}

/** Streams the documents of a BEIR `corpus.jsonl`. */
export function forEachBeirDocument(path: string, onDoc: (doc: BeirDocument, lineNo: number) => void): number {
  return forEachJsonObject(path, (rec, lineNo) => {
    const id = idOf(rec, path, lineNo);
    const { _id: _a, id: _b, title, text, metadata, ...rest } = rec;
    if (title !== undefined && typeof title !== 'string')
      throw new QuarryError('BAD_INPUT', '"title" must be a string', { file: path, line: lineNo });
    if (text !== undefined && typeof text !== 'string')
      throw new QuarryError('BAD_INPUT', '"text" must be a string', { file: path, line: lineNo });
    const extra: Record<string, unknown> = { ...rest };
    if (metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata)) Object.assign(extra, metadata);
    onDoc({ id, title: (title as string | undefined) ?? '', text: (text as string | undefined) ?? '', extra }, lineNo);
  });
}

function idOf(rec: Record<string, unknown>, file: string, line: number): string {
  const raw = rec._id ?? rec.id;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string' || raw === '') {
    throw new QuarryError(
      'BAD_INPUT',
      'record has no "_id" (or "id") string',
      { file, line },
      'every document and query needs a non-empty id',
    );
  }
  return raw;
}

/**
 * The query texts of a query log: the non-empty lines of a `.txt` or `.log` file, else the texts
 * of any queries file `readQueries` reads. An empty log is an error naming the file.
 */
export function readQueryTexts(path: string): string[] {
  const queries = /\.(txt|log)$/i.test(path)
    ? readTextFile(path, 'query log')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '')
    : [...readQueries(path).values()];
  if (queries.length === 0) throw new QuarryError('EMPTY', 'the query log has no queries', { file: path }, 'give one query per line');
  return queries;
}
