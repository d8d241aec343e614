/** `quarry quickstart`: index the bundled CACM collection, run its queries, evaluate, and show example searches. */
import { terminalProgress } from '../progress.js';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { evaluateRunFile, formatValue, readQrels } from '../../eval/index.js';
import { QuarryError } from '../../core/quarry-error.js';
import { CACM_FILES } from '../bundled-data.js';
import { guarded } from '../command-options.js';
import { importCorpus } from '../../ingest/import-corpus.js';
import { runQueries } from '../../batch/run-query-file.js';
import { preview } from './search-command.js';

const ANSERINI: Record<string, number> = { map: 0.3123, P_30: 0.1942 };
const EXAMPLES = ['parallel algorithms for sorting', 'compiler optimization of loops', 'time sharing operating systems'];

/** Registers `quarry quickstart`. */
export function registerQuickstart(program: Command): void {
  program
    .command('quickstart')
    .description('index the bundled CACM collection, run and evaluate its queries, show example searches')
    .option('--dir <dir>', 'where to build the collection (replaced if it exists)', join(tmpdir(), 'quarry-quickstart-cacm'))
    .addHelpText(
      'after',
      `
Example:
  $ quarry quickstart --dir ./cacm-idx`,
    )
    .action(
      guarded((flags: { dir: string }) => {
        const dir = flags.dir;
        if (existsSync(dir)) {
          if (!Collection.exists(dir))
            throw new QuarryError('ALREADY_EXISTS', 'exists and is not a collection', { file: dir }, 'choose another --dir');
          rmSync(dir, { recursive: true, force: true });
        }
        const out = (s: string): boolean => process.stdout.write(s);
        out(`1. Indexing CACM (${CACM_FILES.corpus})\n`);
        const s = importCorpus(dir, CACM_FILES.corpus, undefined, terminalProgress());
        out(`   ${s.added.toLocaleString('en-US')} documents in ${s.seconds.toFixed(2)} s -> ${dir}\n\n`);

        const snap = Collection.open(dir).reader();
        const qrels = readQrels(CACM_FILES.qrels);
        const runPath = `${dir}.bm25.run`;
        out('2. Running the judged queries (BM25 k1 0.9 b 0.4, top 1000)\n');
        const r = runQueries(snap, CACM_FILES.queries, runPath, {
          k: 1000,
          tag: 'quarry-bm25',
          only: new Set(qrels.keys()),
          progress: terminalProgress(),
        });
        out(`   ${r.queries} queries in ${(r.seconds * 1000).toFixed(0)} ms -> ${runPath}\n\n`);

        out("3. Evaluation (trec_eval measures) next to Anserini's published BM25\n");
        const report = evaluateRunFile(qrels, runPath, { measures: ['map', 'P.30', 'ndcg_cut.10', 'recall.1000'] });
        out(`   ${'measure'.padEnd(12)} ${'Quarry'.padStart(8)} ${'Anserini'.padStart(9)}\n`);
        for (const name of report.names) {
          const v = formatValue(report.all.get(name)!, 'float').trim();
          out(`   ${name.padEnd(12)} ${v.padStart(8)} ${(ANSERINI[name]?.toFixed(4) ?? '').padStart(9)}\n`);
        }
        out('\n4. Example searches\n');
        for (const q of EXAMPLES) {
          out(`   "${q}"\n`);
          for (const h of snap.search(q, { k: 3 })) out(`     ${h.score.toFixed(3).padStart(7)}  ${h.id.padEnd(6)} ${preview(h, 80)}\n`);
        }
        const structured = '"operating system" +paging -virtual';
        out(`   ${structured}   (--syntax lucene: a phrase, a required word, an excluded one)\n`);
        for (const h of snap.search(structured, { k: 3, syntax: 'lucene' }))
          out(`     ${h.score.toFixed(3).padStart(7)}  ${h.id.padEnd(6)} ${preview(h, 80)}\n`);
        out(
          `\nTry: quarry search ${dir} "your query"   |   quarry search ${dir} '"a phrase" +must -not' --syntax lucene   |   quarry eval -m map ${CACM_FILES.qrels} ${runPath}\n`,
        );
      }),
    );
}
