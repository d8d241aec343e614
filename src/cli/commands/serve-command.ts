/** `quarry serve`: the HTTP API, the search page and the evaluation page over a folder of collections. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { Collection } from '../../collection/index.js';
import { QuarryError } from '../../core/quarry-error.js';
import { parseKeysVariable, readKeysFile, type ApiKey } from '../../server/api-keys.js';
import { CACM_FILES } from '../bundled-data.js';
import { corsOriginProblem } from '../../server/cors-origins.js';
import { collect, guarded, intOption } from '../command-options.js';
import { importCorpus } from '../../ingest/import-corpus.js';

/** The packages the HTTP server needs: optional peers of the package, so that a library-only install has none of them. */
export const SERVER_PACKAGES = ['fastify@5', '@fastify/cors@11', 'prom-client@15', 'zod-to-json-schema@3'];

/** Loads the server, with a clear error naming what to install when its packages are missing. */
async function serverModule(): Promise<typeof import('../../server/app.js')> {
  try {
    return await import('../../server/app.js');
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    throw new QuarryError(
      'BAD_ARGUMENT',
      `quarry serve needs the server packages, which this install left out (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
      { field: 'serve' },
      `npm install ${SERVER_PACKAGES.join(' ')}`,
    );
  }
}

interface ServeFlags {
  host: string;
  port: number;
  keys?: string;
  cors?: string[];
  bodyLimitMb: number;
  timeout: number;
  maxK: number;
  maxDepth: number;
  bench?: string;
  log?: boolean;
  allowOpen?: boolean;
  withCacm?: boolean;
  models?: string[];
  searchThreads: number;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Collects a repeatable --cors value, refusing what cannot be an origin. */
function corsOriginOption(value: string, previous: string[] = []): string[] {
  const problem = corsOriginProblem(value);
  if (problem !== null) throw new InvalidArgumentError(`${problem}.`);
  return collect(value, previous);
}

/** How the listening line describes where searches run. */
function searchThreadsNote(threads: number): string {
  return threads === 0 ? 'searches on the request thread' : `${threads} search thread${threads === 1 ? '' : 's'}`;
}

/** Registers `quarry serve`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the collections of a folder over HTTP: JSON API, search page at /, evaluation page at /eval')
    .argument('<data-dir>', 'folder holding one collection per sub-folder (created when missing)')
    .option('--host <host>', 'address to bind (loopback unless you say otherwise)', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', intOption(0, 65535), 7700)
    .option(
      '--keys <file>',
      'API keys file: {"keys": [{"name", "key", "role": "read|write|admin"}]} (also: QUARRY_API_KEYS="role:key,...")',
    )
    .option(
      '--cors <origin>',
      'allow this origin, e.g. https://app.example.org (repeatable; * alone allows any); CORS is off without it',
      corsOriginOption,
    )
    .option('--body-limit-mb <n>', 'largest request body in MiB', intOption(1), 64)
    .option('--timeout <ms>', 'per-request deadline in milliseconds', intOption(100), 30_000)
    .option('--max-k <n>', 'largest k of a search', intOption(1), 1000)
    .option('--max-depth <n>', 'largest candidate depth (leg k, offset + k, run k)', intOption(1), 10_000)
    .option('--bench <dir>', 'benchmark result folder shown on the evaluation page (e.g. bench/out)')
    .option('--with-cacm', 'create the collection "cacm" from the bundled CACM data when it is missing')
    .option('--allow-open', 'allow binding a non-loopback address without API keys')
    .option('--log', 'log requests as JSON lines (keys are never logged)')
    .option('--models <dir>', 'folder model paths in schemas sent over HTTP must lie in (repeatable; default none)', collect)
    .option(
      '--search-threads <n>',
      'threads that run searches, each with its own copy of the collections it searches; 0 searches on the request thread (a long search then holds /health)',
      intOption(0, 256),
      1,
    )
    .addHelpText(
      'after',
      `
Example:
  $ quarry serve ./collections --with-cacm --bench bench/out
  $ quarry serve ./collections --models ./models    # schemas may then name encoders under ./models
  then open http://127.0.0.1:7700/ and try: curl -s localhost:7700/v1/collections/cacm/search \\
       -H 'content-type: application/json' -d '{"retrieve":[{"field":"contents","text":"parsing"}]}'`,
    )
    .action(
      guarded(async (dataDir: string, flags: ServeFlags) => {
        const keys: ApiKey[] = [];
        if (flags.keys !== undefined) keys.push(...readKeysFile(flags.keys));
        const env = process.env.QUARRY_API_KEYS;
        if (env !== undefined && env.trim() !== '') keys.push(...parseKeysVariable(env));
        if (!isLoopback(flags.host) && keys.length === 0 && flags.allowOpen !== true) {
          throw new QuarryError(
            'BAD_ARGUMENT',
            `binding ${flags.host} without API keys would let anyone on the network write and drop collections`,
            { field: '--host' },
            'give --keys FILE or QUARRY_API_KEYS, or pass --allow-open',
          );
        }
        if (flags.bench !== undefined && !existsSync(flags.bench))
          throw new QuarryError('NOT_FOUND', 'benchmark folder does not exist', { file: flags.bench, field: '--bench' });
        if (flags.withCacm === true && !Collection.exists(join(dataDir, 'cacm'))) {
          const s = importCorpus(join(dataDir, 'cacm'), CACM_FILES.corpus);
          process.stderr.write(`indexed the bundled CACM collection: ${s.added} documents -> ${join(dataDir, 'cacm')}\n`);
        }
        const { createServer } = await serverModule();
        const server = await createServer({
          dataDir,
          keys,
          corsOrigins: flags.cors ?? [],
          bodyLimit: flags.bodyLimitMb * 1024 * 1024,
          timeoutMs: flags.timeout,
          maxK: flags.maxK,
          maxDepth: flags.maxDepth,
          benchDir: flags.bench ?? null,
          logRequests: flags.log ?? false,
          modelDirs: flags.models ?? [],
          searchThreads: flags.searchThreads,
        });
        let url: string;
        try {
          url = await server.listen(flags.host, flags.port);
        } catch (e) {
          await server.close();
          const code = (e as { code?: string }).code;
          if (code === 'EADDRINUSE')
            throw new QuarryError(
              'IO',
              `port ${flags.port} is already in use`,
              { field: '--port' },
              'choose another --port, or 0 for any free port',
            );
          if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
            throw new QuarryError('BAD_ARGUMENT', `cannot bind ${flags.host}`, { field: '--host' });
          throw e;
        }
        const names = server.context.collections.names();
        process.stdout.write(
          `quarry serve: listening on ${url} (${names.length} collection${names.length === 1 ? '' : 's'}: ${names.join(', ') || 'none yet'}; ${keys.length > 0 ? `${keys.length} API key(s)` : 'no API keys'}; ${searchThreadsNote(server.context.searchThreads?.size ?? 0)})\n`,
        );
        let closing = false;
        const shutdown = (signal: string): void => {
          if (closing) return;
          closing = true;
          process.stdout.write(`quarry serve: ${signal}: finishing in-flight requests and committing\n`);
          server.close().then(
            () => {
              // No process.exit: the process ends by itself once the last response has been flushed.
              process.stdout.write('quarry serve: stopped\n');
            },
            (e: unknown) => {
              process.stderr.write(`quarry serve: error while stopping: ${e instanceof Error ? e.message : String(e)}\n`);
              process.exit(1);
            },
          );
        };
        process.on('SIGINT', () => shutdown('SIGINT'));
        process.on('SIGTERM', () => shutdown('SIGTERM'));
      }),
    );
}
