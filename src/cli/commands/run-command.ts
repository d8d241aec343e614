/** `quarry run`: batch retrieval into a TREC run file, optionally evaluated. */
import { Option, type Command } from 'commander';
import { Collection, type Hit, type Snapshot, type TextSearchOptions } from '../../collection/index.js';
import { evaluateRunFile, formatTrecEval, readQrels, reportToJson } from '../../eval/index.js';
import { collect, guarded, intOption } from '../command-options.js';
import { isQuarryError, QuarryError } from '../../core/quarry-error.js';
import { readQueries } from '../../io/beir.js';
import { parseFieldBoosts, pickField, rm3Option } from './search-command.js';
import { fillQueryTemplate, type QuerySpecInput } from '../../search/query-spec.js';
import { checkOptionScopes, type OptionScope } from '../option-scope.js';
import { parseParamsOption, readQuerySpecOption } from '../../io/json-option.js';
import { createProgress } from '../progress.js';
import { readMultiVectorQueries, readSparseQueries, readVectorQueries } from '../../batch/query-files.js';
import type { RunQuery, RunSearch } from '../../batch/batch-search.js';
import { searchQueries } from '../../batch/search-threads.js';
import { VECTOR_FORMATS } from '../../io/vector-files.js';
import { luceneSimilarity, RunLines } from '../../batch/run-lines.js';

/** What a run did: queries searched, lines written, seconds spent searching. */
interface RunDone {
  queries: number;
  lines: number;
  seconds: number;
}

/** The search and the queries of a run that is not a spec template, and how its scores are written. */
function runInputs(
  snap: Snapshot,
  flags: RunFlags,
  params: Record<string, number> | undefined,
): { search: RunSearch; queries: RunQuery[]; score?: (s: number) => number } {
  const k = flags.k;
  const timeoutMs = flags.timeout;
  if (flags.vectorQueries !== undefined) {
    const field = pickField(snap.schema.fields, 'dense', flags.field);
    const spec = snap.schema.fields[field];
    if (spec?.type !== 'dense') throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a dense field`, { field: '--field' });
    const queries = readVectorQueries(flags.vectorQueries, spec.dim, { format: flags.format, ids: flags.queryIds });
    return {
      search: { kind: 'dense', k, field, params, timeoutMs },
      queries,
      score: flags.luceneScores ? luceneSimilarity(spec.metric) : undefined,
    };
  }
  if (flags.multivectorQueries !== undefined) {
    const field = pickField(snap.schema.fields, 'multivector', flags.field);
    const spec = snap.schema.fields[field];
    if (spec?.type !== 'multivector') throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a multi-vector field`, { field: '--field' });
    return {
      search: { kind: 'multivector', k, field, params, timeoutMs },
      queries: readMultiVectorQueries(flags.multivectorQueries, spec.dim, {
        format: flags.format,
        ids: flags.queryIds,
        offsets: flags.queryOffsets,
      }),
    };
  }
  if (flags.sparseQueries !== undefined) {
    const field = pickField(snap.schema.fields, 'sparse', flags.field);
    return { search: { kind: 'sparse', k, field, params, timeoutMs }, queries: readSparseQueries(flags.sparseQueries) };
  }
  const search: RunSearch = {
    kind: 'text',
    k,
    fields: flags.fields === undefined || flags.rm3 !== undefined ? undefined : parseFieldBoosts(flags.fields),
    rm3: flags.rm3 === undefined ? undefined : rm3Option(snap.schema.fields, flags.rm3, flags.fields),
    syntax: flags.syntax,
    timeoutMs,
  };
  const queries = [...readQueries(flags.queries!, { topicField: flags.topicField })].map(([qid, text]) => ({ qid, text }));
  // Every query is parsed before any is searched, so a syntax error is reported before the run starts.
  if (search.syntax === 'lucene') for (const q of queries) checkQuerySyntax(snap, q.qid, q.text, search.fields, flags.queries!);
  return { search, queries };
}

function checkQuerySyntax(snap: Snapshot, qid: string, text: string, fields: TextSearchOptions['fields'], file: string): void {
  try {
    snap.textQuery(text, fields);
  } catch (e) {
    if (!isQuarryError(e)) throw e;
    const field = e.location.field;
    let message = field !== undefined && e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
    if (e.hint !== undefined && message.endsWith(` (${e.hint})`)) message = message.slice(0, -e.hint.length - 3);
    throw new QuarryError(
      e.code,
      `query ${qid}: ${message}`,
      { file },
      `${e.hint ?? 'fix the query'}; or read the queries as words with --syntax terms`,
    );
  }
}

interface RunFlags {
  queries?: string;
  topicField?: string;
  sparseQueries?: string;
  vectorQueries?: string;
  multivectorQueries?: string;
  queryIds?: string;
  queryOffsets?: string;
  format?: string;
  luceneScores?: boolean;
  field?: string;
  params?: string;
  spec?: string;
  output: string;
  k: number;
  tag: string;
  fields?: string;
  qrels?: string;
  measure?: string[];
  precision: number;
  quiet?: boolean;
  rm3?: string | true;
  syntax?: 'terms' | 'lucene';
  sortQids?: boolean;
  json?: boolean;
  threads: number;
  timeout: number;
}

/** Which run options go together: text queries (plain or through a spec), sparse or dense queries. */
const RUN_SCOPES: readonly OptionScope[] = [
  { option: 'field', with: ['sparseQueries', 'vectorQueries', 'multivectorQueries'], hint: 'text queries take --fields' },
  {
    option: 'params',
    with: ['sparseQueries', 'vectorQueries', 'multivectorQueries'],
    hint: 'text queries have none; in a --spec template, params go in its legs',
  },
  { option: 'queryIds', with: ['vectorQueries', 'multivectorQueries'] },
  { option: 'queryOffsets', with: ['multivectorQueries'] },
  { option: 'format', with: ['vectorQueries', 'multivectorQueries'] },
  { option: 'luceneScores', with: ['vectorQueries'] },
  { option: 'spec', with: ['queries'] },
  { option: 'topicField', with: ['queries'] },
  { option: 'fields', with: ['queries'], without: ['spec'], hint: 'a query spec names fields in its legs' },
  { option: 'measure', with: ['qrels'] },
  { option: 'rm3', with: ['queries'], without: ['spec'], hint: 'RM3 expands text queries' },
  { option: 'syntax', with: ['queries'], without: ['spec', 'rm3'], hint: 'in a --spec template, give "syntax" in its text legs' },
  { option: 'threads', without: ['spec'], hint: 'spec templates run in one thread' },
];

/** Registers `quarry run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('search every query of a file and write a TREC run; with --qrels, evaluate it too')
    .argument('<dir>', 'collection folder')
    .option(
      '--queries <file>',
      'queries: BEIR queries.jsonl (_id, text), TSV (qid<TAB>text), or TREC topics (<top> ... or XML <topic number=...>)',
    )
    .option(
      '--topic-field <fields>',
      'with TREC topics: the field(s) searched, e.g. title, description, narrative, title+description (default title; query for XML topics that have one)',
    )
    .option(
      '--sparse-queries <file>',
      'learned-sparse queries instead: JSONL {id, vector: {token: weight}} (Seismic format), searched on --field',
    )
    .option(
      '--vector-queries <file>',
      `dense queries instead: JSONL {id, vector: [...]} ("_id" or "qid" also name it), or a vector file (${VECTOR_FORMATS}), searched on --field`,
    )
    .option(
      '--multivector-queries <file>',
      `multi-vector (token) queries instead: JSONL {id, vectors: [[...], ...]}, or a vector file of token rows (${VECTOR_FORMATS}) with --query-offsets, searched by MaxSim on --field`,
    )
    .option(
      '--query-ids <file>',
      'with a --vector-queries or --multivector-queries matrix file: one query id per line (default: the query number)',
    )
    .option(
      '--query-offsets <file>',
      'with a --multivector-queries matrix file: tokens per query, or cumulative offsets (.npy int32/int64, or one number per line)',
    )
    .option(
      '--format <kind>',
      'format of --vector-queries or --multivector-queries when its extension does not tell: jsonl, fvecs, ivecs, bvecs, npy, raw',
    )
    .option(
      '--lucene-scores',
      "with --vector-queries: write Lucene's vector similarity instead of the raw score, as Anserini's runs have it ((1 + dot) / 2 for dot and cosine, 1 / (1 + distance^2) for l2)",
    )
    .option(
      '--field <name>',
      'sparse, dense or multi-vector field for --sparse-queries, --vector-queries or --multivector-queries (default: the only such field)',
    )
    .option(
      '--params <json>',
      'search parameters for --sparse-queries, --vector-queries or --multivector-queries, e.g. \'{"queryCut":10,"heapFactor":0.8}\', \'{"efSearch":200}\' or \'{"candidates":200}\'',
    )
    .option(
      '--spec <file>',
      'with --queries: a query spec template (a file, or inline JSON); every "$query" string in it is replaced by the query text',
    )
    .requiredOption('--output <file>', 'TREC run file to write')
    .option('-k, --k <n>', 'results per query', intOption(1), 1000)
    .option('--tag <name>', 'run tag (sixth column)', 'quarry')
    .option('--fields <names>', 'text fields with optional boosts: title^2,contents')
    .option(
      '--rm3 [json]',
      "BM25 with RM3 pseudo-relevance feedback (Anserini's defaults; optional JSON: fbTerms, fbDocs, originalQueryWeight, maxDocFreqShare) on the one text field, or the one named by --fields",
    )
    .addOption(
      new Option(
        '--syntax <how>',
        'read text queries as bags of words (terms, as Anserini) or in Lucene\'s classic syntax (lucene: "phrases", +must, -not, AND/OR, field:word, prefix*, wild?card, /regexp/, [a TO b], fuzzy~, ^boost)',
      )
        .choices(['terms', 'lucene'])
        .default('terms'),
    )
    .option('--qrels <file>', 'evaluate the run against these judgments (only judged queries are run)')
    .option('-m, --measure <name>', 'measure for --qrels (repeatable; default map, ndcg_cut.10, recall.100, recall.1000, P.30)', collect)
    .option('--precision <n>', 'decimals of scores in the run (Anserini writes 6)', intOption(0), 6)
    .option('--sort-qids', 'write queries in qid order (as integers when every qid is one), as Anserini does, instead of file order')
    .option('--timeout <ms>', 'deadline of each query: one that runs longer stops the run with an error (exit 75)', intOption(1), 60_000)
    .option(
      '--threads <n>',
      'search in this many threads (this one and workers with their own readers: memory for the indexes once per thread); pays off when queries are slow (exact dense, MaxSim, large k), not for a few hundred BM25 queries; not with --spec',
      intOption(1, 256),
      1,
    )
    .option('--json', "print the run's summary (and with --qrels its evaluation, as quarry eval --json) as JSON")
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Example:
  $ quarry run ./scifact-idx --queries scifact/queries.jsonl --qrels scifact/qrels/test.tsv --output bm25.run
  $ quarry run ./cacm-idx --queries cacm/queries.jsonl --qrels cacm/qrels.tsv --rm3 --output bm25-rm3.run
  $ quarry run ./ada2-idx --vector-queries topics.ada2.jsonl --params '{"efSearch":200}' --qrels qrels.tsv --output ada2.run
  $ quarry run ./ada2-flat --vector-queries topics.ada2.jsonl -k 1000 --lucene-scores --tag Anserini --sort-qids --output ada2.run   # Anserini's flat run
  $ quarry run ./colbert --multivector-queries query-tokens.npy --query-offsets query-lens.txt --query-ids qids.txt --qrels qrels.tsv --output colbert.run`,
    )
    .action(
      guarded(async (dir: string, flags: RunFlags, cmd: Command) => {
        checkOptionScopes(cmd, RUN_SCOPES);
        const snap = Collection.open(dir).reader();
        const qrels = flags.qrels !== undefined ? readQrels(flags.qrels) : undefined;
        if (
          [flags.queries, flags.sparseQueries, flags.vectorQueries, flags.multivectorQueries].filter((f) => f !== undefined).length !== 1
        ) {
          throw new QuarryError(
            'BAD_ARGUMENT',
            'give exactly one of --queries, --sparse-queries, --vector-queries and --multivector-queries',
            { field: '--queries' },
          );
        }
        const params = flags.params === undefined ? undefined : parseParamsOption(flags.params, '--params', 'search', '{"efSearch": 200}');
        let done: RunDone;
        if (flags.spec !== undefined) {
          const started = performance.now();
          const template = readQuerySpecOption(flags.spec);
          const run = new RunLines(flags.precision, flags.tag, flags.sortQids ?? false);
          for (const [qid, text] of readQueries(flags.queries!, { topicField: flags.topicField })) {
            if (qrels !== undefined && !qrels.has(qid)) continue;
            const spec = fillQueryTemplate(template, text);
            spec.k = flags.k;
            run.add(qid, (await snap.queryAsync(spec as QuerySpecInput, { includeStored: false, timeoutMs: flags.timeout })).hits);
          }
          done = { queries: run.queryCount, lines: run.write(flags.output), seconds: (performance.now() - started) / 1000 };
        } else {
          const { search, queries, score } = runInputs(snap, flags, params);
          const judged = qrels === undefined ? queries : queries.filter((q) => qrels.has(q.qid));
          const progress = createProgress('searching', judged.length, 'queries', flags.quiet ?? false);
          const started = performance.now();
          let hits: Hit[][];
          try {
            hits = await searchQueries(snap, dir, search, judged, flags.threads, (n) => progress.update(n, n));
          } finally {
            progress.stop();
          }
          const seconds = (performance.now() - started) / 1000;
          const run = new RunLines(flags.precision, flags.tag, flags.sortQids ?? false);
          judged.forEach((q, i) => run.add(q.qid, hits[i]!, score));
          done = { queries: judged.length, lines: run.write(flags.output), seconds };
        }
        const queriesPerSecond = done.queries / done.seconds || 0;
        const report =
          qrels === undefined
            ? undefined
            : evaluateRunFile(qrels, flags.output, { measures: flags.measure ?? ['map', 'ndcg_cut.10', 'recall.100,1000', 'P.30'] });
        if (flags.json) {
          process.stdout.write(
            JSON.stringify({
              output: flags.output,
              ...done,
              queriesPerSecond,
              ...(report === undefined ? {} : { evaluation: reportToJson(report, false) }),
            }) + '\n',
          );
          return;
        }
        process.stderr.write(
          `${done.queries} queries, ${done.lines} lines -> ${flags.output} (${queriesPerSecond.toFixed(0)} queries/s)\n`,
        );
        if (report !== undefined) process.stdout.write(formatTrecEval(report, false));
      }),
    );
}
