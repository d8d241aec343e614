// One answer shape: `quarry search --json` (plain text), `quarry search --spec … --json` and the
// server's POST …/search answer carry the same keys: hits (id, score, legs, stored), total,
// generation, took_ms; the spec form is the library's answerOfResult of the same query.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerOfResult, Collection } from '../../src/collection/index.js';
import { indexCatCorpus, quarry } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('search --json', () => {
  const dir = tempDir();
  const idx = indexCatCorpus(dir);

  it('prints the same shape with and without --spec, the one the server answers with', () => {
    const plain = JSON.parse(quarry(['search', idx, 'black', 'cat', '-k', '2', '--json']).stdout) as Record<string, unknown>;
    const spec = { retrieve: [{ field: 'contents', text: 'black cat' }], k: 2 };
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const withSpec = JSON.parse(quarry(['search', idx, '--spec', specFile, '--json']).stdout) as Record<string, unknown>;
    expect(Object.keys(plain).sort()).toEqual(['generation', 'hits', 'took_ms', 'total']);
    expect(Object.keys(withSpec).sort()).toEqual(Object.keys(plain).sort());
    const hitKeys = (a: Record<string, unknown>) => (a.hits as Record<string, unknown>[]).map((h) => Object.keys(h).sort());
    expect(hitKeys(plain)).toEqual(hitKeys(withSpec));
    expect(hitKeys(plain)[0]).toEqual(['id', 'legs', 'score', 'stored']);

    const snap = Collection.open(idx).reader();
    const library = answerOfResult(snap.query(spec), snap.generation, { stored: true });
    const { took_ms: tookMs, ...rest } = withSpec;
    expect(typeof tookMs).toBe('number');
    expect(rest).toEqual(JSON.parse(JSON.stringify(library)));
    expect((plain.hits as { id: string }[]).map((h) => h.id)).toEqual(library.hits.map((h) => h.id));
  }, 20_000);
});
