#!/usr/bin/env node
/** The `quarry` command line: one subcommand per job, each with `--help` and an example. */
import { Command } from 'commander';
import { EXIT_STATUS } from './exit-codes.js';
// A reader that stops early (`quarry search ... | head`) closes the pipe: the output
// is no longer wanted, which is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/**
 * Each command's module, in the order `--help` lists them, with the command names it registers.
 * Only the invoked command's module is loaded: loading every command (the server stack, the
 * trainers) on each start cost a run of `quarry info` half a second.
 */
const COMMANDS: readonly { names: readonly string[]; register: () => Promise<(program: Command) => void> }[] = [
  { names: ['quickstart'], register: async () => (await import('./commands/quickstart-command.js')).registerQuickstart },
  { names: ['index'], register: async () => (await import('./commands/index-command.js')).registerIndex },
  { names: ['search'], register: async () => (await import('./commands/search-command.js')).registerSearch },
  { names: ['run'], register: async () => (await import('./commands/run-command.js')).registerRun },
  { names: ['info'], register: async () => (await import('./commands/info-command.js')).registerInfo },
  {
    names: ['add', 'delete', 'optimize', 'check', 'snapshot'],
    register: async () => (await import('./commands/maintain-commands.js')).registerMaintenance,
  },
  { names: ['eval'], register: async () => (await import('./commands/eval-command.js')).registerEval },
  { names: ['compare'], register: async () => (await import('./commands/compare-command.js')).registerCompare },
  { names: ['fuse'], register: async () => (await import('./commands/fuse-command.js')).registerFuse },
  { names: ['serve'], register: async () => (await import('./commands/serve-command.js')).registerServe },
  { names: ['calibrate'], register: async () => (await import('./commands/calibrate-command.js')).registerCalibrate },
  { names: ['audit'], register: async () => (await import('./commands/audit-command.js')).registerAudit },
  { names: ['tune'], register: async () => (await import('./commands/tune-command.js')).registerTune },
  { names: ['adapter'], register: async () => (await import('./commands/adapter-command.js')).registerAdapter },
  { names: ['models'], register: async () => (await import('./commands/models-command.js')).registerModels },
  { names: ['semantic-ids'], register: async () => (await import('./commands/semantic-ids-command.js')).registerSemanticIds },
  { names: ['train'], register: async () => (await import('./commands/train-command.js')).registerTrain },
  { names: ['train-adapter'], register: async () => (await import('./commands/train-adapter-command.js')).registerTrainAdapter },
  { names: ['train-codes'], register: async () => (await import('./commands/train-codes-command.js')).registerTrainCodes },
];

/** The commands to load for these arguments: the named one, or all (top-level help, a misspelt name, `help X`). */
function commandsFor(args: readonly string[]): typeof COMMANDS {
  const name = args.find((a) => !a.startsWith('-'));
  const named = name === undefined ? undefined : COMMANDS.find((c) => c.names.includes(name));
  return named === undefined ? COMMANDS : [named];
}

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

for (const command of commandsFor(process.argv.slice(2))) (await command.register())(program);

await program.parseAsync(process.argv);
