/**
 * What `quarry index --corpus` reads: a JSON Lines file, a TREC document file, or
 * a folder of either (every file below it, in path order, each recognized by its
 * first non-blank line); gzip-compressed files too when read asynchronously.
 * Records come with the file and line they were read from, so errors point at them.
 */
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { fileHead } from './text-file.js';
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

/** Compressed files: gzip is read (in memory, or streamed to a temporary file by the asynchronous reader); the others are refused with a hint. */
const COMPRESSED = /\.(gz|bz2|xz|zst|z|\d*z)$/i;
const GZIP = /\.gz$/i;

/**
 * The files of a corpus path: the file itself, or every file below a folder in path
 * order (hidden files and READMEs left out). Compressed files other than gzip are refused.
 */
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
    if (COMPRESSED.test(basename(f)) && !GZIP.test(f)) throw new QuarryError('BAD_INPUT', `is compressed in a format read here only after decompressing (gzip is read as it is)`, { file: f }, 'decompress it first (e.g. uncompress, bunzip2, unxz, zstd -d)');
  }
  if (files.length === 0) throw new QuarryError('EMPTY', 'the folder has no files', { file: path });
  return files;
}

/**
 * Every record of the corpus at `path` (file or folder), read lazily; `onProgress` sees
 * bytes over all files. A gzip file is decompressed in memory; for corpora too large for
 * that, readCorpusRecordsAsync streams them.
 */
export function* readCorpusRecords(path: string, onProgress?: ProgressHandler): Generator<CorpusRecord> {
  const files = corpusFiles(path);
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const progress: ProgressHandler | undefined = onProgress === undefined ? undefined : (bytes) => onProgress(done + bytes, total);
    if (looksLikeTrecDocuments(fileHead(file))) {
      for (const d of readTrecDocuments(file, progress)) yield { record: d.record, file, line: d.line };
    } else {
      for (const r of readJsonObjects(file, progress)) yield { record: r.record, file, line: r.line };
    }
    done += sizes[i]!;
  }
}

/** A gzip file decompressed into a temporary folder; `remove` deletes it. */
async function gunzipToTemp(file: string): Promise<{ path: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-corpus-'));
  const path = join(dir, basename(file).replace(GZIP, ''));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await pipeline(createReadStream(file), createGunzip(), createWriteStream(path));
  } catch (e) {
    remove();
    throw new QuarryError('BAD_INPUT', `cannot decompress: ${(e as Error).message}`, { file }, 'is it a gzip file?');
  }
  return { path, remove };
}

/**
 * readCorpusRecords that also reads gzip files (`.gz`): each is decompressed into a
 * temporary file just before it is read and deleted after. Records name the `.gz` file;
 * their lines are lines of its decompressed text.
 */
export async function* readCorpusRecordsAsync(path: string, onProgress?: ProgressHandler): AsyncGenerator<CorpusRecord> {
  const files = corpusFiles(path);
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (!GZIP.test(file)) {
      for (const r of readCorpusRecords(file, onProgress === undefined ? undefined : (bytes) => onProgress(done + bytes, total))) yield r;
    } else {
      const plain = await gunzipToTemp(file);
      try {
        const plainSize = statSync(plain.path).size || 1;
        // progress in compressed bytes: the share of the decompressed file read so far
        const progress: ProgressHandler | undefined = onProgress === undefined ? undefined : (bytes) => onProgress(done + (bytes / plainSize) * sizes[i]!, total);
        for (const r of readCorpusRecords(plain.path, progress)) yield { ...r, file };
      } finally {
        plain.remove();
      }
    }
    done += sizes[i]!;
  }
}

/** True when the corpus at `path` has gzip files, which only readCorpusRecordsAsync reads. */
export function corpusHasGzip(path: string): boolean {
  return corpusFiles(path).some((f) => GZIP.test(f));
}
