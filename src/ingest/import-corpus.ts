/**
 * Importing a corpus (JSONL or TREC files, or a folder of them) into a collection in
 * one commit: every document is added, or on any error the collection is left
 * exactly as it was (and a collection created by the import is removed again).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BEIR_FLAT_SCHEMA, Collection, parseSchema, type CollectionSchema, type CollectionWriter } from '../collection/index.js';
import { corpusFiles, corpusHasGzip, readCorpusRecords, readCorpusRecordsAsync, type CorpusRecord } from '../io/corpus-files.js';
import { QuarryError } from '../core/quarry-error.js';
import { noProgress, type Progress, type ProgressFactory } from '../core/progress.js';

/** Result of an import. */
export interface ImportSummary {
  dir: string;
  created: boolean;
  added: number;
  documents: number;
  generation: number;
  seconds: number;
}

/**
 * Imports a JSONL corpus into `dir` in one commit: either every document is
 * added or (on any error) the collection is left exactly as it was, and a
 * collection created by this call is removed again.
 */
export function importCorpus(dir: string, corpus: string, schemaPath?: string, progress: ProgressFactory = noProgress): ImportSummary {
  const job = openImport(dir, corpus, schemaPath);
  const bar = progress('indexing', 1, 'docs');
  return job.run(() => {
    if (job.writer.needsAsyncAdd)
      throw new QuarryError(
        'BAD_ARGUMENT',
        'this schema encodes text with a transformer',
        { file: corpus },
        'use importCorpusAsync (quarry index does)',
      );
    return addAll(job.writer, corpus, bar);
  }, bar);
}

/** Adds every record of a corpus (JSONL or TREC files, or a folder of them), one by one (synchronous encoders only). */
function addAll(writer: CollectionWriter, corpus: string, progress: Progress): number {
  let added = 0;
  for (const r of readCorpusRecords(corpus, (bytes, total) => progress.update(bytes / total, added))) {
    writer.add(r.record, { file: r.file, line: r.line });
    added++;
  }
  return added;
}

/** Documents per model run when a schema encodes text with a transformer. */
const ENCODE_BATCH = 256;

/**
 * importCorpus for any schema, including fields encoded by a transformer: records are
 * read, then encoded and added in batches (progress in documents).
 */
export async function importCorpusAsync(
  dir: string,
  corpus: string,
  schemaPath?: string,
  progress: ProgressFactory = noProgress,
): Promise<ImportSummary> {
  const job = openImport(dir, corpus, schemaPath);
  const { writer } = job;
  if (!writer.needsAsyncAdd && !corpusHasGzip(corpus)) {
    const bar = progress('indexing', 1, 'docs');
    return job.run(() => addAll(writer, corpus, bar), bar);
  }
  if (!writer.needsAsyncAdd) {
    // gzip files are decompressed on the way, which is asynchronous; adding stays one by one
    const bar = progress('indexing', 1, 'docs');
    return job.runAsync(async () => {
      let added = 0;
      for await (const r of readCorpusRecordsAsync(corpus, (bytes, total) => bar.update(bytes / total, added))) {
        writer.add(r.record, { file: r.file, line: r.line });
        added++;
      }
      return added;
    }, bar);
  }
  const bar = progress('encoding', 1, 'docs');
  return job.runAsync(async () => {
    // streamed: one batch of records in memory at a time, encoded while the file waits
    let added = 0;
    let fraction = 0;
    let batch: CorpusRecord[] = [];
    const flush = async (): Promise<void> => {
      const b = batch;
      batch = [];
      await writer.addBatchAsync(
        b.map((r) => r.record),
        'add',
        (i) => ({ file: b[i]!.file, line: b[i]!.line }),
      );
      added += b.length;
      bar.update(fraction, added);
    };
    for await (const r of readCorpusRecordsAsync(corpus, (bytes, total) => (fraction = bytes / total))) {
      batch.push(r);
      if (batch.length === ENCODE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    return added;
  }, bar);
}

/** A started import: the collection (created if new), its writer, and the commit / undo logic. */
function openImport(dir: string, corpus: string, schemaPath: string | undefined) {
  const started = performance.now();
  let schema: CollectionSchema | undefined;
  if (schemaPath !== undefined) {
    let text: string;
    try {
      text = readFileSync(schemaPath, 'utf8');
    } catch {
      throw new QuarryError('NOT_FOUND', 'cannot read schema file', { file: schemaPath });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new QuarryError('BAD_SCHEMA', `not valid JSON: ${(e as Error).message}`, { file: schemaPath });
    }
    schema = parseSchema(json, schemaPath);
  }
  corpusFiles(corpus);
  const created = !Collection.exists(dir);
  if (!created && schema !== undefined && JSON.stringify(schema) !== JSON.stringify(Collection.open(dir).schema)) {
    throw new QuarryError(
      'BAD_SCHEMA',
      'differs from the schema of the existing collection',
      { file: schemaPath },
      'omit --schema to add to an existing collection',
    );
  }
  const dirExisted = existsSync(dir);
  const collection = created ? Collection.create(dir, schema ?? BEIR_FLAT_SCHEMA) : Collection.open(dir);
  let writer;
  try {
    writer = collection.writer();
  } catch (e) {
    if (created) removeCreated(dir, dirExisted);
    throw e;
  }
  const finish = (added: number, progress: Progress): ImportSummary => {
    if (added === 0) throw new QuarryError('EMPTY', 'corpus has no documents', { file: corpus });
    const generation = writer.commit();
    progress.stop();
    writer.close();
    const documents = collection.reader({ verifyChecksums: false }).numDocs;
    return { dir, created, added, documents, generation, seconds: (performance.now() - started) / 1000 };
  };
  const undo = (progress: Progress): void => {
    progress.stop();
    writer.abort();
    if (created) removeCreated(dir, dirExisted);
  };
  return {
    writer,
    run(body: () => number, progress: Progress): ImportSummary {
      try {
        return finish(body(), progress);
      } catch (e) {
        undo(progress);
        throw e;
      }
    },
    async runAsync(body: () => Promise<number>, progress: Progress): Promise<ImportSummary> {
      try {
        return finish(await body(), progress);
      } catch (e) {
        undo(progress);
        throw e;
      }
    },
  };
}

/** Undoes `Collection.create`: removes the folder, or only its contents if the folder was there before. */
function removeCreated(dir: string, dirExisted: boolean): void {
  if (!dirExisted) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}
