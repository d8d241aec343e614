// --spec takes a file or the spec inline; a missing or malformed file is named with why.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readQuerySpecOption } from '../../src/io/json-option.js';
import { errorOf } from '../helpers/errors.js';

/** The error --spec VALUE gets. */
const failure = (value: string) => errorOf(() => readQuerySpecOption(value));

describe('readQuerySpecOption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-spec-'));
  const spec = { retrieve: [{ field: 'body', text: '$query' }], k: 5 };

  it('reads a file, or takes the spec inline when it starts with "{"', () => {
    const file = join(dir, 'spec.json');
    writeFileSync(file, JSON.stringify(spec));
    expect(readQuerySpecOption(file)).toEqual(spec);
    expect(readQuerySpecOption(`  ${JSON.stringify(spec)}`)).toEqual(spec);
  });

  it('names a missing file, a folder and malformed JSON, each with its cause', () => {
    const missing = failure(join(dir, 'nope.json'));
    expect(missing.message).toContain('no such file');
    expect(missing.message).toContain('nope.json');
    expect(missing.hint).toContain("--spec '{");
    expect(failure(dir).message).toContain('it is a folder');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"retrieve": [');
    expect(failure(bad).message).toMatch(/bad\.json.*query spec is not valid JSON/);
    expect(failure('{"retrieve": ').message).toMatch(/--spec.*not valid JSON/);
  });
});
