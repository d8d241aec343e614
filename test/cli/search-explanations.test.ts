// The CLI explains what a new user trips on (issue: developer experience, "CLI nits"): a
// Lucene query starting with "-" (read as an option), a search that finds nothing because the
// query is all stopwords or the collection has no text field, and a BEIR folder given to
// --corpus (its queries and judgments are not documents).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quarry } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = tempDir();
const corpus = join(root, 'docs.jsonl');
writeFileSync(
  corpus,
  ['{"_id":"a","title":"Gene expression","text":"in mice"}', '{"_id":"b","title":"Gene","text":"in humans"}'].join('\n') + '\n',
);
const dir = join(root, 'idx');

describe('quarry search and index explain', () => {
  it('how to pass a query that starts with "-", and such a query after "--" runs', () => {
    expect(quarry(['index', dir, '--corpus', corpus, '--quiet']).status).toBe(0);
    const bad = quarry(['search', dir, '-mice +gene', '--syntax', 'lucene']);
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('goes after "--"');
    const ok = quarry(['search', dir, '--syntax', 'lucene', '--', '-mice +gene']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/\bb\b/);
    expect(ok.stdout).not.toMatch(/\ba\b {2}/);
  }, 30_000);

  it('why nothing matched: a query of stopwords only, or a collection without a text field', () => {
    const stop = quarry(['search', dir, 'the', 'of']);
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain('no documents match: the query has no words left after analysis');
    const found = quarry(['search', dir, 'nothing-like-it']);
    expect(found.stdout.trim()).toBe('no documents match');
    const vectors = join(root, 'v.fvecs');
    const buf = Buffer.alloc(2 * 16);
    for (let r = 0; r < 2; r++) {
      buf.writeInt32LE(3, r * 16);
      for (let j = 0; j < 3; j++) buf.writeFloatLE(r + j + 1, r * 16 + 4 + 4 * j);
    }
    writeFileSync(vectors, buf);
    const vdir = join(root, 'vec');
    expect(quarry(['index', vdir, '--vectors', vectors, '--quiet']).status).toBe(0);
    const text = quarry(['search', vdir, 'words']);
    expect(`${text.stdout}${text.stderr}`).toMatch(/no text field/);
  }, 30_000);

  it('that a BEIR folder is not a folder of corpus files, naming its corpus file', () => {
    const beir = join(root, 'beir');
    mkdirSync(join(beir, 'qrels'), { recursive: true });
    writeFileSync(join(beir, 'corpus.jsonl'), '{"_id":"1","text":"x"}\n');
    writeFileSync(join(beir, 'queries.jsonl'), '{"_id":"q","text":"x"}\n');
    writeFileSync(join(beir, 'SOURCE.md'), '# where it comes from\n');
    const r = quarry(['index', join(root, 'beir-idx'), '--corpus', beir, '--quiet']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('is a BEIR dataset folder');
    expect(r.stderr).toContain(`--corpus ${join(beir, 'corpus.jsonl')}`);
  }, 30_000);
});
