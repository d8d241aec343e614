/** `quarry fuse`: fuse TREC run files query by query (RRF, CombSUM, CombMNZ), optionally evaluated. */
import { Option, type Command } from 'commander';
import { evaluateRunFile, formatTrecEval, readQrels, readRun, reportToJson } from '../../eval/index.js';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../io/quarry-error.js';
import { fuseRuns } from '../../search/run-fusion.js';
import { collect, guarded, intOption, numberOption } from '../run-command.js';
import { sortQids } from './qid-order.js';

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
  json?: boolean;
}

const METHODS = ['rrf', 'weighted', 'mnz'] as const;
const NORMALIZATIONS = ['minmax', 'zscore', 'none'] as const;

/** The --weights list: one finite number per run. */
function parseWeights(text: string, runs: number): number[] {
  const parts = text.split(',').map((w) => w.trim());
  const weights = parts.map(Number);
  const bad = parts.findIndex((w, i) => w === '' || !Number.isFinite(weights[i]!));
  if (bad >= 0) throw new QuarryError('BAD_ARGUMENT', `weight ${bad + 1} ("${parts[bad]}") is not a number`, { field: '--weights' }, 'give comma-separated numbers, e.g. --weights 0.3,0.7');
  if (weights.length !== runs) throw new QuarryError('BAD_ARGUMENT', `${weights.length} weights for ${runs} runs`, { field: '--weights' }, 'give one weight per run, in the order of the runs');
  return weights;
}

/** Registers `quarry fuse`. */
export function registerFuse(program: Command): void {
  program
    .command('fuse')
    .description('fuse TREC runs query by query: reciprocal rank fusion, CombSUM or CombMNZ; with --qrels, evaluate the result')
    .argument('<runs...>', 'TREC run files (two or more)')
    .addOption(new Option('--method <name>', 'rrf: sum of weight / (rrf-k + rank); weighted: weighted sum of normalized scores (CombSUM); mnz: the same times the number of runs that found the document (CombMNZ)').choices(METHODS).default('rrf'))
    .option('--rrf-k <n>', 'rank constant of rrf', numberOption(0, true), 60)
    .option('--weights <list>', 'one weight per run, comma-separated (default 1 each); Pyserini\'s interpolation is --method weighted --normalize none --weights a,1-a', undefined)
    .addOption(new Option('--normalize <how>', 'score normalization per run and query for weighted and mnz').choices(NORMALIZATIONS).default('minmax'))
    .option('--depth <n>', 'documents taken from each run per query, in trec_eval\'s order (score, then docno)', intOption(1), 1000)
    .option('-k, --k <n>', 'documents per query in the fused run', intOption(1), 1000)
    .option('--output <file>', 'fused TREC run to write (default: standard output)')
    .option('--tag <name>', 'run tag (sixth column)', 'quarry-fuse')
    .option('--precision <n>', 'decimals of fused scores (default: every digit, so that deep RRF ranks do not tie)', intOption(0, 20))
    .option('--sort-qids', 'write queries in qid order (as integers when every qid is one) instead of the order they first appear')
    .option('--qrels <file>', 'evaluate the fused run against these judgments (needs --output)')
    .option('-m, --measure <name>', 'measure for --qrels (repeatable; default map, ndcg_cut.10, recall.100, recall.1000, P.30)', collect)
    .option('--json', 'print a summary (and with --qrels the evaluation, as quarry eval --json) as JSON')
    .addHelpText('after', `
Ranks are those trec_eval gives each run (score descending, then docno descending),
not the file's rank column; the fused run is written in the same order.

Example:
  $ quarry fuse bm25.run dense.run --output hybrid.run --qrels qrels.tsv
  $ quarry fuse bm25.run splade.run dense.run --method mnz --normalize zscore > fused.run
  $ quarry fuse bm25.run dense.run --method weighted --normalize none --weights 0.3,0.7 --output interp.run`)
    .action(guarded((paths: string[], flags: FuseFlags) => {
      if (paths.length < 2) throw new QuarryError('BAD_ARGUMENT', `fusing needs two or more runs, got ${paths.length}`, { field: 'runs' }, 'name every run file to fuse');
      if (flags.qrels !== undefined && flags.output === undefined) throw new QuarryError('BAD_ARGUMENT', '--qrels evaluates the fused run file, so it needs --output', { field: '--qrels' }, 'add --output fused.run');
      const qrels = flags.qrels === undefined ? undefined : readQrels(flags.qrels);
      const runs = paths.map((name) => ({ name, run: readRun(name).run }));
      const weights = flags.weights === undefined ? undefined : parseWeights(flags.weights, paths.length);
      const fused = fuseRuns(runs, { method: flags.method, rrfK: flags.rrfK, weights, normalize: flags.normalize, depth: flags.depth, k: flags.k });
      const qids = flags.sortQids ? sortQids([...fused.keys()], (q) => q) : [...fused.keys()];
      const digits = flags.precision;
      let text = '';
      let lines = 0;
      for (const qid of qids) {
        const q = fused.get(qid)!;
        for (let i = 0; i < q.docnos.length; i++) text += `${qid} Q0 ${q.docnos[i]} ${i + 1} ${digits === undefined ? String(q.scores[i]) : q.scores[i]!.toFixed(digits)} ${flags.tag}\n`;
        lines += q.docnos.length;
      }
      if (flags.output === undefined) {
        process.stdout.write(text);
        return;
      }
      writeFileAtomic(flags.output, text);
      // the file as written (with --precision its scores are rounded), as quarry eval would score it
      const report = qrels === undefined ? undefined : evaluateRunFile(qrels, flags.output, { measures: flags.measure ?? ['map', 'ndcg_cut.10', 'recall.100,1000', 'P.30'] });
      if (flags.json) {
        process.stdout.write(JSON.stringify({ output: flags.output, runs: paths, method: flags.method, queries: fused.size, lines, ...(report === undefined ? {} : { evaluation: reportToJson(report, false) }) }) + '\n');
        return;
      }
      process.stderr.write(`fused ${paths.length} runs (${flags.method}): ${fused.size} queries, ${lines} lines -> ${flags.output}\n`);
      if (report !== undefined) process.stdout.write(formatTrecEval(report, false));
    }));
}
