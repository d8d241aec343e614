// `--syntax lucene` on quarry search and quarry run: structured queries from the
// command line, and a query the parser refuses is named (file, query id, column)
// before anything is written.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatCorpus, quarry } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('quarry search/run --syntax lucene', () => {
  const dir = tempDir();
  const idx = indexCatCorpus(dir);

  it('searches phrases and exclusions, and refuses bad syntax with status 64', () => {
    const r = quarry(['search', idx, '"black cat" -dogs', '--syntax', 'lucene', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { hits: { id: string }[] }).hits.map((h) => h.id)).toEqual(['d0']);
    const bad = quarry(['search', idx, '(black', '--syntax', 'lucene']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toMatch(/query syntax, column 7: a "\(" is not closed/);
  }, 20_000);

  it('run names the query a parse fails on and writes no run', () => {
    const queries = join(dir, 'q.tsv');
    writeFileSync(queries, '1\t"black cat"\n2\tcats and/or dogs\n');
    const out = join(dir, 'x.run');
    const r = quarry(['run', idx, '--queries', queries, '--output', out, '--syntax', 'lucene', '--quiet']);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(
      /q\.tsv: query 2: query syntax, column 9: this "\/" starts a regular expression that is not closed.*--syntax terms/,
    );
    expect(existsSync(out)).toBe(false);
  }, 20_000);
});
