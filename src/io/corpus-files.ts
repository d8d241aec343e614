/**
 * What `quarry index --corpus` reads: a JSON Lines file, a TREC document file, or
 * a folder of either (every file below it, in path order, each recognized by its
 * first non-blank line). Records come with the file and line they were read from,
 * so errors point at them.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readJsonObjects } from './jsonl.js';
import type { ProgressHandler } from './line-reader.js';
import { QuarryError } from './quarry-error.js';
import { looksLikeTrecDocuments, readTrecDocuments } from './trec-documents.js';

/** One document record and where it was read. */
export interface CorpusRecord {
  record: Record<string, unknown>;
  file: string;
  line: number;
}

/** Compressed files are refused with a hint: the readers stream plain text. */
const COMPRESSED = /\.(gz|bz2|xz|zst|z|\d*z)$/i;

/** The files of a corpus path: the file itself, or every file below a folder in path order (hidden files and READMEs left out). */
export function corpusFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new QuarryError('NOT_FOUND', 'no such corpus file or folder', { file: path });
  }
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || /^readme/i.test(name)) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  if (stat.isDirectory()) walk(path);
  else files.push(path);
  for (const f of files) {
    if (COMPRESSED.test(basename(f))) throw new QuarryError('BAD_INPUT', 'is compressed; the corpus is read as plain text', { file: f }, stat.isDirectory() ? `decompress it first (e.g. gunzip -r ${path})` : 'decompress it first (e.g. gunzip -k)');
  }
  if (files.length === 0) throw new QuarryError('EMPTY', 'the folder has no files', { file: path });
  return files;
}

/** The first few kilobytes of a file, to tell its kind. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Every record of the corpus at `path` (file or folder), read lazily; `onProgress` sees bytes over all files. */
export function* readCorpusRecords(path: string, onProgress?: ProgressHandler): Generator<CorpusRecord> {
  const files = corpusFiles(path);
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const progress: ProgressHandler | undefined = onProgress === undefined ? undefined : (bytes) => onProgress(done + bytes, total);
    if (looksLikeTrecDocuments(head(file))) {
      for (const d of readTrecDocuments(file, progress)) yield { record: d.record, file, line: d.line };
    } else {
      for (const r of readJsonObjects(file, progress)) yield { record: r.record, file, line: r.line };
    }
    done += sizes[i]!;
  }
}
