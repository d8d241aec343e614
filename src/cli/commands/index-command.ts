/** `quarry index`: create a collection (or add to one) from a corpus: JSONL or TREC files, or a folder of them. */
import type { Command } from 'commander';
import { QuarryError } from '../../core/quarry-error.js';
import { terminalProgress } from '../progress.js';
import { importCorpusAsync } from '../../ingest/import-corpus.js';
import { checkOptionScopes, type OptionScope } from '../option-scope.js';
import { guarded, intOption } from '../command-options.js';
import { importVectors } from '../../ingest/import-vectors.js';
import { VECTOR_FORMATS } from '../../io/vector-files.js';
import { DENSE_FAMILIES } from '../../index/dense/dense-registry.js';

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

/** Which index options go together: a corpus (with a schema) or a vector file (with its reading and field options). */
const INDEX_SCOPES: readonly OptionScope[] = [
  { option: 'schema', with: ['corpus'], hint: 'a vector import describes its field with --field, --family, --metric and --params' },
  ...(['format', 'dim', 'ids', 'offsets', 'field', 'family', 'metric', 'params', 'floats'] as const).map((option) => ({
    option,
    with: ['vectors'],
  })),
  { option: 'floats', without: ['offsets'], hint: 'multi-vector fields keep their tokens as their schema says' },
];

/** Registers `quarry index`. */
export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('index a corpus (JSONL or TREC files, or a folder of them) into a collection (created if absent); all-or-nothing')
    .argument('<dir>', 'collection folder')
    .option(
      '--corpus <path>',
      'JSONL corpus, one document per line (BEIR corpus.jsonl: _id, title, text); or TREC documents (<DOC><DOCNO>...); or a folder of such files; gzipped (.gz) too',
    )
    .option('--vectors <file>', `dense vectors instead of a corpus, one document per row: ${VECTOR_FORMATS}`)
    .option('--format <kind>', 'vector file format when the extension does not tell: fvecs, ivecs, bvecs, npy, raw')
    .option('--dim <n>', 'row length of a raw float32 file', intOption(1))
    .option('--ids <file>', 'with --vectors: one document id per line (default: the row number)')
    .option(
      '--offsets <file>',
      'with --vectors: the rows are token vectors of multi-vector documents; document offsets or lengths (.npy int32/int64, or one number per line)',
    )
    .option('--field <name>', 'with --vectors: the dense (or, with --offsets, multi-vector) field', 'vector')
    .option(
      '--family <name>',
      `with --vectors, for a new collection: ${DENSE_FAMILIES.join(', ')} (with --offsets: the MUVERA encodings' index, columnar by default, or exhaustive for none)`,
    )
    .option('--metric <name>', 'with --vectors, for a new collection: cosine (default), dot, l2')
    .option(
      '--params <json>',
      'with --vectors, for a new collection: the family\'s parameters as JSON, e.g. \'{"M":32,"efConstruction":400}\' (see docs/schema.md)',
    )
    .option(
      '--floats <where>',
      'with --vectors, for a new int8, binary or ivfpq field: keep the rescoring floats in memory (default) or on disk (memory holds the codes alone)',
    )
    .option('--schema <file>', 'schema JSON (default: BEIR flat, contents = title + "\\n" + text, English analysis, BM25 k1 0.9 b 0.4)')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Example:
  $ quarry index ./scifact-idx --corpus scifact/corpus.jsonl
  $ quarry index ./my-idx --corpus docs.jsonl --schema schema.json
  $ quarry index ./robust04-idx --corpus disk45/ --schema trec.json          # TREC <DOC> files (decompressed), DOCNO as _id
  $ quarry index ./glove-idx --vectors base.fvecs --family hnsw --metric cosine --params '{"M":32}'
  $ quarry index ./codes-idx --vectors base.fvecs --family binary --floats disk
  $ quarry index ./colbert-idx --vectors tokens.npy --offsets doclens.npy --ids ids.txt --field colbert --family columnar`,
    )
    .action(
      guarded(async (dir: string, flags: IndexFlags, cmd: Command) => {
        checkOptionScopes(cmd, INDEX_SCOPES);
        if ((flags.corpus === undefined) === (flags.vectors === undefined)) {
          throw new QuarryError('BAD_ARGUMENT', 'give exactly one of --corpus and --vectors', { field: '--corpus' });
        }
        if (flags.vectors !== undefined) {
          const started = performance.now();
          const added = importVectors(dir, {
            vectors: flags.vectors,
            format: flags.format,
            dim: flags.dim,
            field: flags.field,
            index: flags.family,
            metric: flags.metric,
            params: flags.params,
            floats: flags.floats,
            ids: flags.ids,
            offsets: flags.offsets,
            progress: terminalProgress(flags.quiet),
          });
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            flags.json
              ? JSON.stringify({ dir, added, seconds }) + '\n'
              : `added ${added.toLocaleString('en-US')} vectors to ${dir} in ${seconds.toFixed(1)} s\n`,
          );
          return;
        }
        const s = await importCorpusAsync(dir, flags.corpus!, flags.schema, terminalProgress(flags.quiet));
        if (flags.json) process.stdout.write(JSON.stringify(s) + '\n');
        else {
          process.stdout.write(
            `${s.created ? 'created' : 'updated'} ${s.dir}: added ${s.added.toLocaleString('en-US')} documents in ${s.seconds.toFixed(1)} s ` +
              `(${Math.round(s.added / s.seconds).toLocaleString('en-US')} docs/s); ${s.documents.toLocaleString('en-US')} documents, generation ${s.generation}\n`,
          );
        }
      }),
    );
}
