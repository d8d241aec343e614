/** Runs the built `quarry` CLI in a child process. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI's entry file. */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `quarry ...args` and returns its exit status and output. */
export function quarry(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, env: { ...process.env, QUARRY_DEBUG: '' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Indexes a three-document corpus (`d0` "the black cat sat", `d1` "a cat that is black", `d2`
 * "black dogs bark") with `quarry index` into `dir/idx` and returns that folder.
 */
export function indexCatCorpus(dir: string): string {
  const corpus = join(dir, 'corpus.jsonl');
  const texts = ['the black cat sat', 'a cat that is black', 'black dogs bark'];
  writeFileSync(corpus, texts.map((text, i) => JSON.stringify({ _id: `d${i}`, text })).join('\n') + '\n');
  const idx = join(dir, 'idx');
  const r = quarry(['index', idx, '--corpus', corpus, '--quiet']);
  if (r.status !== 0) throw new Error(`quarry index failed: ${r.stderr}`);
  return idx;
}
