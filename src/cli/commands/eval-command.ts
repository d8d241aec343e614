/** `quarry eval`: trec_eval-compatible scoring of one or more TREC runs. */
import { basename } from 'node:path';
import type { Command } from 'commander';
import {
  evaluateRunFile,
  formatTrecEval,
  formatValue,
  readQrels,
  reportToJson,
  type EvalOptions,
  type EvalReport,
} from '../../eval/index.js';
import { collect, guarded, intOption } from '../command-options.js';

interface EvalFlags {
  measure?: string[];
  complete?: boolean;
  level?: number;
  maxDocs?: number;
  judgedOnly?: boolean;
  query?: boolean;
  numDocs?: number;
  json?: boolean;
}

/** Registers `quarry eval`. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("score TREC runs against qrels with trec_eval 9.0.8's measures and output")
    .argument('<qrels>', 'judgments: TREC qrels (qid iter docno rel) or BEIR TSV (query-id corpus-id score)')
    .argument('<runs...>', 'TREC run files (qid Q0 docno rank score tag)')
    .option(
      '-m, --measure <name[.params]>',
      'measure or group (official, all_trec, set); repeatable, e.g. -m map -m P.5,10 -m ndcg_cut.10',
      collect,
    )
    .option('-c, --complete', 'average over all judged queries, counting queries missing from the run as 0')
    .option('-l, --level <n>', 'minimum relevance level counted as relevant', intOption(), 1)
    .option('-M, --max-docs <n>', 'evaluate only the first n documents of each query', intOption(0))
    .option('-J, --judged-only', 'drop retrieved documents that have no judgment')
    .option('-q, --query', 'also print per-query values')
    .option('-N, --num-docs <n>', 'number of documents in the collection (utility measure only)', intOption(0))
    .option('--json', 'print JSON instead of text')
    .addHelpText(
      'after',
      `
Measures: runid num_q num_ret num_rel num_rel_ret map gm_map Rprec bpref recip_rank
  iprec_at_recall P relstring recall infAP gm_bpref Rprec_mult utility 11pt_avg binG G
  ndcg ndcg_rel Rndcg ndcg_cut map_cut relative_P success set_P set_relative_P
  set_recall set_map set_F num_nonrel_judged_ret judged (fraction of top k judged).

Examples:
  $ quarry eval -m map -m ndcg_cut.10 qrels.txt run.trec
  $ quarry eval -q -c -m all_trec qrels/test.tsv bm25.run
  $ quarry eval -m ndcg_cut.10 -m recall.100 qrels.tsv bm25.run rm3.run hybrid.run`,
    )
    .action(
      guarded((qrelsPath: string, runs: string[], flags: EvalFlags) => {
        const qrels = readQrels(qrelsPath);
        const opts: EvalOptions = {
          measures: flags.measure ?? [],
          averageComplete: flags.complete ?? false,
          relevanceLevel: flags.level ?? 1,
          judgedOnly: flags.judgedOnly ?? false,
          ...(flags.maxDocs !== undefined ? { maxDocsPerTopic: flags.maxDocs } : {}),
          ...(flags.numDocs !== undefined ? { numDocsInColl: flags.numDocs } : {}),
        };
        const reports = runs.map((r) => evaluateRunFile(qrels, r, opts));
        for (const r of reports) for (const w of r.warnings) process.stderr.write(`quarry: warning: ${w}\n`);
        if (flags.json) {
          const json = reports.map((r, i) => ({ run: runs[i], ...reportToJson(r, flags.query ?? false) }));
          process.stdout.write(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
        } else if (reports.length === 1) {
          process.stdout.write(formatTrecEval(reports[0]!, flags.query ?? false));
        } else {
          process.stdout.write(sideBySide(reports, runs));
        }
      }),
    );
}

/** One row per measure, one column per run. */
function sideBySide(reports: EvalReport[], runs: string[]): string {
  const names = reports[0]!.names.filter((n) => reports[0]!.all.has(n));
  const header = ['measure', ...runs.map((r) => basename(r))];
  const rows = names.map((n) => [n, ...reports.map((r) => formatValue(r.all.get(n)!, r.types.get(n)!).trim())]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cols: string[]): string => cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(header), ...rows.map(fmt)].join('\n') + '\n';
}
