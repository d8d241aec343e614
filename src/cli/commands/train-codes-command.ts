/**
 * `quarry train-codes`: trains an ivfpq field's codebook (JPQ or Distill-VQ) or a binary field's
 * binarizer (BEBR) for ranking and commits the field re-encoded with it; new and merged segments
 * are encoded with it from then on.
 */
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { QuarryError } from '../../core/quarry-error.js';
import { readQrels } from '../../eval/qrels.js';
import { FIELD_CODE_METHODS, trainFieldCodes, type FieldCodeMethod, type TrainFieldCodesReport } from '../../train/train-codes.js';
import { asFlagError, guarded, intOption, numberOption } from '../command-options.js';
import { terminalProgress } from '../progress.js';
import { denseFieldOf, readDenseFieldQueries } from '../dense-field-queries.js';

interface Flags {
  field: string;
  method: string;
  queries?: string;
  textQueries?: string;
  format?: string;
  qrels?: string;
  sample?: number;
  epochs?: number;
  learningRate?: number;
  temperature?: number;
  nprobe?: number;
  anisotropy?: number;
  hidden?: number;
  seed: number;
  json?: boolean;
  quiet?: boolean;
}

function text(r: TrainFieldCodesReport): string {
  const start = r.method === 'bebr' ? 'fitted sign' : 'k-means';
  const kept =
    r.bestEpoch === 0
      ? `no epoch beat the ${start} codes on validation, so the codebook holds them (the field is re-encoded all the same)`
      : `epoch ${r.bestEpoch} kept`;
  return (
    [
      `trained ${r.method} codes for ${r.field}: ${r.layout}, ${r.rows.toLocaleString('en-US')} rows, ` +
        `${r.trainQueries.toLocaleString('en-US')} training queries, in ${r.seconds.toFixed(1)} s`,
      `validation ${r.measure} without rescoring (${r.validationQueries} queries): ${start} ${r.initialMetric.toFixed(4)}, trained ${r.metric.toFixed(4)} (${kept})`,
      `committed generation ${r.generation} with codebook version ${r.version}`,
    ].join('\n') + '\n'
  );
}

/** Registers `quarry train-codes`. */
export function registerTrainCodes(program: Command): void {
  program
    .command('train-codes')
    .description(
      "train an ivfpq field's cells and product-quantizer codebooks (JPQ from judged queries, Distill-VQ from the float index's own rankings) or a binary field's binarizer (BEBR) for ranking, and commit the field re-encoded with them",
    )
    .argument('<dir>', 'collection folder')
    .requiredOption('--field <name>', 'the ivfpq or binary field')
    .requiredOption('--method <name>', `${Object.keys(FIELD_CODE_METHODS).join(', ')} (bebr for binary fields)`)
    .option('--queries <file>', 'query vectors: JSONL ({"id": ..., "vector": [...]} per line), .fvecs, .bvecs, .npy or raw float32')
    .option(
      '--text-queries <file>',
      'query texts for a field with an encoder: BEIR queries.jsonl, TSV or TREC topics (ids kept for --qrels)',
    )
    .option('--format <format>', 'format of --queries when its extension does not tell: jsonl, fvecs, ivecs, bvecs, npy, raw')
    .option('--qrels <file>', 'judgments of the queries (JPQ needs them)')
    .option(
      '--sample <n>',
      'distill-vq and bebr without queries: rows drawn as training queries (default min(5000, rows / 4))',
      intOption(1),
    )
    .option('--epochs <n>', 'passes over the queries (default 10; bebr 5)', intOption(1))
    .option('--learning-rate <x>', "Adam's step size (default 0.0005; bebr 0.00002)", numberOption(0))
    .option('--hidden <n>', "bebr: hidden units of each bit plane's encoder (default 64)", intOption(1))
    .option('--temperature <t>', 'softmax temperature of the losses (default 0.05 for unit vectors)', numberOption(0))
    .option('--nprobe <n>', "cells searched for the codes' own rankings while training (default 32)", intOption(1))
    .option(
      '--anisotropy <eta>',
      'weight of the error along each row over the error across it when codes are chosen (ScaNN; default: the best of 1, 2, 4, 8 on validation for cosine and dot fields, 1 for l2)',
      numberOption(1, true),
    )
    .option('--seed <n>', 'seed of the query order and negatives', intOption(), 1)
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress bar and no epoch lines')
    .addHelpText(
      'after',
      `
Example:
  $ quarry train-codes ./vecs --field emb --method distill-vq
  $ quarry train-codes ./scifact --field emb --method jpq --text-queries queries.jsonl --qrels train.tsv
  $ quarry train-codes ./vecs --field bits --method bebr --sample 2000`,
    )
    .action(
      guarded((dir: string, flags: Flags) => {
        if (!(flags.method in FIELD_CODE_METHODS))
          throw new QuarryError(
            'BAD_ARGUMENT',
            `unknown method "${flags.method}"`,
            { field: '--method' },
            `choose from ${Object.keys(FIELD_CODE_METHODS).join(', ')}`,
          );
        if (flags.queries !== undefined && flags.textQueries !== undefined)
          throw new QuarryError('BAD_ARGUMENT', 'give the queries as vectors (--queries) or as texts (--text-queries), not both', {
            field: '--queries',
          });
        if (flags.sample !== undefined && (flags.queries !== undefined || flags.textQueries !== undefined))
          throw new QuarryError('BAD_ARGUMENT', '--sample draws queries from the rows; it has no effect with given queries', {
            field: '--sample',
          });
        const spec = denseFieldOf(Collection.open(dir).schema, flags.field);
        const queries =
          flags.queries === undefined && flags.textQueries === undefined
            ? undefined
            : readDenseFieldQueries(flags.field, spec, flags, true);
        if (flags.qrels !== undefined && queries === undefined)
          throw new QuarryError('BAD_ARGUMENT', '--qrels judges queries: give them with --queries or --text-queries', { field: '--qrels' });
        const log = (line: string): void => {
          if (!flags.quiet && !flags.json) process.stderr.write(line + '\n');
        };
        let report: TrainFieldCodesReport;
        try {
          report = trainFieldCodes({
            dir,
            field: flags.field,
            method: flags.method as FieldCodeMethod,
            hidden: flags.hidden,
            queries,
            qrels: flags.qrels === undefined ? undefined : readQrels(flags.qrels),
            sampleQueries: flags.sample,
            epochs: flags.epochs,
            learningRate: flags.learningRate,
            temperature: flags.temperature,
            nprobe: flags.nprobe,
            anisotropy: flags.anisotropy,
            seed: flags.seed,
            progress: terminalProgress(flags.quiet === true || flags.json === true),
            onEpoch: (e) => log(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, validation ${e.metric.toFixed(4)}`),
          });
        } catch (e) {
          throw asFlagError(e, {
            field: '--field',
            method: '--method',
            queries: '--queries',
            qrels: '--qrels',
            anisotropy: '--anisotropy',
          });
        }
        process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : text(report));
      }),
    );
}
