/** `quarry add`, `quarry delete`, `quarry check`, `quarry snapshot`: changing and looking after a collection. */
import type { Command } from 'commander';
import { checkCollection, Collection, snapshotCollection } from '../../collection/index.js';
import { readCorpusRecords, type CorpusRecord } from '../../io/corpus-files.js';
import { readJsonObjects } from '../../io/jsonl.js';
import { forEachLine, STDIN_PATH } from '../../io/line-reader.js';
import { collect, guarded } from '../command-options.js';
import { countedNoun } from '../counted-noun.js';
import { QuarryError } from '../../core/quarry-error.js';

const STDIN = STDIN_PATH;

/** Registers the maintenance commands. */
/** NDJSON records from standard input, named "stdin" in errors. */
function* readStdinRecords(path: string): Generator<CorpusRecord> {
  for (const { record, line } of readJsonObjects(path)) yield { record, file: 'stdin', line };
}

/** Registers `quarry add`, `quarry delete`, `quarry check` and `quarry snapshot`. */
export function registerMaintenance(program: Command): void {
  program
    .command('add')
    .description('add (or with --update replace) documents from NDJSON, TREC files or a folder of them; one commit, all-or-nothing')
    .argument('<dir>', 'collection folder')
    .argument('[file]', 'documents: NDJSON, TREC <DOC> files, gzipped or not, or a folder of them (default: NDJSON on standard input)')
    .option('--update', 'replace documents whose id exists instead of failing')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ quarry add ./idx new-docs.jsonl
  $ cat changed.jsonl | quarry add ./idx --update`,
    )
    .action(
      guarded((dir: string, file: string | undefined, flags: { update?: boolean; json?: boolean }) => {
        const w = Collection.open(dir).writer();
        const path = file ?? STDIN;
        let n = 0;
        try {
          // a file or folder is read as quarry index reads a corpus; standard input is NDJSON
          const records = file === undefined ? readStdinRecords(path) : readCorpusRecords(file);
          for (const { record, file: source, line } of records) {
            if (flags.update) w.update(record, { file: source, line });
            else w.add(record, { file: source, line });
            n++;
          }
          // nothing to add is an error, as for quarry index: an empty commit would only bump the generation
          if (n === 0) throw new QuarryError('EMPTY', 'has no documents', { file: path }, 'give a file with one document per line');
          const generation = w.commit();
          w.close();
          process.stdout.write(
            flags.json
              ? JSON.stringify({ added: n, generation }) + '\n'
              : `${flags.update ? 'added or replaced' : 'added'} ${n} documents; generation ${generation}\n`,
          );
        } catch (e) {
          w.abort();
          throw e;
        }
      }),
    );

  program
    .command('delete')
    .description('delete documents by id (one id per line, or --id); one commit')
    .argument('<dir>', 'collection folder')
    .argument('[file]', 'ids, one per line (default: standard input, unless --id is given; --id and a file add up)')
    .option('--id <id>', 'an id to delete (repeatable)', collect)
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ quarry delete ./idx --id doc-17 --id doc-42
  $ quarry delete ./idx stale-ids.txt`,
    )
    .action(
      guarded((dir: string, file: string | undefined, flags: { id?: string[]; json?: boolean }) => {
        const w = Collection.open(dir).writer();
        let deleted = 0;
        let missing = 0;
        try {
          const del = (id: string): void => {
            if (id === '') return;
            if (w.delete(id)) deleted++;
            else missing++;
          };
          flags.id?.forEach(del);
          if (file !== undefined || flags.id === undefined) forEachLine(file ?? STDIN, (line) => del(line.trim()));
          // nothing found: no new generation for an unchanged collection
          const generation = deleted > 0 ? w.commit() : w.generation;
          w.close();
          process.stdout.write(
            flags.json
              ? JSON.stringify({ deleted, missing, generation }) + '\n'
              : `deleted ${deleted} documents (${missing} ids not found); generation ${generation}\n`,
          );
        } catch (e) {
          w.abort();
          throw e;
        }
      }),
    );

  program
    .command('optimize')
    .description('merge all segments into one, dropping deleted documents (force merge)')
    .argument('<dir>', 'collection folder')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry optimize ./idx`,
    )
    .action(
      guarded((dir: string, flags: { json?: boolean }) => {
        const started = performance.now();
        const w = Collection.open(dir).writer();
        try {
          const generation = w.optimize();
          w.close();
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            flags.json
              ? JSON.stringify({ segments: 1, generation, seconds }) + '\n'
              : `merged into 1 segment in ${seconds.toFixed(1)} s; generation ${generation}\n`,
          );
        } catch (e) {
          w.abort();
          throw e;
        }
      }),
    );

  program
    .command('check')
    .description('verify every file of the current generation (sizes, headers, CRC-32 checksums)')
    .argument('<dir>', 'collection folder')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry check ./idx`,
    )
    .action(
      guarded((dir: string, flags: { json?: boolean }) => {
        const r = checkCollection(dir);
        process.stdout.write(
          flags.json
            ? JSON.stringify({ ok: true, ...r }) + '\n'
            : `ok: generation ${r.generation}, ${countedNoun(r.segments, 'segment')}, ${countedNoun(r.files, 'file')} verified, ${countedNoun(r.documents, 'document')}\n`,
        );
      }),
    );

  program
    .command('snapshot')
    .description('copy the current committed generation, its calibration and drift adapters to a new folder (hard links where possible)')
    .argument('<dir>', 'collection folder')
    .argument('<dest>', 'new folder for the copy')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ quarry snapshot ./idx ./idx-backup-2026-11-25`,
    )
    .action(
      guarded((dir: string, dest: string, flags: { json?: boolean }) => {
        const r = snapshotCollection(dir, dest);
        process.stdout.write(
          flags.json
            ? JSON.stringify({ ...r, dest }) + '\n'
            : `snapshot of generation ${r.generation}: ${r.files} files ${r.linked ? 'hard-linked' : 'copied'} to ${dest}\n`,
        );
      }),
    );
}
