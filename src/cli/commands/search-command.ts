/** `quarry search`: BM25 search from the command line. */
import { Option, type Command } from 'commander';
import { answerOfHits, answerOfResult, Collection, type Hit, type Snapshot, type TextSearchOptions } from '../../collection/index.js';
import { QuarryError } from '../../core/quarry-error.js';
import { countedNoun } from '../counted-noun.js';
import { parseJsonOption, readQuerySpecOption } from '../../io/json-option.js';
import { checkOptionScopes, givenOnCommandLine, type OptionScope } from '../option-scope.js';
import { resolveRm3Params, type Rm3Params } from '../../search/rm3.js';
import type { QuerySpecInput } from '../../search/query-spec.js';
import { guarded, intOption } from '../command-options.js';
import { withDeadline } from '../../core/deadline.js';

interface SearchFlags {
  k: number;
  fields?: string;
  json?: boolean;
  exhaustive?: boolean;
  vector?: string;
  sparse?: string;
  field?: string;
  params?: string;
  spec?: string;
  rm3?: string | true;
  syntax?: 'terms' | 'lucene';
  timeout: number;
}

/** A one-line preview of a hit's stored text. */
export function preview(hit: Hit, width = 100): string {
  const s = hit.stored ?? {};
  const title = typeof s.title === 'string' ? s.title.trim() : '';
  const text = typeof s.text === 'string' ? s.text.replace(/\s+/g, ' ').trim() : '';
  const line = title !== '' ? `${title} — ${text}` : text;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** Which search options go together: one kind of query, and only that kind's options. */
const SEARCH_SCOPES: readonly OptionScope[] = [
  { option: 'vector', without: ['sparse', 'spec'] },
  { option: 'sparse', without: ['spec'] },
  { option: 'field', with: ['vector', 'sparse'], hint: 'text search takes --fields' },
  { option: 'params', with: ['vector', 'sparse'], hint: 'text search has none; in a query spec, params go in its legs' },
  { option: 'fields', without: ['vector', 'sparse', 'spec'], hint: 'a query spec names fields in its legs' },
  { option: 'exhaustive', without: ['vector', 'sparse', 'spec', 'rm3'] },
  { option: 'rm3', without: ['vector', 'sparse', 'spec'], hint: 'RM3 expands a text query' },
  {
    option: 'syntax',
    without: ['vector', 'sparse', 'spec', 'rm3'],
    hint: 'query syntax reads text queries; in a query spec, give "syntax" in a text leg',
  },
];

/** Why a text search found nothing, when the reason is not the documents: no text field, or no words left after analysis. */
function noMatchReason(snap: Snapshot, words: string[], flags: SearchFlags, fields: TextSearchOptions['fields']): string {
  if (flags.spec !== undefined || flags.vector !== undefined || flags.sparse !== undefined || flags.syntax === 'lucene') return '';
  if (!Object.values(snap.schema.fields).some((f) => f.type === 'text'))
    return ': the collection has no text field (search its vectors with --vector, --sparse or --spec)';
  if (flags.rm3 === undefined && snap.queryTerms(words.join(' '), fields).length === 0)
    return ': the query has no words left after analysis (stopwords such as "the" and punctuation are dropped)';
  return '';
}

/** Registers `quarry search`. */
export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search a collection with BM25 and print the best documents')
    .configureOutput({
      // commander reads a Lucene query such as '-mouse +gene' as an option: say how to pass it
      outputError: (str, write) =>
        write(
          /unknown option '-[^-]/.test(str)
            ? `${str.trimEnd()}\n(a query that starts with "-" goes after "--", at the end: quarry search DIR [options] -- '-word more words')\n`
            : str,
        ),
    })
    .argument('<dir>', 'collection folder')
    .argument('[query...]', 'query text (omit with --vector)')
    .option('-k, --k <n>', "number of results (with --spec: replaces the spec's k)", intOption(1), 10)
    .option('--fields <names>', 'comma-separated text fields to search, optionally with boosts: title^2,contents')
    .option('--exhaustive', 'score every posting instead of pruning (same results; for checking)')
    .addOption(
      new Option(
        '--syntax <how>',
        'read the query as a bag of words (terms, Anserini\'s way) or in Lucene\'s classic syntax (lucene): "phrases"~slop, +must, -not, AND/OR/NOT, (groups), field:word, prefix*, wild?card, /regexp/, [a TO b], fuzzy~, ^boost',
      )
        .choices(['terms', 'lucene'])
        .default('terms'),
    )
    .option(
      '--rm3 [json]',
      "BM25 with RM3 pseudo-relevance feedback (Anserini's defaults; optional JSON: fbTerms, fbDocs, originalQueryWeight, maxDocFreqShare) on the one text field, or the one named by --fields",
    )
    .option('--vector <json>', 'nearest-neighbour search with this vector (a JSON array) on --field')
    .option('--sparse <json>', 'learned-sparse search with this {token: weight} query on --field')
    .option('--field <name>', 'field for --vector or --sparse (default: the only field of that kind)')
    .option('--params <json>', 'search parameters of the dense index family, e.g. \'{"efSearch":128}\'')
    .option(
      '--spec <file>',
      'run a JSON query spec (legs, fusion, filter, facets, explain) from a file, or inline when it starts with "{"; see docs/query-spec.md',
    )
    .option('--timeout <ms>', 'stop a search that runs longer (exit 75)', intOption(1), 60_000)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ quarry search ./scifact-idx "microRNA regulation of cancer" -k 5
  $ quarry search ./cacm-idx "parallel sorting algorithms" --rm3 '{"fbDocs":5}'
  $ quarry search ./cacm-idx '"operating system" +paging -virtual' --syntax lucene
  $ quarry search ./cacm-idx 'comp?ter* /parall?el.*/ [sort TO sorz}' --syntax lucene
  $ quarry search ./vectors --vector "[0.12, -0.3, 0.5]" --field emb --params '{"efSearch":128}'
  $ quarry search ./splade --sparse '{"brother": 1.6, "paula": 2.1}' --params '{"queryCut":10}'
  $ quarry search ./idx --spec hybrid.json --json`,
    )
    .action(
      guarded(async (dir: string, words: string[], flags: SearchFlags, cmd: Command) => {
        checkOptionScopes(cmd, SEARCH_SCOPES);
        const mode =
          flags.spec !== undefined
            ? '--spec'
            : flags.sparse !== undefined
              ? '--sparse'
              : flags.vector !== undefined
                ? '--vector'
                : undefined;
        if (mode !== undefined && words.length > 0)
          throw new QuarryError(
            'BAD_ARGUMENT',
            `query text cannot be combined with ${mode}`,
            { field: 'query' },
            `remove "${words.join(' ')}"`,
          );
        const snap = Collection.open(dir).reader();
        const fields = flags.fields === undefined ? undefined : parseFieldBoosts(flags.fields);
        const t0 = performance.now();
        let hits: Hit[];
        if (flags.spec !== undefined) {
          const spec = readQuerySpecOption(flags.spec);
          // as in `quarry run --spec`, a -k typed on the command line wins over the spec's k
          if (givenOnCommandLine(cmd, 'k') && spec !== null && typeof spec === 'object' && !Array.isArray(spec))
            (spec as Record<string, unknown>).k = flags.k;
          // checked by queryAsync, which names what is wrong
          const result = await snap.queryAsync(spec as QuerySpecInput, { timeoutMs: flags.timeout });
          if (flags.json) {
            // the server's answer shape (docs/server.md), with the stored properties
            const answer = answerOfResult(result, snap.generation, { stored: true });
            process.stdout.write(JSON.stringify({ ...answer, took_ms: performance.now() - t0 }, null, 2) + '\n');
            return;
          }
          hits = result.hits.map((h) => ({ id: h.id, score: h.score, doc: h.doc, stored: h.stored }));
          if (result.facets !== undefined) process.stderr.write(`facets: ${JSON.stringify(result.facets)}\n`);
        } else if (flags.sparse !== undefined) {
          const q = parseJsonOption(flags.sparse, '--sparse');
          if (q === null || typeof q !== 'object' || Array.isArray(q))
            throw new QuarryError('BAD_ARGUMENT', 'expected a JSON object {token: weight}', { field: '--sparse' });
          const field = pickField(snap.schema.fields, 'sparse', flags.field);
          const params = flags.params === undefined ? undefined : (parseJsonOption(flags.params, '--params') as Record<string, number>);
          hits = withDeadline(flags.timeout, () => snap.searchSparse(field, q as Record<string, number>, { k: flags.k, params }));
        } else if (flags.vector !== undefined) {
          const vector = parseJsonOption(flags.vector, '--vector');
          if (!Array.isArray(vector) || vector.some((x) => typeof x !== 'number'))
            throw new QuarryError('BAD_ARGUMENT', 'expected a JSON array of numbers', { field: '--vector' });
          const field = pickField(snap.schema.fields, 'dense', flags.field);
          const params = flags.params === undefined ? undefined : (parseJsonOption(flags.params, '--params') as Record<string, number>);
          hits = withDeadline(flags.timeout, () => snap.searchVector(field, vector as number[], { k: flags.k, params }));
        } else {
          if (words.length === 0)
            throw new QuarryError('BAD_ARGUMENT', 'give query text, or --vector, --sparse or --spec', { field: 'query' });
          if (flags.rm3 !== undefined) {
            const { field, params } = rm3Option(snap.schema.fields, flags.rm3, flags.fields);
            hits = withDeadline(flags.timeout, () => snap.searchRm3(words.join(' '), field, { k: flags.k, params }));
          } else
            hits = withDeadline(flags.timeout, () =>
              snap.search(words.join(' '), {
                k: flags.k,
                fields,
                mode: flags.exhaustive ? 'exhaustive' : 'auto',
                ...(flags.syntax === 'lucene' ? { syntax: 'lucene' as const } : {}),
              }),
            );
        }
        const ms = performance.now() - t0;
        if (flags.json) {
          // the same shape as with --spec and as the server's answer
          process.stdout.write(JSON.stringify({ ...answerOfHits(hits, snap.generation), took_ms: ms }, null, 2) + '\n');
          return;
        }
        hits.forEach((h, i) =>
          process.stdout.write(`${String(i + 1).padStart(3)}  ${h.score.toFixed(4).padStart(8)}  ${h.id.padEnd(10)}  ${preview(h)}\n`),
        );
        if (hits.length === 0) process.stdout.write(`no documents match${noMatchReason(snap, words, flags, fields)}\n`);
        process.stderr.write(
          `${countedNoun(hits.length, 'result')} in ${ms.toFixed(1)} ms from ${countedNoun(snap.numDocs, 'document')}\n`,
        );
      }),
    );
}

/** Parses `a^2,b` into field boosts. */
export function parseFieldBoosts(spec: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, boost] = part.split('^');
    out[name!] = boost === undefined ? 1 : Number(boost);
  }
  return out;
}

/**
 * What `--rm3 [json]` asks for: RM3 parameters (checked now, so a bad one is named
 * before any search) and the one text field it expands, named by --fields or the
 * collection's only text field.
 */
export function rm3Option(
  schemaFields: Readonly<Record<string, { type: string }>>,
  rm3: string | true,
  fields: string | undefined,
): { field: string; params: Rm3Params } {
  let given: Record<string, unknown> = {};
  if (rm3 !== true) {
    const parsed = parseJsonOption(rm3, '--rm3');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new QuarryError('BAD_ARGUMENT', 'expected a JSON object of RM3 parameters, e.g. \'{"fbDocs":10}\'', { field: '--rm3' });
    given = parsed as Record<string, unknown>;
  }
  let params: Rm3Params;
  try {
    params = resolveRm3Params(given);
  } catch (e) {
    throw new QuarryError('BAD_ARGUMENT', (e as Error).message, { field: '--rm3' });
  }
  if (fields === undefined) return { field: pickField(schemaFields, 'text', undefined, '--fields'), params };
  const boosts = parseFieldBoosts(fields);
  const named = Object.keys(boosts);
  if (named.length !== 1 || boosts[named[0]!] !== 1)
    throw new QuarryError('BAD_ARGUMENT', 'with --rm3, give exactly one text field and no boost', { field: '--fields' });
  return { field: named[0]!, params };
}

/** The field named by `flag` (--field), or the only field of `type`. */
export function pickField(
  fields: Readonly<Record<string, { type: string }>>,
  type: string,
  given: string | undefined,
  flag = '--field',
): string {
  if (given !== undefined) return given;
  const names = Object.entries(fields)
    .filter(([, f]) => f.type === type)
    .map(([n]) => n);
  if (names.length === 1) return names[0]!;
  throw new QuarryError(
    'BAD_ARGUMENT',
    names.length === 0 ? `this collection has no ${type} field` : `choose one of: ${names.join(', ')}`,
    { field: flag },
  );
}
