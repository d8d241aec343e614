#!/usr/bin/env node
// What `npm test` needs from the system, installed when missing so that the README's test
// command works on a fresh machine: Debian's Chromium for the browser test (playwright-core
// never downloads a browser). Installs with apt-get when run as root (CI, containers);
// otherwise says what to run. QUARRY_CHROMIUM names another Chromium and skips this.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.QUARRY_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !aptGet) {
    process.stderr.write(
      `npm test: ${chromium} is missing; the browser test needs Debian's Chromium: run "sudo apt-get install chromium" (or set QUARRY_CHROMIUM to a Chromium binary)\n`,
    );
    process.exit(1);
  }
  process.stderr.write("npm test: installing Debian's chromium for the browser test (apt-get)...\n");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      process.stderr.write(`npm test: apt-get ${args.join(' ')} failed (exit ${r.status})\n`);
      process.exit(1);
    }
  }
}
