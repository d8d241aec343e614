/**
 * `quarry semantic-ids`: fits a residual quantizer (or an RQ-VAE, or a DSI
 * cluster tree) on a dense field's vectors (or on a vector file) and writes every document's semantic id, the tuple a
 * generative retriever is trained to emit.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { ioError } from '../../io/atomic-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { readResidualQuantizer, writeResidualQuantizer } from '../../learn/semantic-ids/residual-quantizer-file.js';
import { readHierarchy, writeHierarchy } from '../../learn/semantic-ids/hierarchical-ids-file.js';
import type { SemanticIdStats } from '../../learn/semantic-ids/semantic-ids.js';
import { readRqVae, writeRqVae } from '../../learn/semantic-ids/rq-vae-file.js';
import {
  assignSemanticIds,
  SEMANTIC_ID_METHODS,
  type SemanticIdAssignment,
  type SemanticIdAssignmentOptions,
  type SemanticIdMethod,
} from '../../learn/semantic-ids/assign-semantic-ids.js';
import { checkOptionScopes, givenOnCommandLine, type OptionScope } from '../option-scope.js';
import { terminalProgress } from '../progress.js';
import { guarded, intListOption, intOption, numberOption } from '../command-options.js';
import { readIdsFile, readVectorMatrix, VECTOR_FORMATS } from '../../io/vector-files.js';
import { pickField } from './search-command.js';
import { countedNoun } from '../counted-noun.js';

interface SemanticIdFlags {
  field?: string;
  vectors?: string;
  format?: string;
  dim?: number;
  ids?: string;
  levels: number;
  codebook: number;
  iterations: number;
  trainRows: number;
  seed: number;
  hidden: number[];
  latent: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  beta: number;
  model?: string;
  saveModel?: string;
  normalize?: boolean;
  quantizer?: string;
  saveQuantizer?: string;
  tree?: string;
  saveTree?: string;
  method: string;
  branching: number;
  leafSize: number;
  output?: string;
  json?: boolean;
  quiet?: boolean;
}

const SCOPES: readonly OptionScope[] = [
  { option: 'field', without: ['vectors'] },
  { option: 'format', with: ['vectors'] },
  { option: 'dim', with: ['vectors'] },
  { option: 'ids', with: ['vectors'], hint: 'a collection has its own ids' },
  {
    option: 'quantizer',
    without: ['levels', 'codebook', 'iterations', 'trainRows', 'seed', 'saveQuantizer'],
    hint: 'a saved quantizer has its own codebooks',
  },
  {
    option: 'tree',
    without: ['branching', 'leafSize', 'iterations', 'trainRows', 'seed', 'saveTree'],
    hint: 'a saved tree has its own clusters',
  },
  {
    option: 'model',
    without: [
      'levels',
      'codebook',
      'iterations',
      'trainRows',
      'seed',
      'saveModel',
      'hidden',
      'latent',
      'epochs',
      'batchSize',
      'learningRate',
      'beta',
    ],
    hint: 'a saved model has its own networks and codebooks',
  },
];

/** The vectors to code and their ids: a collection's dense field or a vector file. */
function loadInput(dir: string | undefined, flags: SemanticIdFlags): { ids: string[]; dim: number; rows: Float32Array; source: string } {
  if (flags.vectors !== undefined) {
    if (dir !== undefined) throw new QuarryError('BAD_ARGUMENT', 'give a collection folder or --vectors, not both', { field: '--vectors' });
    const m = readVectorMatrix(flags.vectors, flags.format, flags.dim);
    const ids = flags.ids === undefined ? Array.from({ length: m.rows }, (_, r) => String(r)) : readIdsFile(flags.ids, m.rows, 'vectors');
    return { ids, dim: m.dim, rows: m.data, source: flags.vectors };
  }
  if (dir === undefined) throw new QuarryError('BAD_ARGUMENT', 'give a collection folder (with --field) or --vectors', { field: 'dir' });
  const snapshot = Collection.open(dir).reader();
  try {
    const field = pickField(snapshot.schema.fields, 'dense', flags.field);
    return { ...snapshot.denseVectors(field), source: `${dir} (${field})` };
  } finally {
    snapshot.close();
  }
}

/** One JSON line per document: `{"id": ..., "semanticId": [tokens]}`. */
function idLines(ids: readonly string[], tokensOf: (r: number) => Uint32Array): string {
  const parts: string[] = [];
  for (let r = 0; r < ids.length; r++) parts.push(`{"id":${JSON.stringify(ids[r])},"semanticId":[${tokensOf(r).join(',')}]}\n`);
  return parts.join('');
}

function describeResidual(summary: Record<string, unknown>, s: SemanticIdStats): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const lines = [
    `${s.rows.toLocaleString('en-US')} vectors from ${String(summary.source)}: ${countedNoun(s.levels, 'level')} + 1 collision token`,
    `distinct codes ${s.distinctCodes.toLocaleString('en-US')}; ${s.collidingRows.toLocaleString('en-US')} rows share theirs (largest group ${s.largestGroup}, collision tokens 0..${Math.max(0, s.largestGroup - 1)})`,
    `codewords used per level: ${s.usedCodewords.join(' / ')}; perplexity ${s.perplexity.map((p) => p.toFixed(1)).join(' / ')}`,
    `distinct prefixes by depth: ${s.distinctPrefixes.map((p) => p.toLocaleString('en-US')).join(' / ')}`,
  ];
  if (s.relativeResidual.length > 0) lines.push(`unexplained energy after each level: ${s.relativeResidual.slice(1).map(pct).join(' / ')}`);
  return lines.join('\n') + '\n';
}

/** The library's option names and the flags that set them. */
const FLAG_OF: Readonly<Record<string, string>> = {
  field: '--field',
  levels: '--levels',
  codebookSize: '--codebook',
  iterations: '--iterations',
  maxTrainRows: '--train-rows',
  branching: '--branching',
  leafSize: '--leaf-size',
  hidden: '--hidden',
  latent: '--latent',
  epochs: '--epochs',
  batchSize: '--batch-size',
  learningRate: '--learning-rate',
  beta: '--beta',
  tree: '--tree',
};

/** Re-labels a library error about an option (e.g. a codebook larger than the input) with the flag that set it. */
function asFlagError(e: unknown): unknown {
  if (!(e instanceof QuarryError)) return e;
  const flag = e.location.field === undefined ? undefined : FLAG_OF[e.location.field];
  if (flag === undefined) return e;
  let message = e.message.slice(`${e.location.field}: `.length);
  if (e.hint !== undefined) message = message.slice(0, -` (${e.hint})`.length);
  const rename = (text: string): string =>
    text.replace(
      /\b(levels|codebookSize|iterations|maxTrainRows|branching|leafSize|hidden|latent|epochs|batchSize|learningRate|beta)\b/g,
      (name) => FLAG_OF[name]!,
    );
  return new QuarryError(e.code, rename(message), { field: flag }, e.hint === undefined ? undefined : rename(e.hint));
}

const METHODS = SEMANTIC_ID_METHODS;

/** Options that belong to some methods only, and those methods. */
const OPTION_METHODS: Readonly<Record<string, readonly (typeof METHODS)[number][]>> = {
  levels: ['residual', 'rq-vae'],
  codebook: ['residual', 'rq-vae'],
  quantizer: ['residual'],
  saveQuantizer: ['residual'],
  hidden: ['rq-vae'],
  latent: ['rq-vae'],
  epochs: ['rq-vae'],
  batchSize: ['rq-vae'],
  learningRate: ['rq-vae'],
  beta: ['rq-vae'],
  model: ['rq-vae'],
  saveModel: ['rq-vae'],
  branching: ['hierarchical'],
  leafSize: ['hierarchical'],
  tree: ['hierarchical'],
  saveTree: ['hierarchical'],
};

/** What the command prints and writes for an assignment: every row's tokens and a summary. */
interface Assigned {
  tokensOf: (r: number) => Uint32Array;
  summary: Record<string, unknown>;
  text: (summary: Record<string, unknown>) => string;
}

/** The library's options for the flags' method (files named by --quantizer, --model or --tree read here). */
function assignmentOptions(method: SemanticIdMethod, flags: SemanticIdFlags): SemanticIdAssignmentOptions {
  const common = {
    normalize: flags.normalize === true,
    seed: flags.seed,
    iterations: flags.iterations,
    maxTrainRows: flags.trainRows,
    progress: terminalProgress(flags.quiet),
  };
  if (method === 'residual')
    return {
      method,
      ...common,
      levels: flags.levels,
      codebookSize: flags.codebook,
      ...(flags.quantizer === undefined ? {} : { quantizer: readResidualQuantizer(flags.quantizer) }),
    };
  if (method === 'rq-vae')
    return {
      method,
      ...common,
      levels: flags.levels,
      codebookSize: flags.codebook,
      hidden: flags.hidden,
      latent: flags.latent,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      learningRate: flags.learningRate,
      beta: flags.beta,
      ...(flags.model === undefined ? {} : { model: readRqVae(flags.model) }),
    };
  return {
    method,
    ...common,
    branching: flags.branching,
    leafSize: flags.leafSize,
    ...(flags.tree === undefined ? {} : { tree: readHierarchy(flags.tree) }),
  };
}

/** Saves what was fitted where the flags ask, and describes the assignment. */
function describeAssignment(a: SemanticIdAssignment, dim: number, flags: SemanticIdFlags): Assigned {
  if (a.method === 'residual') {
    if (flags.saveQuantizer !== undefined) writeResidualQuantizer(flags.saveQuantizer, a.quantizer);
    return {
      tokensOf: a.tokensOf,
      summary: {
        method: 'residual',
        codebookSize: a.quantizer.codebookSize,
        ...a.stats,
        ...(flags.saveQuantizer === undefined ? {} : { quantizer: flags.saveQuantizer }),
      },
      text: (summary) => describeResidual(summary, a.stats),
    };
  }
  if (a.method === 'rq-vae') {
    if (flags.saveModel !== undefined) writeRqVae(flags.saveModel, a.model);
    const q = a.model.quantizer;
    const last = a.lastEpoch;
    const training =
      last === null
        ? {}
        : { epochs: last.epochs, relativeReconstruction: last.relativeReconstruction, resetCodewords: last.resetCodewords };
    return {
      tokensOf: a.tokensOf,
      summary: {
        method: 'rq-vae',
        codebookSize: q.codebookSize,
        latent: q.dim,
        ...training,
        ...a.stats,
        ...(flags.saveModel === undefined ? {} : { model: flags.saveModel }),
      },
      text: (summary) =>
        (last === null
          ? ''
          : `trained ${countedNoun(last.epochs, 'epoch')}; in the last, the decoder missed ${(100 * last.relativeReconstruction).toFixed(1)}% of the training vectors' energy\n`) +
        describeResidual(summary, a.stats).replace(
          'unexplained energy after each level',
          `unexplained energy of the ${q.dim}-d latents after each level`,
        ),
    };
  }
  if (flags.saveTree !== undefined) writeHierarchy(flags.saveTree, a.tree, dim);
  const s = a.stats;
  const ways = flags.tree === undefined ? { branching: flags.branching, leafSize: flags.leafSize } : { tree: flags.tree };
  return {
    tokensOf: a.tokensOf,
    summary: { method: 'hierarchical', ...ways, ...s, ...(flags.saveTree === undefined ? {} : { savedTree: flags.saveTree }) },
    text: (summary) =>
      flags.tree === undefined
        ? `${s.rows.toLocaleString('en-US')} vectors from ${String(summary.source)}: ${s.leaves.toLocaleString('en-US')} clusters of at most ${flags.leafSize} (largest ${s.largestLeaf}), ` +
          `split ${flags.branching} ways; ids of ${s.meanIdLength.toFixed(2)} tokens on average, ${s.longestId} at most (the last: position in the cluster)\n`
        : `${s.rows.toLocaleString('en-US')} vectors from ${String(summary.source)} coded in the clusters of ${flags.tree}: ${s.leaves.toLocaleString('en-US')} clusters reached (largest ${s.largestLeaf}); ` +
          `ids of ${s.meanIdLength.toFixed(2)} tokens on average, ${s.longestId} at most (the last: position in the cluster)\n`,
  };
}

/** Registers `quarry semantic-ids`. */
export function registerSemanticIds(program: Command): void {
  program
    .command('semantic-ids')
    .description(
      'assign every document a semantic id from its dense vector: residual codewords (RQ-KMeans, or RQ-VAE as TIGER), coarse to fine, plus a collision token, or hierarchical k-means paths (DSI)',
    )
    .argument('[dir]', 'collection folder (with --field)')
    .option('--field <name>', 'dense field of the collection (default: the only one)')
    .option('--vectors <file>', `code the rows of a vector file instead: ${VECTOR_FORMATS}`)
    .option('--format <fmt>', `format of --vectors when its extension does not say: ${VECTOR_FORMATS}`)
    .option('--dim <n>', 'row length of a raw float32 --vectors file', intOption(1))
    .option('--ids <file>', 'ids of the --vectors rows, one per line (default: row numbers)')
    .option(
      '--method <name>',
      "residual (RQ-KMeans; fixed length: --levels codewords + collision token), rq-vae (TIGER's RQ-VAE: the same ids from a trained autoencoder's latents) or hierarchical (DSI: cluster path + position)",
      'residual',
    )
    .option('--levels <n>', 'residual, rq-vae: codewords per id (codebooks)', intOption(1, 64), 3)
    .option('--codebook <n>', 'residual, rq-vae: codewords per codebook', intOption(2, 65536), 256)
    .option(
      '--hidden <widths>',
      "rq-vae: the encoder's hidden layer widths, input side first (the decoder mirrors them)",
      intListOption,
      [512, 256, 128],
    )
    .option('--latent <n>', 'rq-vae: latent dimension the codebooks quantize', intOption(1, 65536), 32)
    .option('--epochs <n>', 'rq-vae: training passes over the sample', intOption(1), 20)
    .option('--batch-size <n>', 'rq-vae: vectors per Adam step', intOption(1), 256)
    .option('--learning-rate <x>', "rq-vae: Adam's learning rate", numberOption(0), 0.001)
    .option('--beta <x>', 'rq-vae: weight of the commitment loss', numberOption(0, true), 0.25)
    .option('--model <file>', 'rq-vae: code with a saved model (.safetensors) instead of training')
    .option(
      '--save-model <file>',
      'rq-vae: write the trained model (.safetensors: encoder.i.weight/bias, decoder.i.weight/bias, codebooks)',
    )
    .option('--branching <n>', 'hierarchical: clusters per split', intOption(2, 65536), 10)
    .option('--leaf-size <n>', 'hierarchical: clusters of at most this many vectors are not split again', intOption(1), 100)
    .option('--iterations <n>', 'k-means iterations per level or split', intOption(1), 20)
    .option('--train-rows <n>', 'fit each k-means (rq-vae: train) on an even sample of at most this many vectors', intOption(2), 65536)
    .option(
      '--seed <n>',
      "k-means seed (each level or split uses the next); rq-vae: also the networks' initial weights and the training order",
      intOption(),
      42,
    )
    .option('--normalize', 'scale vectors to unit length first (cosine fields are stored normalized already)')
    .option('--quantizer <file>', 'residual: code with saved codebooks (.npy of shape levels x codebook x dim) instead of fitting')
    .option('--save-quantizer <file>', 'residual: write the fitted codebooks as .npy (np.load gives levels x codebook x dim)')
    .option('--tree <file>', 'hierarchical: code with a saved cluster tree (.safetensors) instead of clustering')
    .option('--save-tree <file>', 'hierarchical: write the cluster tree (.safetensors), to code new vectors in it later with --tree')
    .option('--output <file>', 'write the ids as JSONL here (default: standard output, with the summary on standard error)')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'no progress bar')
    .addHelpText(
      'after',
      `
Example:
  $ quarry semantic-ids ./msmarco --field emb --levels 3 --codebook 256 --output ids.jsonl --save-quantizer rq.npy
  $ quarry semantic-ids --vectors all-docs.npy --ids all-ids.txt --quantizer rq.npy --normalize > ids.jsonl
  $ quarry semantic-ids ./msmarco --field emb --method rq-vae --epochs 20 --output ids.jsonl --save-model rqvae.safetensors
  $ quarry semantic-ids --vectors new-docs.npy --ids new-ids.txt --method rq-vae --model rqvae.safetensors > new-ids.jsonl
  $ quarry semantic-ids ./msmarco --field emb --method hierarchical --branching 10 --leaf-size 100 --output dsi-ids.jsonl --save-tree dsi.safetensors
  $ quarry semantic-ids --vectors all-docs.npy --ids all-ids.txt --method hierarchical --tree dsi.safetensors > dsi-ids.jsonl
Each line of the output: {"id":"D42","semanticId":[17,203,88,0]}. With residual codes the last
token tells apart documents whose codewords all coincide, numbered in input order: coding old and
new vectors together with the saved codebooks (--quantizer), new rows after the old, leaves every
old id unchanged (unless an earlier row with the same codewords was removed). Hierarchical ids
work the same way with a saved tree (--tree): each vector descends to its nearest cluster at every
split and is numbered in its cluster in input order, so old rows first, new rows after, keep the
old ids (rows k-means could not tell apart, identical vectors, excepted); clustering again
(without --tree) gives new ids.`,
    )
    .action(
      guarded((dir: string | undefined, flags: SemanticIdFlags, cmd: Command) => {
        checkOptionScopes(cmd, SCOPES);
        const method = METHODS.find((m) => m === flags.method);
        if (method === undefined)
          throw new QuarryError('BAD_ARGUMENT', `unknown method "${flags.method}"`, { field: '--method' }, `use ${METHODS.join(', ')}`);
        for (const [option, methods] of Object.entries(OPTION_METHODS)) {
          if (!methods.includes(method) && givenOnCommandLine(cmd, option)) {
            throw new QuarryError('BAD_ARGUMENT', `applies only with --method ${methods.join(' or ')}`, {
              field: `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
            });
          }
        }
        const started = performance.now();
        let input: ReturnType<typeof loadInput>;
        let assigned: Assigned;
        try {
          input = loadInput(dir, flags);
          assigned = describeAssignment(assignSemanticIds(input.rows, input.dim, assignmentOptions(method, flags)), input.dim, flags);
        } catch (e) {
          throw asFlagError(e);
        }
        const seconds = (performance.now() - started) / 1000;
        const lines = idLines(input.ids, assigned.tokensOf);
        if (flags.output !== undefined) {
          try {
            writeFileSync(flags.output, lines);
          } catch (e) {
            throw ioError(flags.output, e);
          }
        }
        const summary = {
          source: input.source,
          dim: input.dim,
          seconds,
          ...assigned.summary,
          ...(flags.output === undefined ? {} : { output: flags.output }),
        };
        const text = flags.json === true ? JSON.stringify(summary) + '\n' : assigned.text(summary);
        if (flags.output === undefined) {
          process.stdout.write(lines);
          process.stderr.write(text);
        } else process.stdout.write(text);
      }),
    );
}
