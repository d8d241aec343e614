/** `quarry calibrate`: fit a relevance calibration on judged queries and save it with the collection. */
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { writeCalibration } from '../../collection/calibration-file.js';
import { calibrationExamples } from '../../collection/calibration-examples.js';
import { textFields } from '../../collection/schema.js';
import { readQrels } from '../../eval/index.js';
import { readQueries } from '../../io/beir.js';
import { readQuerySpecOption } from '../../io/json-option.js';
import { QuarryError } from '../../core/quarry-error.js';
import { calibrationLoss, fitCalibration } from '../../search/calibration.js';
import { guarded, intOption } from '../command-options.js';

/** Registers `quarry calibrate`. */
export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      'fit a query-dependent map from scores to probability of relevance (for filter.minRelevance) and save it with the collection',
    )
    .argument('<dir>', 'collection folder')
    .requiredOption('--queries <file>', 'queries (BEIR JSONL, TSV or TREC topics)')
    .option('--topic-field <fields>', 'with TREC topics: the field(s) searched, e.g. title or title+description')
    .requiredOption('--qrels <file>', 'judgments of those queries (TREC or BEIR)')
    .option(
      '--spec <file>',
      'query spec template ("$query" replaced by each query), the same one searches will use (default: BM25 on the first text field)',
    )
    .option('--depth <n>', 'candidates per query used as features and training pairs', intOption(1), 100)
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry calibrate ./scifact --queries scifact/queries.jsonl --qrels scifact/qrels/train.tsv
  then search with {"retrieve": [...], "filter": {"minRelevance": 0.3}}`,
    )
    .action(
      guarded(
        (dir: string, flags: { queries: string; topicField?: string; qrels: string; spec?: string; depth: number; json?: boolean }) => {
          const c = Collection.open(dir);
          let template: Record<string, unknown>;
          if (flags.spec !== undefined) template = readQuerySpecOption(flags.spec) as Record<string, unknown>;
          else {
            const field = textFields(c.schema)[0]?.[0];
            if (field === undefined)
              throw new QuarryError(
                'BAD_ARGUMENT',
                'the collection has no text field for the default spec',
                { field: '--spec' },
                'give --spec with a template',
              );
            template = { retrieve: [{ field, text: '$query' }] };
          }
          const qrels = readQrels(flags.qrels);
          const examples = calibrationExamples(
            c.reader(),
            readQueries(flags.queries, { topicField: flags.topicField }),
            qrels,
            template,
            flags.depth,
          );
          if (examples.length === 0)
            throw new QuarryError('EMPTY', 'no query of the queries file is judged in the qrels', { file: flags.qrels });
          const model = fitCalibration(examples, { depth: flags.depth, spec: template });
          writeCalibration(dir, model);
          const pairs = examples.reduce((a, e) => a + e.scores.length, 0);
          const positives = examples.reduce((a, e) => a + e.labels.reduce((x, y) => x + y, 0), 0);
          const summary = { dir, queries: examples.length, pairs, positives, logLoss: calibrationLoss(model, examples) };
          process.stdout.write(
            flags.json
              ? JSON.stringify(summary) + '\n'
              : `fitted on ${summary.queries} queries (${pairs} candidates, ${positives} relevant); log loss ${summary.logLoss.toFixed(4)}; saved to ${dir}/calibration.json\n`,
          );
        },
      ),
    );
}
