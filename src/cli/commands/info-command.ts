/** `quarry info`: what a collection holds. */
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { guarded } from '../command-options.js';

/** Where a compressed dense field rescores from, for the info line ("" for the other families). */
function rescoringOf(f: { index?: string; floats?: string; lowRank?: { rank: number; sparse: number } }): string {
  if (f.lowRank !== undefined)
    return `, rescoring from rank-${f.lowRank.rank} rows + ${f.lowRank.sparse} residual entries (floats on disk)`;
  if (f.index === 'int8' || f.index === 'binary' || f.index === 'ivfpq')
    return `, rescoring floats ${f.floats === 'disk' ? 'on disk' : 'in memory'}`;
  return '';
}

/** Registers `quarry info`. */
export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('show documents, segments, fields and sizes of a collection')
    .argument('<dir>', 'collection folder')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry info ./scifact-idx`,
    )
    .action(
      guarded((dir: string, flags: { json?: boolean }) => {
        const info = Collection.open(dir).info();
        if (flags.json) {
          process.stdout.write(JSON.stringify(info, null, 2) + '\n');
          return;
        }
        const mb = (b: number): string => `${(b / 1048576).toFixed(2)} MB`;
        let out = `collection  ${info.dir}\ngeneration  ${info.generation}\ndocuments   ${info.documents.toLocaleString('en-US')}\nsize        ${mb(info.bytes)}\n`;
        out += `segments    ${info.segments.length}\n`;
        for (const s of info.segments)
          out += `  ${s.name.padEnd(10)} ${s.documents.toLocaleString('en-US').padStart(12)} docs  ${mb(s.bytes).padStart(12)}\n`;
        out += 'fields\n';
        for (const f of info.fields) {
          out += `  ${f.name.padEnd(16)} ${f.type.padEnd(8)}`;
          if (f.terms !== undefined) out += ` ${f.terms.toLocaleString('en-US')} terms, ${f.postings!.toLocaleString('en-US')} postings`;
          const p = f.positions;
          if (p !== undefined && p.of > 0)
            out +=
              p.segments === p.of
                ? ', positions'
                : p.segments === 0
                  ? ', no positions (no phrase queries)'
                  : `, positions in ${p.segments} of ${p.of} segments (phrase queries need them in all: index the documents again)`;
          if (f.type === 'sparse') out += ` ${f.index}`;
          else if (f.index !== undefined)
            out += ` ${f.index}, ${f.metric}, ${f.dim} dims${rescoringOf(f)}${f.codebook !== undefined ? `, trained codebook v${f.codebook.version} (${f.codebook.method})` : ''}`;
          out += '\n';
          for (const r of f.recall?.segments ?? [])
            out += `    ${r.segment.padEnd(10)} recall@10 ${r.predicted.toFixed(3)} predicted at ${Object.entries(r.params)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')} (target ${f.recall!.target})\n`;
        }
        if (info.adapters.length > 0) out += `adapters    ${info.adapters.join(', ')}\n`;
        if (info.calibrated) out += 'calibration fitted (filter.minRelevance available)\n';
        process.stdout.write(out);
      }),
    );
}
