/** `quarry index`: create a collection (or add to one) from a corpus: JSONL or TREC files, or a folder of them. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { BEIR_FLAT_SCHEMA, Collection, parseSchema, type CollectionSchema, type CollectionWriter } from '../../collection/index.js';
import { corpusFiles, corpusHasGzip, readCorpusRecords, readCorpusRecordsAsync, type CorpusRecord } from '../../io/corpus-files.js';
import { QuarryError } from '../../io/quarry-error.js';
import { createProgress, type Progress } from '../progress.js';
import { checkOptionScopes, type OptionScope } from '../option-scope.js';
import { guarded, intOption } from '../run-command.js';
import { importVectors, VECTOR_FORMATS } from './vector-import.js';

interface IndexFlags {
  corpus?: string;
  vectors?: string;
  format?: string;
  dim?: number;
  field: string;
  family?: string;
  offsets?: string;
  metric?: string;
  params?: string;
  floats?: string;
  ids?: string;
  schema?: string;
  json?: boolean;
  quiet?: boolean;
}

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
export function importCorpus(dir: string, corpus: string, schemaPath: string | undefined, quiet: boolean): ImportSummary {
  const job = openImport(dir, corpus, schemaPath);
  const progress = createProgress('indexing', 1, 'docs', quiet);
  return job.run(() => {
    if (job.writer.needsAsyncAdd) throw new QuarryError('BAD_ARGUMENT', 'this schema encodes text with a transformer', { file: corpus }, 'use importCorpusAsync (quarry index does)');
    return addAll(job.writer, corpus, progress);
  }, progress);
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
export async function importCorpusAsync(dir: string, corpus: string, schemaPath: string | undefined, quiet: boolean): Promise<ImportSummary> {
  const job = openImport(dir, corpus, schemaPath);
  const { writer } = job;
  if (!writer.needsAsyncAdd && !corpusHasGzip(corpus)) {
    const progress = createProgress('indexing', 1, 'docs', quiet);
    return job.run(() => addAll(writer, corpus, progress), progress);
  }
  if (!writer.needsAsyncAdd) {
    // gzip files are decompressed on the way, which is asynchronous; adding stays one by one
    const progress = createProgress('indexing', 1, 'docs', quiet);
    return job.runAsync(async () => {
      let added = 0;
      for await (const r of readCorpusRecordsAsync(corpus, (bytes, total) => progress.update(bytes / total, added))) {
        writer.add(r.record, { file: r.file, line: r.line });
        added++;
      }
      return added;
    }, progress);
  }
  const progress = createProgress('encoding', 1, 'docs', quiet);
  return job.runAsync(async () => {
    // streamed: one batch of records in memory at a time, encoded while the file waits
    let added = 0;
    let fraction = 0;
    let batch: CorpusRecord[] = [];
    const flush = async (): Promise<void> => {
      const b = batch;
      batch = [];
      await writer.addBatchAsync(b.map((r) => r.record), 'add', (i) => ({ file: b[i]!.file, line: b[i]!.line }));
      added += b.length;
      progress.update(fraction, added);
    };
    for await (const r of readCorpusRecordsAsync(corpus, (bytes, total) => (fraction = bytes / total))) {
      batch.push(r);
      if (batch.length === ENCODE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    return added;
  }, progress);
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
    throw new QuarryError('BAD_SCHEMA', 'differs from the schema of the existing collection', { file: schemaPath }, 'omit --schema to add to an existing collection');
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

/** Which index options go together: a corpus (with a schema) or a vector file (with its reading and field options). */
const INDEX_SCOPES: readonly OptionScope[] = [
  { option: 'schema', with: ['corpus'], hint: 'a vector import describes its field with --field, --family, --metric and --params' },
  ...(['format', 'dim', 'ids', 'offsets', 'field', 'family', 'metric', 'params', 'floats'] as const).map((option) => ({ option, with: ['vectors'] })),
  { option: 'floats', without: ['offsets'], hint: 'multi-vector fields keep their tokens as their schema says' },
];

/** Registers `quarry index`. */
export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('index a corpus (JSONL or TREC files, or a folder of them) into a collection (created if absent); all-or-nothing')
    .argument('<dir>', 'collection folder')
    .option('--corpus <path>', 'JSONL corpus, one document per line (BEIR corpus.jsonl: _id, title, text); or TREC documents (<DOC><DOCNO>...); or a folder of such files; gzipped (.gz) too')
    .option('--vectors <file>', `dense vectors instead of a corpus, one document per row: ${VECTOR_FORMATS}`)
    .option('--format <kind>', 'vector file format when the extension does not tell: fvecs, ivecs, bvecs, npy, raw')
    .option('--dim <n>', 'row length of a raw float32 file', intOption(1))
    .option('--ids <file>', 'with --vectors: one document id per line (default: the row number)')
    .option('--offsets <file>', 'with --vectors: the rows are token vectors of multi-vector documents; document offsets or lengths (.npy int32/int64, or one number per line)')
    .option('--field <name>', 'with --vectors: the dense (or, with --offsets, multi-vector) field', 'vector')
    .option('--family <name>', 'with --vectors, for a new collection: flat, hnsw, int8, binary, ivfpq (with --offsets: the MUVERA encodings\' index, columnar by default, or exhaustive for none)')
    .option('--metric <name>', 'with --vectors, for a new collection: cosine (default), dot, l2')
    .option('--params <json>', 'with --vectors, for a new collection: the family\'s parameters as JSON, e.g. \'{"M":32,"efConstruction":400}\' (see docs/schema.md)')
    .option('--floats <where>', 'with --vectors, for a new int8, binary or ivfpq field: keep the rescoring floats in memory (default) or on disk (memory holds the codes alone)')
    .option('--schema <file>', 'schema JSON (default: BEIR flat, contents = title + "\\n" + text, English analysis, BM25 k1 0.9 b 0.4)')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Example:
  $ quarry index ./scifact-idx --corpus scifact/corpus.jsonl
  $ quarry index ./my-idx --corpus docs.jsonl --schema schema.json
  $ quarry index ./robust04-idx --corpus disk45/ --schema trec.json          # TREC <DOC> files (decompressed), DOCNO as _id
  $ quarry index ./glove-idx --vectors base.fvecs --family hnsw --metric cosine --params '{"M":32}'
  $ quarry index ./codes-idx --vectors base.fvecs --family binary --floats disk
  $ quarry index ./colbert-idx --vectors tokens.npy --offsets doclens.npy --ids ids.txt --field colbert --family columnar`)
    .action(guarded(async (dir: string, flags: IndexFlags, cmd: Command) => {
      checkOptionScopes(cmd, INDEX_SCOPES);
      if ((flags.corpus === undefined) === (flags.vectors === undefined)) {
        throw new QuarryError('BAD_ARGUMENT', 'give exactly one of --corpus and --vectors', { field: '--corpus' });
      }
      if (flags.vectors !== undefined) {
        const started = performance.now();
        const added = importVectors(dir, { vectors: flags.vectors, format: flags.format, dim: flags.dim, field: flags.field, index: flags.family, metric: flags.metric, params: flags.params, floats: flags.floats, ids: flags.ids, offsets: flags.offsets, quiet: flags.quiet });
        const seconds = (performance.now() - started) / 1000;
        process.stdout.write(flags.json ? JSON.stringify({ dir, added, seconds }) + '\n' : `added ${added.toLocaleString('en-US')} vectors to ${dir} in ${seconds.toFixed(1)} s\n`);
        return;
      }
      const s = await importCorpusAsync(dir, flags.corpus!, flags.schema, flags.quiet ?? false);
      if (flags.json) process.stdout.write(JSON.stringify(s) + '\n');
      else {
        process.stdout.write(
          `${s.created ? 'created' : 'updated'} ${s.dir}: added ${s.added.toLocaleString('en-US')} documents in ${s.seconds.toFixed(1)} s ` +
            `(${Math.round(s.added / s.seconds).toLocaleString('en-US')} docs/s); ${s.documents.toLocaleString('en-US')} documents, generation ${s.generation}\n`,
        );
      }
    }));
}
