/**
 * Fuzzing targets: each turns random input (from fast-check) into a call of one of
 * Quarry's input paths (the query syntax, the query spec, qrels and run lines, vector
 * files, manifests, segment files, the HTTP API). A call may succeed or refuse its input
 * with a QuarryError (an HTTP answer below 500); anything else is a crash, and a call
 * that outlives the deadline is a hang. Run briefly by test/reliability/fuzz-harness.test.ts
 * and at length by `npm run bench -- fuzz`.
 */
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Collection, parseSchema, type Snapshot } from '../../src/collection/index.js';
import { isQuarryError } from '../../src/core/quarry-error.js';
import { parseQrelsText, parseRunLine } from '../../src/eval/index.js';
import { readVectorMatrix } from '../../src/io/vector-files.js';
import { createServer, type QuarryServer } from '../../src/server/index.js';
import type { QuerySpecInput } from '../../src/search/query-spec.js';

/** One input path under fuzzing. */
export interface FuzzTarget {
  name: string;
  /** Random inputs for it. */
  input: fc.Arbitrary<unknown>;
  /** Feeds one input; resolves or rejects as the code under test does. */
  run(input: unknown): Promise<void> | void;
}

/** What a fuzzing run found. */
export interface FuzzReport {
  target: string;
  executions: number;
  /** Distinct crashes: first line of the message and the first stack frame, with an input that caused it. */
  crashes: Map<string, string>;
  hangs: number;
  /** HTTP answers of 500 and above. */
  serverErrors: number;
  slowestMs: number;
}

/** Raised by the HTTP target for an answer of 500 or above. */
class ServerError extends Error {}

const SYNTAX_ALPHABET = [...'abcxyz019 "()[]{}*?~^+-:/\\!&|<>.,@#TOANDRN', 'AND', 'OR', 'NOT', 'TO', '\u00e9', '\ud83d\ude00'];

/** Builds the targets over a scratch folder (a small collection, copies of it, a server). */
export async function createFuzzTargets(dir: string): Promise<{ targets: FuzzTarget[]; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const schema = parseSchema({
    fields: {
      title: { type: 'text' },
      text: { type: 'text' },
      tag: { type: 'keyword' },
      n: { type: 'number' },
      v: { type: 'dense', dim: 3, index: 'hnsw' },
      sp: { type: 'sparse' },
    },
  });
  const base = join(dir, 'base');
  const c = Collection.create(base, schema);
  const w = c.writer();
  const words = ['solar', 'wind', 'battery', 'grid', 'storage', 'turbine', 'panel', 'hydro', 'abc', 'abd'];
  for (let i = 0; i < 60; i++)
    w.add({
      _id: `d${i}`,
      title: words[i % 10]!,
      text: `${words[(i * 3) % 10]} ${words[(i * 7) % 10]} energy ${i}`,
      tag: i % 2 === 0 ? 'a' : 'b',
      n: i,
      v: [1, (i % 5) / 5, (i % 3) / 3],
      sp: { [words[i % 10]!]: 1 + (i % 3) },
    });
  w.commit();
  w.close();
  const snap: Snapshot = c.reader();

  const validSpec = {
    retrieve: [
      { field: 'text', text: 'solar wind' },
      { field: 'v', vector: [1, 0.5, 0.2], params: { efSearch: 20 } },
      { field: 'sp', sparse: { solar: 1 } },
    ],
    fuse: { method: 'rrf', k: 60 },
    filter: { where: { and: [{ n: { gte: 3 } }, { tag: { in: ['a', 'b'] } }] } },
    facets: ['tag'],
    k: 5,
    explain: true,
  };
  // a valid spec with one value somewhere replaced by anything JSON can hold
  const mutatedSpec = fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })).map(([at, value]) => replaceAt(validSpec, at, value));

  const copy = join(dir, 'copy');
  const freshCopy = (): string => {
    rmSync(copy, { recursive: true, force: true });
    cpSync(base, copy, { recursive: true });
    return copy;
  };
  const segmentFiles = readdirSync(join(base, 'seg-1'));

  const server: QuarryServer = await createServer({ dataDir: join(dir, 'data'), timeoutMs: 5000, bodyLimit: 256 * 1024 });
  cpSync(base, join(dir, 'data', 'f'), { recursive: true });
  const endpoints: [string, string, unknown][] = [
    ['POST', '/v1/collections/f/search', validSpec],
    ['POST', '/v1/collections/f/run', { queries: [{ id: 'q', text: 'solar' }], qrels: [['q', 'd1', 1]], measures: ['map'] }],
    ['POST', '/v1/collections/f/documents', { documents: [{ _id: 'z', text: 'wind', tag: 'a', n: 1, v: [0, 1, 0], sp: { wind: 1 } }] }],
    ['POST', '/v1/collections/f/delete', { ids: ['z'] }],
    ['PUT', '/v1/collections/g', { schema: { fields: { text: { type: 'text' } } } }],
  ];

  const targets: FuzzTarget[] = [
    {
      name: 'query syntax',
      input: fc.array(fc.constantFrom(...SYNTAX_ALPHABET), { maxLength: 30 }).map((parts) => parts.join('')),
      run: (text) => void snap.search(text as string, { syntax: 'lucene', k: 5 }),
    },
    {
      name: 'query spec',
      input: fc.oneof(mutatedSpec, fc.jsonValue({ maxDepth: 4 })),
      run: (spec) => void snap.query(spec as QuerySpecInput),
    },
    {
      name: 'qrels and run lines',
      input: fc.array(
        fc.array(
          fc.oneof(
            fc.constantFrom('1', 'Q0', '0', '-1', 'd1', '2147483647', '1e9', 'NaN', '3.5', '', '\u00e9'),
            fc.string({ maxLength: 6 }),
          ),
          {
            maxLength: 7,
          },
        ),
        { minLength: 1, maxLength: 6 },
      ),
      run: (lines) => {
        const rows = (lines as string[][]).map((l) => l.join(' '));
        try {
          parseQrelsText(rows.join('\n'), 'q.qrels');
        } finally {
          rows.forEach((line, i) => parseRunLine(line, 'r.run', i + 1));
        }
      },
    },
    {
      name: 'vector files',
      input: fc.tuple(fc.constantFrom('fvecs', 'ivecs', 'bvecs', 'npy'), fc.uint8Array({ maxLength: 200 })),
      run: (input) => {
        const [ext, bytes] = input as [string, Uint8Array];
        const path = join(dir, `fuzz.${ext}`);
        writeFileSync(path, bytes);
        readVectorMatrix(path);
      },
    },
    {
      name: 'manifests',
      input: fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 8 })),
      run: (input) => {
        const [at, cut, insert] = input as [number, number, string];
        const path = join(freshCopy(), 'manifest-2.json');
        const text = readFileSync(path, 'utf8');
        const i = at % text.length;
        writeFileSync(path, text.slice(0, i) + insert + text.slice(Math.min(text.length, i + (cut % 4))));
        Collection.open(copy).reader().search('solar');
      },
    },
    {
      name: 'segment files',
      input: fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()),
      run: (input) => {
        const [which, at, xor, truncate] = input as [number, number, number, boolean];
        const path = join(freshCopy(), 'seg-1', segmentFiles[which % segmentFiles.length]!);
        const bytes = readFileSync(path);
        if (bytes.length === 0) return;
        const i = at % bytes.length;
        if (truncate) writeFileSync(path, bytes.subarray(0, i));
        else {
          bytes[i] = bytes[i]! ^ xor;
          writeFileSync(path, bytes);
        }
        Collection.open(copy).reader().search('solar');
      },
    },
    {
      name: 'HTTP API',
      input: fc.tuple(
        fc.nat({ max: endpoints.length - 1 }),
        fc.oneof(
          fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 3 })).map(([at, value]) => ({ mutate: at, value })),
          fc.string({ maxLength: 60 }).map((raw) => ({ raw })),
        ),
      ),
      run: async (input) => {
        const [e, how] = input as [number, { mutate?: number; value?: unknown; raw?: string }];
        const [method, url, valid] = endpoints[e]!;
        const payload = how.raw ?? JSON.stringify(replaceAt(valid, how.mutate!, how.value));
        const res = await server.app.inject({
          method: method as 'POST' | 'PUT',
          url,
          payload,
          headers: { 'content-type': 'application/json' },
        });
        if (res.statusCode >= 500) throw new ServerError(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
      },
    },
  ];
  return {
    targets,
    async close(): Promise<void> {
      snap.close();
      await server.close();
    },
  };
}

/**
 * Runs `target` for `executions` inputs (or until `seconds` pass), each under
 * `deadlineMs`; refusals with a QuarryError are fine, anything else is counted.
 */
export async function fuzz(
  target: FuzzTarget,
  opts: { executions: number; seconds: number; deadlineMs: number; seed: number },
): Promise<FuzzReport> {
  const report: FuzzReport = { target: target.name, executions: 0, crashes: new Map(), hangs: 0, serverErrors: 0, slowestMs: 0 };
  const stopAt = performance.now() + opts.seconds * 1000;
  let seed = opts.seed;
  while (report.executions < opts.executions && performance.now() < stopAt) {
    const batch = fc.sample(target.input, { numRuns: 100, seed: seed++ });
    for (const input of batch) {
      if (report.executions >= opts.executions) break;
      const started = performance.now();
      try {
        await target.run(input);
      } catch (e) {
        if (e instanceof ServerError) report.serverErrors++;
        else if (!isQuarryError(e)) {
          const err = e as Error;
          const key = `${String(err?.message).split('\n')[0]} @ ${String(err?.stack).split('\n')[1]?.trim() ?? ''}`;
          if (!report.crashes.has(key)) report.crashes.set(key, JSON.stringify(input)?.slice(0, 300) ?? String(input));
        }
      }
      const ms = performance.now() - started;
      if (ms > report.slowestMs) report.slowestMs = ms;
      if (ms > opts.deadlineMs) report.hangs++;
      report.executions++;
    }
  }
  return report;
}

/** A deep copy of `value` with its `at`-th node (in depth-first order, modulo their count) replaced by `replacement`. */
function replaceAt(value: unknown, at: number, replacement: unknown): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    for (const [k, child] of Object.entries(v)) {
      nodes.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      walk(child);
    }
  };
  walk(copy);
  if (nodes.length === 0) return replacement;
  const { parent, key } = nodes[at % nodes.length]!;
  (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}
