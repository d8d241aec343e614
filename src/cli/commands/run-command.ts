/** `quarry run`: batch retrieval into a TREC run file, optionally evaluated. */
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { evaluateRunFile, formatTrecEval, readQrels } from '../../eval/index.js';
import { collect, guarded, intOption } from '../run-command.js';
import { runQueries } from './run-queries.js';
import { parseSparseValue } from '../../collection/document.js';
import { forEachJsonObject } from '../../io/jsonl.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../io/quarry-error.js';
import { readQueries } from '../../io/beir.js';
import { readFileSync } from 'node:fs';
import { parseFieldBoosts, pickField, rm3Option } from './search-command.js';
import { fillQueryTemplate } from '../../search/query-spec.js';
import { checkOptionScopes, type OptionScope } from '../option-scope.js';

interface RunFlags {
  queries?: string;
  sparseQueries?: string;
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
}

/** Which run options go together: text queries (plain or through a spec) or sparse queries. */
const RUN_SCOPES: readonly OptionScope[] = [
  { option: 'field', with: ['sparseQueries'], hint: 'text queries take --fields' },
  { option: 'params', with: ['sparseQueries'], hint: 'text queries have none; in a --spec template, params go in its legs' },
  { option: 'spec', with: ['queries'] },
  { option: 'fields', with: ['queries'], without: ['spec'], hint: 'a query spec names fields in its legs' },
  { option: 'measure', with: ['qrels'] },
  { option: 'rm3', with: ['queries'], without: ['spec'], hint: 'RM3 expands text queries' },
];

/** Registers `quarry run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('search every query of a file and write a TREC run; with --qrels, evaluate it too')
    .argument('<dir>', 'collection folder')
    .option('--queries <file>', 'queries: BEIR queries.jsonl (_id, text) or TSV (qid<TAB>text)')
    .option('--sparse-queries <file>', 'learned-sparse queries instead: JSONL {id, vector: {token: weight}} (Seismic format), searched on --field')
    .option('--field <name>', 'sparse field for --sparse-queries (default: the only sparse field)')
    .option('--params <json>', 'search parameters for --sparse-queries, e.g. \'{"queryCut":10,"heapFactor":0.8}\'')
    .option('--spec <file>', 'with --queries: a query spec template; every "$query" string in it is replaced by the query text')
    .requiredOption('--output <file>', 'TREC run file to write')
    .option('-k, --k <n>', 'results per query', intOption(1), 1000)
    .option('--tag <name>', 'run tag (sixth column)', 'quarry')
    .option('--fields <names>', 'text fields with optional boosts: title^2,contents')
    .option('--rm3 [json]', 'BM25 with RM3 pseudo-relevance feedback (Anserini\'s defaults; optional JSON: fbTerms, fbDocs, originalQueryWeight, maxDocFreqShare) on the one text field, or the one named by --fields')
    .option('--qrels <file>', 'evaluate the run against these judgments (only judged queries are run)')
    .option('-m, --measure <name>', 'measure for --qrels (repeatable; default map, ndcg_cut.10, recall.100, recall.1000)', collect)
    .option('--precision <n>', 'decimals of scores in the run (Anserini writes 6)', intOption(0), 6)
    .option('--quiet', 'no progress bar')
    .addHelpText('after', `
Example:
  $ quarry run ./scifact-idx --queries scifact/queries.jsonl --qrels scifact/qrels/test.tsv --output bm25.run
  $ quarry run ./cacm-idx --queries cacm/queries.jsonl --qrels cacm/qrels.tsv --rm3 --output bm25-rm3.run`)
    .action(guarded(async (dir: string, flags: RunFlags, cmd: Command) => {
      checkOptionScopes(cmd, RUN_SCOPES);
      const snap = Collection.open(dir).reader();
      const qrels = flags.qrels !== undefined ? readQrels(flags.qrels) : undefined;
      if ((flags.queries === undefined) === (flags.sparseQueries === undefined)) {
        throw new QuarryError('BAD_ARGUMENT', 'give exactly one of --queries and --sparse-queries', { field: '--queries' });
      }
      if (flags.sparseQueries !== undefined) {
        const field = pickField(snap.schema.fields, 'sparse', flags.field);
        let params: Record<string, number> | undefined;
        if (flags.params !== undefined) {
          try {
            params = JSON.parse(flags.params) as Record<string, number>;
          } catch (e) {
            throw new QuarryError('BAD_ARGUMENT', `not valid JSON: ${(e as Error).message}`, { field: '--params' });
          }
        }
        const lines: string[] = [];
        forEachJsonObject(flags.sparseQueries, (rec, line) => {
          const qid = String(rec.id ?? rec._id ?? '');
          if (qid === '') throw new QuarryError('BAD_INPUT', 'query has no "id"', { file: flags.sparseQueries, line });
          if (qrels !== undefined && !qrels.has(qid)) return;
          const v = parseSparseValue(rec.vector, { file: flags.sparseQueries, line, field: 'vector' });
          snap.searchSparse(field, v, { k: flags.k, params, includeStored: false }).forEach((h, i) => lines.push(`${qid} Q0 ${h.id} ${i + 1} ${h.score.toFixed(flags.precision)} ${flags.tag}`));
        });
        writeFileAtomic(flags.output, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
        process.stderr.write(`${lines.length} lines -> ${flags.output}\n`);
      } else if (flags.spec !== undefined) {
        let template: unknown;
        try {
          template = JSON.parse(readFileSync(flags.spec, 'utf8'));
        } catch (e) {
          throw new QuarryError('BAD_ARGUMENT', `cannot read query spec: ${(e as Error).message}`, { file: flags.spec });
        }
        const lines: string[] = [];
        for (const [qid, text] of readQueries(flags.queries!)) {
          if (qrels !== undefined && !qrels.has(qid)) continue;
          const spec = fillQueryTemplate(template, text);
          spec.k = flags.k;
          (await snap.queryAsync(spec, { includeStored: false })).hits.forEach((h, i) => lines.push(`${qid} Q0 ${h.id} ${i + 1} ${h.score.toFixed(flags.precision)} ${flags.tag}`));
        }
        writeFileAtomic(flags.output, lines.join('\n') + (lines.length > 0 ? '\n' : ''));
        process.stderr.write(`${lines.length} lines -> ${flags.output}\n`);
      } else {
        const r = runQueries(snap, flags.queries!, flags.output, {
          k: flags.k,
          tag: flags.tag,
          fields: flags.fields === undefined || flags.rm3 !== undefined ? undefined : parseFieldBoosts(flags.fields),
          rm3: flags.rm3 === undefined ? undefined : rm3Option(snap.schema.fields, flags.rm3, flags.fields),
          only: qrels === undefined ? undefined : new Set(qrels.keys()),
          quiet: flags.quiet,
          precision: flags.precision,
        });
        process.stderr.write(`${r.queries} queries, ${r.lines} lines -> ${flags.output} (${((r.queries / r.seconds) || 0).toFixed(0)} queries/s)\n`);
      }
      if (qrels !== undefined) {
        const measures = flags.measure ?? ['map', 'ndcg_cut.10', 'recall.100,1000', 'P.30'];
        process.stdout.write(formatTrecEval(evaluateRunFile(qrels, flags.output, { measures }), false));
      }
    }));
}
