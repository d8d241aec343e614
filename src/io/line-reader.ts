/**
 * Streaming line iteration over files of any size. Reads fixed-size chunks
 * synchronously and hands each line to a callback, so a 10-million-line file
 * never exists in memory as one string or as an array of lines. A gzip file
 * (`.gz`) is decompressed into memory first (queries, qrels and runs are small
 * next to memory; corpus folders take another path, see corpus-files.ts).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { QuarryError } from '../core/quarry-error.js';
import { decodeUtf8 } from './utf8-text.js';

const CHUNK_BYTES = 1 << 20;

/** Called once per line; `lineNo` is 1-based. The line has no trailing `\r` or `\n`. */
export type LineHandler = (line: string, lineNo: number) => void;

/** Called after each chunk with the bytes read so far and the file size. */
export type ProgressHandler = (bytesRead: number, totalBytes: number) => void;

/** Opens a file for reading, turning OS errors into a QuarryError that names the file. */
function openForReading(path: string): number {
  try {
    if (statSync(path).isDirectory()) {
      throw new QuarryError('BAD_ARGUMENT', 'is a directory, expected a file', { file: path });
    }
    return openSync(path, 'r');
  } catch (e) {
    if (e instanceof QuarryError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new QuarryError('NOT_FOUND', 'no such file', { file: path }, 'check the path');
    throw new QuarryError('IO', `cannot open: ${err.message}`, { file: path });
  }
}

/**
 * Calls `onLine` for every line of the UTF-8 file at `path`, in order.
 * Returns the number of lines seen. Lines are split on `\n`; a trailing `\r`
 * is removed. Multi-byte characters split across chunks are handled.
 */
export function forEachLine(path: string, onLine: LineHandler, onProgress?: ProgressHandler): number {
  let count = 0;
  for (const [line, lineNo] of readLines(path, onProgress)) {
    onLine(line, lineNo);
    count = lineNo;
  }
  return count;
}

/**
 * The lines of the UTF-8 file at `path` with their 1-based numbers, read lazily in
 * chunks, so a caller may pause between lines (e.g. to await a model) without holding
 * the file in memory. Stopping early closes the file.
 */
export function* readLines(path: string, onProgress?: ProgressHandler): Generator<[string, number]> {
  if (GZIP.test(path)) {
    yield* bufferLines(gunzipFile(path), path, onProgress);
    return;
  }
  const stdin = path === STDIN_PATH;
  const fd = stdin ? 0 : openForReading(path);
  const total = onProgress && !stdin ? fstatSync(fd).size : 0;
  let read = 0;
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer | null = null;
  let lineNo = 0;
  try {
    for (;;) {
      const n = readChunk(fd, buf);
      if (n === 0) break;
      read += n;
      let chunk = buf.subarray(0, n);
      if (carry !== null) {
        chunk = Buffer.concat([carry, chunk]);
        carry = null;
      }
      // lines are decoded before the next read reuses `buf`
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        let end = nl;
        if (end > start && chunk[end - 1] === 13) end--;
        yield [decodeUtf8(chunk, start, end, lineNo === 0, path, lineNo + 1), ++lineNo];
        start = nl + 1;
      }
      if (start < chunk.length) carry = Buffer.from(chunk.subarray(start));
      onProgress?.(read, total);
    }
    if (carry !== null && carry.length > 0) {
      let end = carry.length;
      if (carry[end - 1] === 13) end--;
      yield [decodeUtf8(carry, 0, end, lineNo === 0, path, lineNo + 1), ++lineNo];
    }
  } finally {
    if (!stdin) closeSync(fd);
  }
}

const GZIP = /\.gz$/i;

/** The decompressed bytes of a gzip file; errors name it. */
function gunzipFile(path: string): Buffer {
  const fd = openForReading(path);
  closeSync(fd);
  try {
    return gunzipSync(readFileSync(path));
  } catch (e) {
    throw new QuarryError('BAD_INPUT', `cannot decompress: ${(e as Error).message}`, { file: path }, 'is it a gzip file?');
  }
}

/** The lines of a buffer in memory, as readLines gives a file's. */
function* bufferLines(data: Buffer, path: string, onProgress?: ProgressHandler): Generator<[string, number]> {
  let lineNo = 0;
  let start = 0;
  while (start < data.length) {
    let nl = data.indexOf(10, start);
    const last = nl < 0;
    if (last) nl = data.length;
    let end = nl;
    if (end > start && data[end - 1] === 13) end--;
    yield [decodeUtf8(data, start, end, lineNo === 0, path, lineNo + 1), ++lineNo];
    start = nl + 1;
    if (lineNo % 65536 === 0) onProgress?.(start, data.length);
  }
  onProgress?.(data.length, data.length);
}

/** The path that means standard input. */
export const STDIN_PATH = '-';

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Reads the next chunk; standard input may be a non-blocking pipe or socket, so EAGAIN waits and retries. */
function readChunk(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      if (code === 'EOF') return 0;
      throw e;
    }
  }
}

/**
 * Finds the columns of a line (runs of non-blank characters, as trec_eval's parsers split
 * them) without making strings: the first `starts.length` columns' bounds go into `starts`
 * and `ends`; returns how many columns the line has.
 */
export function scanColumns(line: string, starts: Int32Array, ends: Int32Array): number {
  const n = line.length;
  let columns = 0;
  let i = 0;
  while (i < n) {
    while (i < n && isBlank(line.charCodeAt(i))) i++;
    if (i >= n) break;
    const s = i;
    while (i < n && !isBlank(line.charCodeAt(i))) i++;
    if (columns < starts.length) {
      starts[columns] = s;
      ends[columns] = i;
    }
    columns++;
  }
  return columns;
}

let splitStarts = new Int32Array(16);
let splitEnds = new Int32Array(16);

/** Splits a line on runs of spaces and tabs, as trec_eval's parsers do. */
export function splitWhitespace(line: string): string[] {
  let columns = scanColumns(line, splitStarts, splitEnds);
  if (columns > splitStarts.length) {
    splitStarts = new Int32Array(columns);
    splitEnds = new Int32Array(columns);
    columns = scanColumns(line, splitStarts, splitEnds);
  }
  const out = new Array<string>(columns);
  for (let c = 0; c < columns; c++) out[c] = line.slice(splitStarts[c], splitEnds[c]);
  return out;
}

/** Space, tab and the other blanks trec_eval splits columns on. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}
