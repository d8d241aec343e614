/** Parses a trec_eval command line from the fixtures into evaluation options. */
import type { EvalOptions } from '../../src/eval/index.js';

export interface FixtureCommand {
  options: EvalOptions;
  perQuery: boolean;
}

export function parseTrecEvalCommand(command: string): FixtureCommand {
  const args = command.split(/\s+/).slice(1);
  const measures: string[] = [];
  const options: EvalOptions = { measures };
  let perQuery = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-m') measures.push(args[++i]!);
    else if (a.startsWith('-m')) measures.push(a.slice(2));
    else if (a === '-q') perQuery = true;
    else if (a === '-c') options.averageComplete = true;
    else if (a.startsWith('-M')) options.maxDocsPerTopic = Number(a.slice(2));
    else if (a.startsWith('-l')) options.relevanceLevel = Number(a.slice(2));
  }
  return { options, perQuery };
}
