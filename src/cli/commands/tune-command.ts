/** `quarry tune`: measure a dense field's recall curves on the queries a workload asks, instead of pseudo-queries. */
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { QuarryError } from '../../core/quarry-error.js';
import { guarded } from '../command-options.js';
import { denseFieldOf, readDenseFieldQueries } from '../dense-field-queries.js';

interface TuneFlags {
  field: string;
  queries?: string;
  textQueries?: string;
  format?: string;
  json?: boolean;
}

/** Registers `quarry tune`. */
export function registerTune(program: Command): void {
  program
    .command('tune')
    .description(
      "measure the recall@10 of a dense field's search settings on queries your users ask (a query log) instead of the pseudo-queries each segment measured itself on, and commit the curves searches choose their setting from",
    )
    .argument('<dir>', 'collection folder')
    .requiredOption('--field <name>', 'the dense field')
    .option('--queries <file>', 'query vectors: JSONL ({"vector": [...]} per line), .fvecs, .bvecs, .npy or raw float32')
    .option(
      '--text-queries <file>',
      'query texts for a field with an encoder: one per line (.txt or .log), or BEIR JSONL, TSV or TREC topics',
    )
    .option('--format <format>', 'format of --queries when its extension does not tell: jsonl, fvecs, ivecs, bvecs, npy, raw')
    .option('--json', 'print the chosen settings as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry tune ./vecs --field emb --queries logged-queries.fvecs
  then searches without --params aim at the field's targetRecall (default 0.95) with curves measured on those queries`,
    )
    .action(
      guarded((dir: string, flags: TuneFlags) => {
        if ((flags.queries === undefined) === (flags.textQueries === undefined))
          throw new QuarryError('BAD_ARGUMENT', 'give the queries as vectors (--queries) or as texts (--text-queries)', {
            field: '--queries',
          });
        const c = Collection.open(dir);
        const spec = denseFieldOf(c.schema, flags.field);
        const rows = readDenseFieldQueries(flags.field, spec, flags, false).vectors;
        const w = c.writer();
        try {
          w.tuneRecall(flags.field, rows);
        } finally {
          w.close();
        }
        const field = c.info().fields.find((f) => f.name === flags.field)!;
        const segments = field.recall?.segments ?? [];
        if (flags.json) {
          process.stdout.write(
            JSON.stringify({ field: flags.field, queries: rows.length / spec.dim, target: field.recall?.target, segments }) + '\n',
          );
          return;
        }
        let out = `measured ${segments.length} segment${segments.length === 1 ? '' : 's'} of ${flags.field} on ${rows.length / spec.dim} queries\n`;
        if (segments.length === 0) out += '  no segment is tuned: the field is exact, or its segments have fewer than 1,000 rows\n';
        for (const s of segments)
          out += `  ${s.segment.padEnd(10)} recall@10 ${s.predicted.toFixed(3)} at ${Object.entries(s.params)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} (target ${field.recall!.target})\n`;
        process.stdout.write(out);
      }),
    );
}
