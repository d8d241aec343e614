/**
 * `quarry adapter`: fit a drift adapter so that a dense field indexed with an
 * old embedding model can be searched with a new model's query vectors.
 */
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { fitFieldAdapter } from '../../collection/drift-adapter-fit.js';
import { writeFieldAdapter } from '../../learn/drift/drift-adapter-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { DRIFT_ADAPTER_KINDS, type DriftAdapterKind } from '../../learn/drift/drift-adapter.js';
import { createProgress, type Progress } from '../progress.js';
import { guarded, intOption } from '../command-options.js';
import { readIdsFile, readVectorMatrix, VECTOR_FORMATS } from '../../io/vector-files.js';

interface AdapterFlags {
  field: string;
  vectors: string;
  ids: string;
  name: string;
  format?: string;
  dim?: number;
  kind: string;
  ridge?: string;
  hidden?: number;
  epochs?: number;
  learningRate?: string;
  seed?: number;
  holdout: string;
  json?: boolean;
  quiet?: boolean;
}

/** Options that belong to one kind. */
const KIND_OPTIONS: Readonly<Record<string, readonly [keyof AdapterFlags, string][]>> = {
  ridge: [['ridge', '--ridge']],
  mlp: [
    ['hidden', '--hidden'],
    ['epochs', '--epochs'],
    ['learningRate', '--learning-rate'],
    ['seed', '--seed'],
  ],
};

function numberFlag(text: string, flag: string): number {
  const v = Number(text);
  if (!Number.isFinite(v)) throw new QuarryError('BAD_ARGUMENT', `expected a number, got "${text}"`, { field: flag });
  return v;
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

/** Registers `quarry adapter`. */
export function registerAdapter(program: Command): void {
  program
    .command('adapter')
    .description(
      "fit a drift adapter: a map from a new embedding model's vectors into a dense field's space, so the field's index serves new-model queries without re-embedding the documents",
    )
    .argument('<dir>', 'collection folder')
    .requiredOption('--field <name>', 'the dense field the adapter maps into')
    .requiredOption('--vectors <file>', `the new model's vectors of a sample of the collection's documents: ${VECTOR_FORMATS}`)
    .requiredOption('--ids <file>', 'the ids of those documents, one per line in row order')
    .requiredOption('--name <name>', 'name to save the adapter under (queries give it as "adapter")')
    .option('--format <fmt>', `format of --vectors when its extension does not say: ${VECTOR_FORMATS}`)
    .option('--dim <n>', 'row length of a raw float32 --vectors file', intOption(1))
    .option(
      '--kind <kind>',
      'procrustes (a rotation: keeps angles, works from few pairs), affine (ridge least squares: more freedom, wants more pairs) or mlp (affine plus a trained non-linear correction)',
      'procrustes',
    )
    .option('--ridge <x>', 'affine and mlp: ridge strength relative to the mean coordinate variance (default 0.01)')
    .option('--hidden <n>', 'mlp: hidden units (default 256)', intOption(1, 4096))
    .option('--epochs <n>', 'mlp: most training epochs; stops earlier when the held-out loss stops improving (default 30)', intOption(1))
    .option('--learning-rate <x>', 'mlp: Adam step size (default 0.001)')
    .option('--seed <n>', 'mlp: seed of the initial weights and batch order (default 42)', intOption())
    .option('--holdout <share>', 'share of the pairs held out to report how well the map works (0 to 0.5)', '0.1')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Example:
  $ quarry adapter ./docs --field emb --vectors sample-v2.npy --ids sample-ids.txt --name v2
  then search with {"retrieve": [{"field": "emb", "vector": [...v2 query...], "adapter": "v2"}]}
The report gives, on the held-out pairs, the mean cosine between a mapped vector and the
document's indexed vector, and how often the mapped vector finds its own document first and
in the top 10. The saved adapter is fitted on all pairs.`,
    )
    .action(
      guarded((dir: string, flags: AdapterFlags) => {
        if (!DRIFT_ADAPTER_KINDS.includes(flags.kind as DriftAdapterKind)) {
          throw new QuarryError('BAD_ARGUMENT', `unknown kind "${flags.kind}"`, { field: '--kind' }, 'use procrustes, affine or mlp');
        }
        for (const [owner, options] of Object.entries(KIND_OPTIONS)) {
          const allowed = owner === 'ridge' ? flags.kind === 'affine' || flags.kind === 'mlp' : flags.kind === owner;
          for (const [key, flag] of options) {
            if (flags[key] !== undefined && !allowed)
              throw new QuarryError('BAD_ARGUMENT', `applies only with --kind ${owner === 'ridge' ? 'affine or mlp' : owner}`, {
                field: flag,
              });
          }
        }
        const learningRate = flags.learningRate === undefined ? undefined : numberFlag(flags.learningRate, '--learning-rate');
        const ridge = flags.ridge === undefined ? undefined : numberFlag(flags.ridge, '--ridge');
        const holdout = numberFlag(flags.holdout, '--holdout');
        const matrix = readVectorMatrix(flags.vectors, flags.format, flags.dim);
        const ids = readIdsFile(flags.ids, matrix.rows, 'vectors');
        const collection = Collection.open(dir);
        const snapshot = collection.reader();
        // The MLP trains twice (on the kept pairs for the report, then on all): one bar per run.
        let progress: Progress | null = null;
        const onEpoch = (epoch: number, epochs: number): void => {
          progress ??= createProgress('training', epochs, 'epochs', flags.quiet ?? false);
          progress.update(epoch, epoch);
          if (epoch === epochs) {
            progress.stop();
            progress = null;
          }
        };
        try {
          const started = performance.now();
          const { adapter, report } = fitFieldAdapter(
            snapshot,
            flags.field,
            matrix.data,
            matrix.dim,
            ids,
            {
              name: flags.name,
              kind: flags.kind as DriftAdapterKind,
              holdout,
              ...(ridge === undefined ? {} : { ridge }),
              ...(flags.hidden === undefined ? {} : { hidden: flags.hidden }),
              ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
              ...(learningRate === undefined ? {} : { learningRate }),
              ...(flags.seed === undefined ? {} : { seed: flags.seed }),
              ...(flags.kind === 'mlp' ? { onEpoch } : {}),
            },
            (row) => ({ file: flags.ids, line: row + 1 }),
          );
          const path = writeFieldAdapter(dir, adapter);
          const seconds = (performance.now() - started) / 1000;
          const summary = {
            name: adapter.name,
            field: adapter.field,
            kind: adapter.kind,
            inputDim: adapter.inputDim,
            outputDim: adapter.outputDim,
            file: path,
            seconds,
            ...report,
          };
          if (flags.json === true) process.stdout.write(JSON.stringify(summary) + '\n');
          else {
            const lines = [
              `fitted ${adapter.kind} adapter "${adapter.name}" (${adapter.inputDim} → ${adapter.outputDim} dimensions) on ${report.pairs} pairs in ${seconds.toFixed(1)} s; saved to ${path}`,
              report.heldOut === 0
                ? 'no pairs held out (too few for --holdout): nothing to report'
                : `held-out pairs (${report.heldOut}): mean cosine ${report.meanCosine!.toFixed(4)}; own document first ${pct(report.selfAt1)}, in the top 10 ${pct(report.selfAt10)}`,
            ];
            if (report.unmapped !== null)
              lines.push(
                `without the adapter: mean cosine ${report.unmapped.meanCosine.toFixed(4)}; own document first ${pct(report.unmapped.selfAt1)}, in the top 10 ${pct(report.unmapped.selfAt10)}`,
              );
            process.stdout.write(lines.join('\n') + '\n');
          }
        } finally {
          (progress as Progress | null)?.stop();
          snapshot.close();
        }
      }),
    );
}
