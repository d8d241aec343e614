/** Runs the built `quarry` CLI in a child process. */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
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
