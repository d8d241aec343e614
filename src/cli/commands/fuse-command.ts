/** `quarry fuse`: fuse TREC run files query by query (RRF, CombSUM, CombMNZ), optionally evaluated. */
import { Option, type Command } from 'commander';
import { evaluateRunFile, formatTrecEval, readQrels, readRun, reportToJson } from '../../eval/index.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { fuseRuns } from '../../search/run-fusion.js';
import { tuneRunFusion, type FusionTuning } from '../../search/run-fusion-tuning.js';
import { checkOptionScopes, givenOnCommandLine, type OptionScope } from '../option-scope.js';
import { collect, guarded, intOption, numberOption } from '../command-options.js';
import { sortQids } from '../../batch/qid-order.js';

interface FuseFlags {
  method: 'rrf' | 'weighted' | 'mnz';
  rrfK: number;
  weights?: string;
  normalize: 'minmax' | 'zscore' | 'none';
  depth: number;
  k: number;
  output?: string;
  tag: string;
  precision?: number;
  sortQids?: boolean;
  qrels?: string;
  measure?: string[];
  tune?: string;
  tuneStep: number;
  json?: boolean;
}

const METHODS = ['rrf', 'weighted', 'mnz'] as const;
const NORMALIZATIONS = ['minmax', 'zscore', 'none'] as const;

/** Which fuse options go together. */
const FUSE_SCOPES: readonly OptionScope[] = [
  { option: 'measure', with: ['qrels'] },
  { option: 'tune', with: ['qrels'], without: ['weights'], hint: '--tune chooses the weights against --qrels' },
  { option: 'tuneStep', with: ['tune'] },
];

/** The --weights list: one finite number per run. */
function parseWeights(text: string, runs: number): number[] {
  const parts = text.split(',').map((w) => w.trim());
  const weights = parts.map(Number);
  const bad = parts.findIndex((w, i) => w === '' || !Number.isFinite(weights[i]!));
  if (bad >= 0)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `weight ${bad + 1} ("${parts[bad]}") is not a number`,
      { field: '--weights' },
      'give comma-separated numbers, e.g. --weights 0.3,0.7',
    );
  if (weights.length !== runs)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `${weights.length} weights for ${runs} runs`,
      { field: '--weights' },
      'give one weight per run, in the order of the runs',
    );
  return weights;
}

/** The ten best weight vectors of a tuning, best first, as a small table. */
function formatTuning(tuning: FusionTuning, method: string): string {
  const ranked = [...tuning.trials].sort((a, b) => b.value - a.value).slice(0, 10);
  const cells = ranked.map((t) => t.weights.map((w) => String(Number(w.toFixed(6)))).join(','));
  const width = Math.max('weights'.length, ...cells.map((c) => c.length));
  let out = `${tuning.trials.length} weight vectors tried (${method}); the best by ${tuning.measure}:\n  ${'weights'.padEnd(width)}  ${tuning.measure}\n`;
  ranked.forEach((t, i) => (out += `  ${cells[i]!.padEnd(width)}  ${t.value.toFixed(4)}${t === tuning.best ? '  <- chosen' : ''}\n`));
  return out;
}

/** Registers `quarry fuse`. */
export function registerFuse(program: Command): void {
  program
    .command('fuse')
    .description('fuse TREC runs query by query: reciprocal rank fusion, CombSUM or CombMNZ; with --qrels, evaluate the result')
    .argument('<runs...>', 'TREC run files (two or more)')
    .addOption(
      new Option(
        '--method <name>',
        'rrf: sum of weight / (rrf-k + rank); weighted: weighted sum of normalized scores (CombSUM); mnz: the same times the number of runs that found the document (CombMNZ)',
      )
        .choices(METHODS)
        .default('rrf'),
    )
    .option('--rrf-k <n>', 'rank constant of rrf', numberOption(0, true), 60)
    .option(
      '--weights <list>',
      "one weight per run, comma-separated (default 1 each); Pyserini's interpolation is --method weighted --normalize none --weights a,1-a",
      undefined,
    )
    .addOption(
      new Option('--normalize <how>', 'score normalization per run and query for weighted and mnz')
        .choices(NORMALIZATIONS)
        .default('minmax'),
    )
    .option('--depth <n>', "documents taken from each run per query, in trec_eval's order (score, then docno)", intOption(1), 1000)
    .option('-k, --k <n>', 'documents per query in the fused run', intOption(1), 1000)
    .option('--output <file>', 'fused TREC run to write (default: standard output)')
    .option('--tag <name>', 'run tag (sixth column)', 'quarry-fuse')
    .option('--precision <n>', 'decimals of fused scores (default: every digit, so that deep RRF ranks do not tie)', intOption(0, 20))
    .option('--sort-qids', 'write queries in qid order (as integers when every qid is one) instead of the order they first appear')
    .option('--qrels <file>', 'evaluate the fused run against these judgments (needs --output), or tune weights on them (--tune)')
    .option(
      '--tune <measure>',
      'with --qrels: try every weight vector on a grid (weights >= 0 summing to 1) and keep the best by this measure, e.g. ndcg_cut.10; prints the best weights, and with --output writes that fusion',
    )
    .option('--tune-step <s>', 'grid step of --tune', numberOption(0), 0.1)
    .option('-m, --measure <name>', 'measure for --qrels (repeatable; default map, ndcg_cut.10, recall.100, recall.1000, P.30)', collect)
    .option('--json', 'print a summary (and with --qrels the evaluation, as quarry eval --json) as JSON')
    .addHelpText(
      'after',
      `
Ranks are those trec_eval gives each run (score descending, then docno descending),
not the file's rank column; the fused run is written in the same order.

Example:
  $ quarry fuse bm25.run dense.run --output hybrid.run --qrels qrels.tsv
  $ quarry fuse bm25.run splade.run dense.run --method mnz --normalize zscore > fused.run
  $ quarry fuse bm25.run dense.run --method weighted --normalize none --weights 0.3,0.7 --output interp.run
  $ quarry fuse train-bm25.run train-dense.run --method weighted --tune ndcg_cut.10 --qrels train-qrels.tsv   # then --weights on test runs`,
    )
    .action(
      guarded((paths: string[], flags: FuseFlags, cmd: Command) => {
        checkOptionScopes(cmd, FUSE_SCOPES);
        if (flags.method === 'rrf' && givenOnCommandLine(cmd, 'normalize'))
          throw new QuarryError(
            'BAD_ARGUMENT',
            'applies to --method weighted and mnz, not rrf',
            { field: '--normalize' },
            'rrf fuses ranks, not scores',
          );
        if (flags.method !== 'rrf' && givenOnCommandLine(cmd, 'rrfK'))
          throw new QuarryError('BAD_ARGUMENT', 'applies to --method rrf', { field: '--rrf-k' });
        if (paths.length < 2)
          throw new QuarryError(
            'BAD_ARGUMENT',
            `fusing needs two or more runs, got ${paths.length}`,
            { field: 'runs' },
            'name every run file to fuse',
          );
        if (flags.qrels !== undefined && flags.output === undefined && flags.tune === undefined)
          throw new QuarryError(
            'BAD_ARGUMENT',
            '--qrels evaluates the fused run file, so it needs --output',
            { field: '--qrels' },
            'add --output fused.run',
          );
        const qrels = flags.qrels === undefined ? undefined : readQrels(flags.qrels);
        const runs = paths.map((name) => ({ name, run: readRun(name).run }));
        let weights = flags.weights === undefined ? undefined : parseWeights(flags.weights, paths.length);
        let tuning: FusionTuning | undefined;
        if (flags.tune !== undefined) {
          tuning = tuneRunFusion(runs, qrels!, {
            measure: flags.tune,
            step: flags.tuneStep,
            method: flags.method,
            rrfK: flags.rrfK,
            normalize: flags.normalize,
            depth: flags.depth,
            k: flags.k,
          });
          weights = tuning.best.weights;
          if (flags.output === undefined) {
            process.stdout.write(
              flags.json ? JSON.stringify({ runs: paths, method: flags.method, tuning }) + '\n' : formatTuning(tuning, flags.method),
            );
            return;
          }
          if (!flags.json) process.stderr.write(formatTuning(tuning, flags.method));
        }
        const fused = fuseRuns(runs, {
          method: flags.method,
          rrfK: flags.rrfK,
          weights,
          normalize: flags.normalize,
          depth: flags.depth,
          k: flags.k,
        });
        const qids = flags.sortQids ? sortQids([...fused.keys()], (q) => q) : [...fused.keys()];
        const digits = flags.precision;
        // one string per query, joined once: a deep run has millions of lines
        const blocks: string[] = [];
        let lines = 0;
        for (const qid of qids) {
          const q = fused.get(qid)!;
          let block = '';
          for (let i = 0; i < q.docnos.length; i++)
            block += `${qid} Q0 ${q.docnos[i]} ${i + 1} ${digits === undefined ? String(q.scores[i]) : q.scores[i]!.toFixed(digits)} ${flags.tag}\n`;
          blocks.push(block);
          lines += q.docnos.length;
        }
        const text = blocks.join('');
        if (flags.output === undefined) {
          process.stdout.write(text);
          return;
        }
        writeFileAtomic(flags.output, text);
        // the file as written (with --precision its scores are rounded), as quarry eval would score it
        const report =
          qrels === undefined
            ? undefined
            : evaluateRunFile(qrels, flags.output, { measures: flags.measure ?? ['map', 'ndcg_cut.10', 'recall.100,1000', 'P.30'] });
        if (flags.json) {
          process.stdout.write(
            JSON.stringify({
              output: flags.output,
              runs: paths,
              method: flags.method,
              queries: fused.size,
              lines,
              ...(tuning === undefined ? {} : { tuning }),
              ...(report === undefined ? {} : { evaluation: reportToJson(report, false) }),
            }) + '\n',
          );
          return;
        }
        process.stderr.write(`fused ${paths.length} runs (${flags.method}): ${fused.size} queries, ${lines} lines -> ${flags.output}\n`);
        if (report !== undefined) process.stdout.write(formatTrecEval(report, false));
      }),
    );
}
