// A library-only install pulls no server stack: fastify, @fastify/cors, prom-client and
// zod-to-json-schema are optional peer dependencies that only src/server imports, and
// `quarry serve` without them says what to install instead of failing with a stack trace.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = join(import.meta.dirname, '../..');
const SERVER_PACKAGES = ['fastify', '@fastify/cors', 'prom-client', 'zod-to-json-schema'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('a library-only install', () => {
  it('the server packages are optional peers, imported by src/server alone', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    for (const name of SERVER_PACKAGES) {
      expect(pkg.dependencies[name], name).toBeUndefined();
      expect(pkg.peerDependencies[name], name).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]?.optional, name).toBe(true);
    }
    const importers = sources(join(ROOT, 'src')).filter((f) => {
      const text = readFileSync(f, 'utf8');
      return SERVER_PACKAGES.some((name) => text.includes(`from '${name}'`));
    });
    expect(importers.length).toBeGreaterThan(0);
    for (const f of importers) expect(relative(ROOT, f)).toMatch(/^src\/server\//);
  });

  it('quarry serve without them names the packages to install and exits 64', () => {
    const dir = tempDir();
    // a resolve hook that finds no fastify, as in an install that left the optional peers out
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {
  if (specifier === 'fastify') throw Object.assign(new Error("Cannot find package 'fastify'"), { code: 'ERR_MODULE_NOT_FOUND' });
  return next(specifier, context);
}\n`,
    );
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
    const r = spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), CLI, 'serve', join(dir, 'data'), '--port', '0'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status, r.stderr).toBe(64);
    expect(r.stderr).toContain('quarry serve needs the server packages');
    expect(r.stderr).toContain('npm install fastify@5 @fastify/cors@11 prom-client@15 zod-to-json-schema@3');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
