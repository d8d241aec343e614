/** `quarry audit`: flag documents that look planted to be retrieved, and save the report searches can exclude them by. */
import type { Command } from 'commander';
import { auditSnapshot, writeAudit, type AuditReport } from '../../audit/index.js';
import { Collection } from '../../collection/index.js';
import { readQueryTexts } from '../../io/beir.js';
import { guarded, intOption, numberOption } from '../command-options.js';
import { terminalProgress } from '../progress.js';

interface AuditFlags {
  queries?: string;
  sample: number;
  k: number;
  neighbours: number;
  threshold: number;
  save?: boolean;
  show: number;
  json?: boolean;
  quiet?: boolean;
}

/** Registers `quarry audit`. */
export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description(
      'flag documents that look planted to be retrieved (hubs of the query results, dense matches sharing no query term, outliers of the vector space, text unlike the collection’s language); --save lets searches exclude them with filter.flagged',
    )
    .argument('<dir>', 'collection folder')
    .option(
      '--queries <file>',
      'a query log: one query per line (.txt or .log), or BEIR JSONL, TSV or TREC topics (default: pseudo-queries sampled from the documents)',
    )
    .option('--sample <n>', 'pseudo-queries sampled when no --queries is given', intOption(1), 500)
    .option('--k <n>', 'a document counts for a query when it is in its top k', intOption(1, 1000), 10)
    .option('--neighbours <n>', 'nearest neighbours of the local outlier factor', intOption(1, 1000), 10)
    .option(
      '--threshold <evidence>',
      'flag a document when the sum of its signals’ robust z-scores (how many robust standard deviations each is from the median, in the suspicious direction) exceeds this',
      numberOption(0),
      25,
    )
    .option('--save', 'save the report as DIR/audit.json, which filter.flagged reads')
    .option('--show <n>', 'flagged documents printed', intOption(0), 10)
    .option('--json', 'print the whole report as JSON')
    .option('--quiet', 'no progress bars')
    .addHelpText(
      'after',
      `
Example:
  $ quarry audit ./scifact-idx --queries queries.log --save
  then search with {"retrieve": [...], "filter": {"flagged": "exclude"}}  (or {"flagged": {"downweight": 0.5}})`,
    )
    .action(
      guarded((dir: string, flags: AuditFlags) => {
        const c = Collection.open(dir);
        const snap = c.reader();
        try {
          const report = auditSnapshot(snap, {
            queries: flags.queries !== undefined ? readQueryTexts(flags.queries) : undefined,
            sampleQueries: flags.sample,
            k: flags.k,
            neighbours: flags.neighbours,
            threshold: flags.threshold,
            progress: flags.json || flags.quiet ? undefined : terminalProgress(flags.quiet),
          });
          if (flags.save) writeAudit(dir, report);
          process.stdout.write(flags.json ? JSON.stringify(report) + '\n' : describe(report, flags.show, flags.save ? dir : null));
        } finally {
          snap.close();
        }
      }),
    );
}

/** The report in words: counts per signal, then the most suspicious documents with their reasons. */
function describe(r: AuditReport, show: number, savedIn: string | null): string {
  const lines = [
    `audited ${r.documents} documents with ${r.queries} ${r.querySource === 'log' ? 'logged' : 'sampled'} queries: ${r.flagged.length} flagged (${((100 * r.flagged.length) / Math.max(1, r.documents)).toFixed(2)}%) at evidence > ${r.threshold}`,
  ];
  for (const [name, s] of Object.entries(r.signals)) lines.push(`  ${name.padEnd(28)} a reason for ${s.flagged}`);
  for (const f of r.flagged.slice(0, show)) {
    lines.push(`${f.id}  (evidence ${f.score.toFixed(1)})`);
    for (const reason of f.reasons) lines.push(`    ${reason.signal} (z ${reason.z.toFixed(1)}): ${reason.why}`);
  }
  if (r.flagged.length > show) lines.push(`… ${r.flagged.length - show} more (--show N, or --json for all)`);
  if (savedIn !== null) lines.push(`saved to ${savedIn}/audit.json; exclude them with "filter": {"flagged": "exclude"}`);
  return lines.join('\n') + '\n';
}
