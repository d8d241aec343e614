/**
 * `quarry train`: trains a static dense encoder on a corpus (ICT and BFS
 * pre-training) and, when given, judged queries (hard negatives, losses,
 * distillation), and writes a Model2Vec folder a dense field's
 * `{"type": "model2vec"}` encoder loads.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { QuarryError } from '../../core/quarry-error.js';
import { LOSS_NAMES } from '../../learn/losses/loss-registry.js';
import { PRETRAINING_TASKS } from '../../learn/retriever-training/pretraining-tasks.js';
import { NEGATIVE_SOURCES, trainRetriever, type TrainRetrieverReport } from '../../train/train-retriever.js';
import { asFlagError, guarded, intOption, numberOption } from '../command-options.js';
import { terminalProgress } from '../progress.js';

interface TrainFlags {
  corpus: string;
  output: string;
  queries?: string;
  qrels?: string;
  devQrels?: string;
  devShare?: number;
  task: string;
  loss: string;
  negatives?: string;
  teacher?: string;
  falseNegatives?: number;
  zLoss?: number;
  temperature?: number;
  dim?: number;
  epochs?: number;
  pretrainEpochs?: number;
  batchSize?: number;
  hardNegatives?: number;
  learningRate?: number;
  weightLearningRate?: number;
  weightDecay?: number;
  patience?: number;
  seed: number;
  tokenizer?: string;
  vectors?: string;
  minCount?: number;
  json?: boolean;
  quiet?: boolean;
}

/** The library's option names and the flags that set them, so its errors name the flag. */
const FLAG_OF: Readonly<Record<string, string>> = {
  loss: '--loss',
  task: '--task',
  negatives: '--negatives',
  teacher: '--teacher',
  dim: '--dim',
  queries: '--queries',
  qrels: '--qrels',
  corpus: '--corpus',
  falseNegatives: '--false-negatives',
  devShare: '--dev-share',
};

const list = (s: string | undefined): string[] | undefined =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '' && x !== 'none');

function summaryText(r: TrainRetrieverReport): string {
  const lines = [
    `trained on ${r.documents.toLocaleString('en-US')} documents${r.trainQueries > 0 ? ` and ${r.trainQueries.toLocaleString('en-US')} judged queries` : ''} in ${r.seconds.toFixed(1)} s (peak memory ${(r.peakRss / 2 ** 20).toFixed(0)} MiB)`,
    `wrote ${r.output}: vocabulary ${r.vocabulary.toLocaleString('en-US')}, ${r.dim} dimensions`,
  ];
  if (r.best !== undefined)
    lines.push(
      `dev nDCG@10 ${r.initial!.toFixed(4)} before fine-tuning, best ${r.best.metric.toFixed(4)} at epoch ${r.best.epoch} (kept)${r.stoppedEarly ? '; stopped early' : ''}`,
    );
  lines.push(
    `use it in a schema: {"type": "dense", "dim": ${r.dim}, "metric": "cosine", "encoder": {"type": "model2vec", "path": "${r.output}", "from": ["title", "text"]}}`,
  );
  return lines.join('\n') + '\n';
}

/** Registers `quarry train`. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a dense retriever (a static encoder) on a corpus and, optionally, judged queries; writes a Model2Vec folder')
    .requiredOption('--corpus <path>', 'documents: JSONL of {"_id", "title", "text"} (BEIR), TREC files, or a folder of them')
    .requiredOption('--output <dir>', 'folder to write the model to (config.json, tokenizer.json, model.safetensors)')
    .option('--queries <file>', 'queries of the judgments (BEIR queries.jsonl, TSV or TREC topics)')
    .option('--qrels <file>', 'training judgments (BEIR or TREC qrels)')
    .option('--dev-qrels <file>', 'validation judgments over --queries: nDCG@10 after each epoch, early stopping, best epoch kept')
    .option(
      '--dev-share <x>',
      'without --dev-qrels: share of the judged queries held out to validate (default 0.1 from 50 queries)',
      numberOption(0, true),
    )
    .option('--task <names>', `pre-training tasks on the corpus: ${PRETRAINING_TASKS.join(', ')} (comma-separated) or none`, 'ict,bfs')
    .option('--loss <names>', `losses, summed: ${LOSS_NAMES.join(', ')}`, 'infonce')
    .option('--negatives <names>', `hard negatives for judged queries: ${NEGATIVE_SOURCES.join(', ')} or none (default bm25)`)
    .option(
      '--teacher <name>',
      'teacher for listwise-kl and --false-negatives: bm25, or a cross-encoder model folder (run by @huggingface/transformers)',
    )
    .option('--false-negatives <ratio>', "ignore negatives the teacher scores at least ratio x the query's positive", numberOption(0))
    .option('--z-loss <weight>', 'add z-loss with this weight', numberOption(0))
    .option('--temperature <t>', 'softmax temperature of the losses (default 0.05)', numberOption(0))
    .option('--dim <n>', 'vector dimensions (default 256, or the --vectors dimension)', intOption(1, 4096))
    .option('--epochs <n>', 'fine-tuning passes over the judged queries (default 10)', intOption(0))
    .option('--pretrain-epochs <n>', 'pre-training passes over the corpus (default 1 with judgments, 3 without)', intOption(0))
    .option('--batch-size <n>', 'queries per step (default 64)', intOption(2))
    .option('--hard-negatives <n>', 'hard negatives per query per step (default 4)', intOption(1))
    .option('--learning-rate <x>', 'peak learning rate of the embedding rows (default 0.003)', numberOption(0))
    .option('--weight-learning-rate <x>', 'peak learning rate of the pooling weights (default 0.05)', numberOption(0))
    .option('--weight-decay <x>', 'decoupled weight decay of the rows (default 0)', numberOption(0, true))
    .option('--patience <n>', 'epochs without a better dev nDCG@10 before stopping (default 3)', intOption(1))
    .option('--seed <n>', 'seed of the initial rows and the example order', intOption(), 1)
    .option('--tokenizer <file>', 'a BERT WordPiece tokenizer.json to use instead of a word vocabulary counted from the corpus')
    .option('--vectors <file>', 'word vectors (GloVe text format) to start from')
    .option('--min-count <n>', 'fewest occurrences of a word in the vocabulary (default 2)', intOption(1))
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress bar and no epoch lines')
    .addHelpText(
      'after',
      `
Example:
  $ quarry train --corpus scifact/corpus.jsonl --output ./scifact-model
  $ quarry train --corpus scifact/corpus.jsonl --queries scifact/queries.jsonl --qrels scifact/qrels/train.tsv \\
      --negatives bm25,dynamic --loss infonce --dim 256 --output ./scifact-model
With only --corpus and --output it pre-trains on the corpus (ICT: a sentence finds its passage;
BFS: a title finds its body). Then index with the model:
  {"type": "dense", "dim": 256, "metric": "cosine", "encoder": {"type": "model2vec", "path": "./scifact-model", "from": ["title", "text"]}}`,
    )
    .action(
      guarded(async (flags: TrainFlags) => {
        if (flags.teacher !== undefined && flags.teacher !== 'bm25' && !existsSync(flags.teacher))
          throw new QuarryError(
            'BAD_ARGUMENT',
            `unknown teacher "${flags.teacher}"`,
            { field: '--teacher' },
            'use bm25 or a cross-encoder model folder',
          );
        const log = (line: string): void => {
          if (!flags.quiet && !flags.json) process.stderr.write(line + '\n');
        };
        let report: TrainRetrieverReport;
        try {
          report = await trainRetriever({
            corpus: flags.corpus,
            output: flags.output,
            queries: flags.queries,
            qrels: flags.qrels,
            devQrels: flags.devQrels,
            devShare: flags.devShare,
            tasks: list(flags.task),
            loss: list(flags.loss),
            negatives: list(flags.negatives),
            teacher: flags.teacher === undefined ? undefined : flags.teacher === 'bm25' ? 'bm25' : { crossEncoder: flags.teacher },
            falseNegatives: flags.falseNegatives === undefined ? undefined : { ratio: flags.falseNegatives },
            lossOptions: { temperature: flags.temperature, zLoss: flags.zLoss },
            dim: flags.dim,
            epochs: flags.epochs,
            pretrainEpochs: flags.pretrainEpochs,
            batchSize: flags.batchSize,
            hardNegatives: flags.hardNegatives,
            learningRate: flags.learningRate,
            weightLearningRate: flags.weightLearningRate,
            weightDecay: flags.weightDecay,
            patience: flags.patience,
            seed: flags.seed,
            tokenizer: flags.tokenizer,
            vectors: flags.vectors,
            minCount: flags.minCount,
            progress: terminalProgress(flags.quiet === true || flags.json === true),
            onEpoch: (r) =>
              log(
                `${r.phase === 'pretrain' ? 'pre-training' : 'fine-tuning'} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}${r.metric === undefined ? '' : `, dev nDCG@10 ${r.metric.toFixed(4)}`} (${r.seconds.toFixed(1)} s)`,
              ),
          });
        } catch (e) {
          throw asFlagError(e, FLAG_OF);
        }
        process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : summaryText(report));
      }),
    );
}
