// The package as npm would publish it (issue: developer experience, "the package misses its
// docs"): it ships docs/ (the README's links resolve in node_modules/quarry), every source
// map carries its sources (none points at a file that is not shipped), and it leaves out
// tests, benchmarks and sources.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

describe('the published package', () => {
  it('ships docs and self-contained source maps, and no tests or benchmarks', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('docs/schema.md');
    expect(files).toContain('README.md');
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('bench/') || f.startsWith('src/'))).toBe(false);
    // every docs link of the README that points into the package resolves
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const [, target] of readme.matchAll(/\]\(((?:docs|data)\/[^)#]+)/g)) expect(files, `README links ${target}`).toContain(target);
    const maps = files.filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(50);
    for (const m of maps.slice(0, 400)) {
      const map = JSON.parse(readFileSync(join(ROOT, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(
        map.sourcesContent!.every((c) => typeof c === 'string' && c.length > 0),
        m,
      ).toBe(true);
    }
  }, 60_000);
});
