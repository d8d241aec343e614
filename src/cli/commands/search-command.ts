/** `quarry search`: BM25 search from the command line. */
import type { Command } from 'commander';
import { Collection, type Hit } from '../../collection/index.js';
import { guarded, intOption } from '../run-command.js';

interface SearchFlags {
  k: number;
  fields?: string;
  json?: boolean;
  exhaustive?: boolean;
}

/** A one-line preview of a hit's stored text. */
export function preview(hit: Hit, width = 100): string {
  const s = hit.stored ?? {};
  const title = typeof s.title === 'string' ? s.title.trim() : '';
  const text = typeof s.text === 'string' ? s.text.replace(/\s+/g, ' ').trim() : '';
  const line = title !== '' ? `${title} — ${text}` : text;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** Registers `quarry search`. */
export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search a collection with BM25 and print the best documents')
    .argument('<dir>', 'collection folder')
    .argument('<query...>', 'query text')
    .option('-k, --k <n>', 'number of results', intOption(1), 10)
    .option('--fields <names>', 'comma-separated text fields to search, optionally with boosts: title^2,contents')
    .option('--exhaustive', 'score every posting instead of pruning (same results; for checking)')
    .option('--json', 'print JSON')
    .addHelpText('after', `
Example:
  $ quarry search ./scifact-idx "microRNA regulation of cancer" -k 5`)
    .action(guarded((dir: string, words: string[], flags: SearchFlags) => {
      const snap = Collection.open(dir).reader();
      const fields = flags.fields === undefined ? undefined : parseFieldBoosts(flags.fields);
      const t0 = performance.now();
      const hits = snap.search(words.join(' '), { k: flags.k, fields, mode: flags.exhaustive ? 'exhaustive' : 'auto' });
      const ms = performance.now() - t0;
      if (flags.json) {
        process.stdout.write(JSON.stringify({ query: words.join(' '), took_ms: ms, hits: hits.map(({ id, score, stored }) => ({ id, score, stored })) }, null, 2) + '\n');
        return;
      }
      hits.forEach((h, i) => process.stdout.write(`${String(i + 1).padStart(3)}  ${h.score.toFixed(4).padStart(8)}  ${h.id.padEnd(10)}  ${preview(h)}\n`));
      if (hits.length === 0) process.stdout.write('no documents match\n');
      process.stderr.write(`${hits.length} results in ${ms.toFixed(1)} ms from ${snap.numDocs.toLocaleString('en-US')} documents\n`);
    }));
}

/** Parses `a^2,b` into field boosts. */
export function parseFieldBoosts(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, boost] = part.split('^');
    out[name!] = boost === undefined ? 1 : Number(boost);
  }
  return out;
}
