#!/usr/bin/env node
/** The `quarry` command line: one subcommand per job, each with `--help` and an example. */
import { Command } from 'commander';
import { EXIT_STATUS } from './exit-codes.js';
import { registerAdapter } from './commands/adapter-command.js';
import { registerAudit } from './commands/audit-command.js';
import { registerTune } from './commands/tune-command.js';
import { registerCalibrate } from './commands/calibrate-command.js';
import { registerCompare } from './commands/compare-command.js';
import { registerEval } from './commands/eval-command.js';
import { registerFuse } from './commands/fuse-command.js';
import { registerIndex } from './commands/index-command.js';
import { registerModels } from './commands/models-command.js';
import { registerMaintenance } from './commands/maintain-commands.js';
import { registerInfo } from './commands/info-command.js';
import { registerQuickstart } from './commands/quickstart-command.js';
import { registerRun } from './commands/run-command.js';
import { registerSearch } from './commands/search-command.js';
import { registerSemanticIds } from './commands/semantic-ids-command.js';
import { registerTrain } from './commands/train-command.js';
import { registerTrainAdapter } from './commands/train-adapter-command.js';
import { registerTrainCodes } from './commands/train-codes-command.js';
import { registerServe } from './commands/serve-command.js';

// A reader that stops early (`quarry search ... | head`) closes the pipe: the output
// is no longer wanted, which is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command();
program
  // commander's own usage errors (unknown option, bad or missing value) exit 64 like ours;
  // help and --version exit 0. Set before the subcommands are added so they inherit it.
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_STATUS.BAD_ARGUMENT))
  .name('quarry')
  .description('Quarry: a retrieval engine for TypeScript, with a trec_eval-exact evaluation harness')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Start here:
  $ quarry quickstart                     index, run and evaluate the bundled CACM collection
  $ quarry index ./idx --corpus corpus.jsonl
  $ quarry search ./idx "query text"
  $ quarry run ./idx --queries queries.jsonl --qrels qrels.tsv --output run.trec
  $ quarry eval -m map -m ndcg_cut.10 qrels.tsv run.trec
  $ quarry serve ./collections --with-cacm  HTTP API and search page on http://127.0.0.1:7700/`,
  );

registerQuickstart(program);
registerIndex(program);
registerSearch(program);
registerRun(program);
registerInfo(program);
registerMaintenance(program);
registerEval(program);
registerCompare(program);
registerFuse(program);
registerServe(program);
registerCalibrate(program);
registerAudit(program);
registerTune(program);
registerAdapter(program);
registerModels(program);
registerSemanticIds(program);
registerTrain(program);
registerTrainAdapter(program);
registerTrainCodes(program);

await program.parseAsync(process.argv);
