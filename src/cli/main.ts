#!/usr/bin/env node
/** The `quarry` command line: one subcommand per job, each with `--help` and an example. */
import { Command } from 'commander';
import { registerCompare } from './commands/compare-command.js';
import { registerEval } from './commands/eval-command.js';

const program = new Command();
program
  .name('quarry')
  .description('Quarry: a retrieval engine for TypeScript, with a trec_eval-exact evaluation harness')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

registerEval(program);
registerCompare(program);

await program.parseAsync(process.argv);
