/** `quarry compare`: paired significance tests of runs against a baseline. */
import type { Command } from 'commander';
import { compareRuns, formatComparison, readQrels } from '../../eval/index.js';
import { collect, guarded, intOption, probabilityOption } from '../command-options.js';

interface CompareFlags {
  measure?: string[];
  level?: number;
  trials: number;
  seed: number;
  alpha: number;
  json?: boolean;
}

/** Registers `quarry compare`. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare runs with a baseline: paired t-test and randomization test, Holm-corrected')
    .argument('<qrels>', 'judgments (TREC qrels or BEIR TSV)')
    .argument('<baseline>', 'baseline TREC run')
    .argument('<runs...>', 'runs to compare with the baseline')
    .option('-m, --measure <name[.params]>', 'measure (repeatable); default map, ndcg_cut.10, P.10, recall.100', collect)
    .option('-l, --level <n>', 'minimum relevance level counted as relevant', intOption(), 1)
    .option('--trials <n>', 'randomization trials', intOption(1), 10000)
    .option('--seed <n>', 'randomization seed', intOption(0), 42)
    .option('--alpha <p>', 'significance level for the Holm-adjusted p-values, in (0, 1)', probabilityOption, 0.05)
    .option('--json', 'print JSON instead of a table')
    .addHelpText(
      'after',
      `
Queries: every judged query answered by at least one run; a run that misses
a query scores 0 on it (trec_eval -c semantics over that set).

Example:
  $ quarry compare -m map -m ndcg_cut.10 qrels/test.tsv bm25.run rm3.run hybrid.run`,
    )
    .action(
      guarded((qrelsPath: string, baseline: string, runs: string[], flags: CompareFlags) => {
        const result = compareRuns(readQrels(qrelsPath), baseline, runs, {
          measures: flags.measure ?? [],
          relevanceLevel: flags.level ?? 1,
          trials: flags.trials,
          seed: flags.seed,
          alpha: flags.alpha,
        });
        process.stdout.write(flags.json ? JSON.stringify(result, null, 2) + '\n' : formatComparison(result));
      }),
    );
}
