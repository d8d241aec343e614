/**
 * What `quarry index --corpus` reads: a JSON Lines file, a TREC document file, or
 * a folder of either (every file below it, in path order, each recognized by its
 * first non-blank line); gzip-compressed files too when read asynchronously.
 * Records come with the file and line they were read from, so errors point at them.
 */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { fileHead } from './text-file.js';
import { readJsonObjects } from './jsonl.js';
import type { ProgressHandler } from './line-reader.js';
import { QuarryError } from '../core/quarry-error.js';
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
  if (stat.isDirectory()) {
    // a BEIR dataset folder holds queries and judgments beside its corpus: indexing them all is never meant
    const beirCorpus = ['corpus.jsonl', 'corpus.jsonl.gz'].find((n) => existsSync(join(path, n)));
    if (beirCorpus !== undefined && existsSync(join(path, 'queries.jsonl')))
      throw new QuarryError(
        'BAD_ARGUMENT',
        'is a BEIR dataset folder (corpus, queries and judgments), not a folder of corpus files',
        { file: path },
        `give its corpus file: --corpus ${join(path, beirCorpus)}`,
      );
    walk(path);
  } else files.push(path);
  for (const f of files) {
    if (COMPRESSED.test(basename(f)) && !GZIP.test(f))
      throw new QuarryError(
        'BAD_INPUT',
        `is compressed in a format read here only after decompressing (gzip is read as it is)`,
        { file: f },
        'decompress it first (e.g. uncompress, bunzip2, unxz, zstd -d)',
      );
  }
  if (files.length === 0) throw new QuarryError('EMPTY', 'the folder has no files', { file: path });
  return files;
}

/** The records of one plain file (TREC or JSON Lines, told by its first line), reported as read from `name`. */
function* fileRecords(file: string, name: string, progress?: ProgressHandler): Generator<CorpusRecord> {
  if (looksLikeTrecDocuments(fileHead(file))) {
    for (const d of readTrecDocuments(file, progress)) yield { record: d.record, file: name, line: d.line };
  } else {
    for (const r of readJsonObjects(file, progress)) yield { record: r.record, file: name, line: r.line };
  }
}

/** The corpus files with their sizes, and a progress handler for one file given the bytes of those before it. */
function sizedFiles(path: string, onProgress?: ProgressHandler) {
  const files = corpusFiles(path);
  const sizes = files.map((f) => statSync(f).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const progressAfter = (done: number, scale = 1): ProgressHandler | undefined =>
    onProgress === undefined ? undefined : (bytes) => onProgress(done + bytes * scale, total);
  return { files, sizes, progressAfter };
}

/**
 * Every record of the corpus at `path` (file or folder), read lazily; `onProgress` sees
 * bytes over all files. A gzip file is decompressed in memory; for corpora too large for
 * that, readCorpusRecordsAsync streams them.
 */
export function* readCorpusRecords(path: string, onProgress?: ProgressHandler): Generator<CorpusRecord> {
  const { files, sizes, progressAfter } = sizedFiles(path, onProgress);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    yield* fileRecords(files[i]!, files[i]!, progressAfter(done));
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
 * readCorpusRecords that streams gzip files (`.gz`) instead: each is decompressed into a
 * temporary file just before it is read and deleted after. Records name the `.gz` file;
 * their lines are lines of its decompressed text.
 */
export async function* readCorpusRecordsAsync(path: string, onProgress?: ProgressHandler): AsyncGenerator<CorpusRecord> {
  const { files, sizes, progressAfter } = sizedFiles(path, onProgress);
  let done = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (!GZIP.test(file)) {
      yield* fileRecords(file, file, progressAfter(done));
    } else {
      const plain = await gunzipToTemp(file);
      try {
        // progress in compressed bytes: the share of the decompressed file read so far
        yield* fileRecords(plain.path, file, progressAfter(done, sizes[i]! / (statSync(plain.path).size || 1)));
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
