/**
 * `quarry train-adapter`: trains a query-side map (ADORE) for a dense field
 * against its index as it is, from judged queries, and saves it as one of
 * the collection's adapters, named by query legs.
 */
import type { Command } from 'commander';
import { trainFieldQueryAdapter, type TrainQueryAdapterReport } from '../../train/train-query-adapter.js';
import { asFlagError, guarded, intOption, numberOption } from '../command-options.js';
import { terminalProgress } from '../progress.js';
import { pickField } from './search-command.js';
import { Collection } from '../../collection/collection.js';

interface Flags {
  field?: string;
  queries: string;
  qrels: string;
  devQrels?: string;
  name: string;
  loss: string;
  epochs?: number;
  batchSize?: number;
  hardNegatives?: number;
  learningRate?: number;
  temperature?: number;
  patience?: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
}

function text(r: TrainQueryAdapterReport): string {
  const lines = [
    `trained adapter "${r.name}" for field ${r.field} on ${r.trainQueries.toLocaleString('en-US')} queries in ${r.seconds.toFixed(1)} s`,
  ];
  if (r.best !== undefined)
    lines.push(
      `dev nDCG@10 ${r.initial!.toFixed(4)} with the encoder alone, ${r.best.metric.toFixed(4)} with the adapter (epoch ${r.best.epoch}, kept)`,
    );
  lines.push(`use it in a query leg: {"field": "${r.field}", "text": "...", "adapter": "${r.name}"}`);
  return lines.join('\n') + '\n';
}

/** Registers `quarry train-adapter`. */
export function registerTrainAdapter(program: Command): void {
  program
    .command('train-adapter')
    .description(
      "train a query-side map for a dense field against its index as it is (ADORE), from judged queries; saved with the collection's adapters",
    )
    .argument('<dir>', 'collection folder')
    .option('--field <name>', 'dense field with an encoder (default: the only dense field)')
    .requiredOption('--queries <file>', 'queries (BEIR queries.jsonl, TSV or TREC topics)')
    .requiredOption('--qrels <file>', 'training judgments')
    .option('--dev-qrels <file>', 'validation judgments over --queries: nDCG@10 after each epoch, early stopping, best epoch kept')
    .option('--name <name>', 'adapter name queries give as "adapter"', 'adore')
    .option('--loss <names>', 'losses, summed: infonce, auc, multi-similarity, harmonic', 'infonce')
    .option('--epochs <n>', 'passes over the queries (default 20)', intOption(1))
    .option('--batch-size <n>', 'queries per step (default 32)', intOption(1))
    .option('--hard-negatives <n>', 'negatives from the index per query per step (default 32)', intOption(0))
    .option('--learning-rate <x>', "Adam's step size (default 0.0001)", numberOption(0))
    .option('--temperature <t>', 'softmax temperature of the losses (default 0.05)', numberOption(0))
    .option('--patience <n>', 'epochs without a better dev nDCG@10 before stopping (default 3)', intOption(1))
    .option('--seed <n>', 'seed of the example order', intOption(), 1)
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress bar and no epoch lines')
    .addHelpText(
      'after',
      `
Example:
  $ quarry train-adapter ./scifact --field emb --queries queries.jsonl --qrels train.tsv --dev-qrels dev.tsv --name adore
  $ quarry search ./scifact --spec '{"retrieve": [{"field": "emb", "text": "statins lower cholesterol", "adapter": "adore"}]}'`,
    )
    .action(
      guarded(async (dir: string, flags: Flags) => {
        const snap = Collection.open(dir).reader();
        let field: string;
        try {
          field = pickField(snap.schema.fields, 'dense', flags.field);
        } finally {
          snap.close();
        }
        const log = (line: string): void => {
          if (!flags.quiet && !flags.json) process.stderr.write(line + '\n');
        };
        let report: TrainQueryAdapterReport;
        try {
          report = await trainFieldQueryAdapter({
            dir,
            field,
            queries: flags.queries,
            qrels: flags.qrels,
            devQrels: flags.devQrels,
            name: flags.name,
            loss: flags.loss.split(',').map((s) => s.trim()),
            lossOptions: { temperature: flags.temperature },
            epochs: flags.epochs,
            batchSize: flags.batchSize,
            hardNegatives: flags.hardNegatives,
            learningRate: flags.learningRate,
            patience: flags.patience,
            seed: flags.seed,
            progress: terminalProgress(flags.quiet === true || flags.json === true),
            onEpoch: (r) =>
              log(`epoch ${r.epoch}: loss ${r.loss.toFixed(4)}${r.metric === undefined ? '' : `, dev nDCG@10 ${r.metric.toFixed(4)}`}`),
          });
        } catch (e) {
          throw asFlagError(e, { loss: '--loss', name: '--name' });
        }
        process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : text(report));
      }),
    );
}
