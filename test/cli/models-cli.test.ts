// `quarry models pull` without a reachable hub: a clear error, an exit status, and
// no partial files left behind (HF_ENDPOINT points at a closed local port).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');
const run = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, HF_ENDPOINT: 'http://127.0.0.1:9', QUARRY_DEBUG: '' },
  });

describe('quarry models pull', () => {
  it('fails offline with a message saying what to do, leaving nothing behind', () => {
    const dir = tempDir();
    const r = run(['models', 'pull', 'Xenova/all-MiniLM-L6-v2', '--dir', dir]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cannot download config\.json of Xenova\/all-MiniLM-L6-v2/);
    expect(r.stderr).toMatch(/needs internet access/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    const target = join(dir, 'Xenova', 'all-MiniLM-L6-v2');
    expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
  });

  it('rejects something that is not a hub id', () => {
    const r = run(['models', 'pull', 'not a model']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not a hub model id/);
  });

  it('has --help with an example', () => {
    const r = run(['models', 'pull', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Example:/);
  });
});
