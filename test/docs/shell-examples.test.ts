// Every shell example in README.md and docs/ runs (issue: developer experience, "every
// shell and TypeScript example … is extracted and run"): each document's `sh` blocks run
// in order in a fresh sandbox (examples-sandbox.ts) with the built CLI as `quarry`, and
// each command must exit 0. The exceptions are named here: the README's first block
// (`npm ci && npm run quickstart` runs the quickstart; `npm test` is this test's own
// runner), and `quarry models pull` with the index that uses the model it downloads (they
// need the internet). `quarry serve` runs in the background for the commands after
// it, on a free port. In docs/reproductions.md a comment of figures after a command
// (`# 0.6789, 0.9253`) must appear in what the command prints.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HAVE_DATASETS } from '../helpers/shared-data.js';
import { createExamplesSandbox } from './examples-sandbox.js';
import { exampleDocs, readBlocks, shellCommands, type ExampleBlock, type ShellCommand } from './markdown-examples.js';

const blocksByDoc = exampleDocs().map((path) => readBlocks(path));
const fileBlocks = blocksByDoc.flat().filter((b) => b.fileName !== undefined);

/** What a command stands for here: run it (possibly rewritten), or skip it and why. */
function plan(c: ShellCommand): { run: string } | { skip: string } {
  if (c.command === 'npm ci && npm run quickstart') return { run: 'quarry quickstart' };
  if (c.command === 'npm test') return { skip: 'npm test runs this test' };
  if (c.command.startsWith('quarry models pull ')) return { skip: 'downloads from the Hugging Face hub' };
  if (c.command.includes('--schema bge.json')) return { skip: 'encodes with the model `quarry models pull` downloads' };
  return { run: c.command };
}

/** Starts `quarry serve` in the background on a free port; resolves with its port and a stop function. */
async function startServe(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ port: string; stop: () => Promise<void> }> {
  const child = spawn('bash', ['-c', `exec ${command} --port 0`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`${command}: no "listening" line within 30 s: ${out}`)), 30_000);
    const read = (b: Buffer): void => {
      out += b.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        done(m[1]!);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => fail(new Error(`${command} exited with ${code}: ${out}`)));
  });
  const stop = (): Promise<void> =>
    new Promise((done) => {
      child.removeAllListeners('exit');
      child.on('exit', () => done());
      child.kill('SIGTERM');
    });
  return { port, stop };
}

/**
 * Runs one command without blocking the test worker: a run of synchronous children as long as
 * the README's would keep the worker from answering the test runner for over a minute, which
 * the runner reports as an error of the whole run.
 */
function runCommand(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

async function runDoc(blocks: ExampleBlock[]): Promise<number> {
  const { dir, env } = createExamplesSandbox(fileBlocks);
  let ran = 0;
  for (const block of blocks.filter((b) => b.lang === 'sh')) {
    let server: { port: string; stop: () => Promise<void> } | null = null;
    try {
      for (const c of shellCommands(block)) {
        const where = `${block.doc}:${c.line}: ${c.command}`;
        const p = plan(c);
        if ('skip' in p) continue;
        if (/^quarry serve\b/.test(p.run)) {
          server = await startServe(p.run, dir, env);
          ran++;
          continue;
        }
        const command = server === null ? p.run : p.run.replace(/(localhost|127\.0\.0\.1):7700/g, `127.0.0.1:${server.port}`);
        const r = await runCommand(command, dir, env);
        const printed = `${r.stdout}${r.stderr}`;
        expect(r.status, `${where}\n${printed.slice(-3000)}`).toBe(0);
        if (block.doc === 'docs/reproductions.md' && /^[\d.,\s]+$/.test(c.comment))
          for (const figure of c.comment.split(/[,\s]+/).filter((f) => f !== '')) expect(printed, `${where}: prints ${figure}`).toContain(figure);
        ran++;
      }
    } finally {
      await server?.stop();
    }
  }
  return ran;
}

describe.skipIf(!HAVE_DATASETS)('shell examples of README.md and docs/', () => {
  for (const blocks of blocksByDoc) {
    if (!blocks.some((b) => b.lang === 'sh')) continue;
    const doc = blocks[0]!.doc;
    it(`${doc}: every command runs`, async () => {
      expect(await runDoc(blocks)).toBeGreaterThan(0);
    }, 300_000);
  }
});
