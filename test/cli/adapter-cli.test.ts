import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeFvecs, readFvecs } from '../../src/io/vector-files.js';
import { quarry } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();
const glove = readFvecs(dataset('glove100-wink-10k', 'base.fvecs'));
const words = readFileSync(dataset('glove100-wink-10k', 'base_words.txt'), 'utf8').split('\n').slice(0, glove.rows);
const D = glove.dim;

/** The "new model" of the test: the vector reversed and scaled (a rotation, up to scale). */
function newModel(r: number): Float32Array {
  const v = glove.data.subarray(r * D, (r + 1) * D);
  return Float32Array.from({ length: D }, (_, i) => 3 * v[D - 1 - i]!);
}

describe('quarry adapter', { timeout: 60_000 }, () => {
  const idx = join(dir, 'glove');
  const sample = Array.from({ length: 800 }, (_, i) => i * 7);
  const vectors = join(dir, 'v2.fvecs');
  const ids = join(dir, 'v2-ids.txt');

  it('fits an adapter from a sample, reports held-out agreement, and queries use it', () => {
    expect(
      quarry([
        'index',
        idx,
        '--vectors',
        dataset('glove100-wink-10k', 'base.fvecs'),
        '--ids',
        dataset('glove100-wink-10k', 'base_words.txt'),
        '--field',
        'emb',
        '--family',
        'flat',
      ]).status,
    ).toBe(0);
    const rows = new Float32Array(sample.length * D);
    sample.forEach((r, i) => rows.set(newModel(r), i * D));
    writeFileSync(vectors, encodeFvecs(rows, D));
    writeFileSync(ids, sample.map((r) => words[r]).join('\n') + '\n');
    const r = quarry(['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'v2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, number & { selfAt1: number }>;
    expect(report).toMatchObject({ name: 'v2', field: 'emb', kind: 'procrustes', inputDim: D, outputDim: D, pairs: 800, heldOut: 80 });
    expect(report.meanCosine).toBeGreaterThan(0.999);
    expect(report.selfAt1).toBe(1);
    // the same dimensions: the report also says how the unmapped vectors fare
    expect((report.unmapped as unknown as { selfAt1: number }).selfAt1).toBeLessThan(0.2);
    const text = quarry(['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'v2']);
    expect(text.stdout).toMatch(
      /^fitted procrustes adapter "v2" \(100 → 100 dimensions\) on 800 pairs in .* s; saved to .*v2\.safetensors\nheld-out pairs \(80\): mean cosine 1\.0000; own document first 100\.0%, in the top 10 100\.0%\nwithout the adapter: /,
    );
    expect(quarry(['info', idx]).stdout).toMatch(/\nadapters {4}v2\n/);
    expect(JSON.parse(quarry(['info', idx, '--json']).stdout)).toMatchObject({ adapters: ['v2'], calibrated: false });
    const spec = writeFile(
      dir,
      'q.json',
      JSON.stringify({ retrieve: [{ field: 'emb', vector: Array.from(newModel(3)), adapter: 'v2' }], k: 3 }),
    );
    const hits = JSON.parse(quarry(['search', idx, '--spec', spec, '--json']).stdout) as { hits: { id: string }[] };
    expect(hits.hits[0]!.id).toBe(words[3]);
  });

  it('fits an MLP adapter and saves its layers', () => {
    const r = quarry([
      'adapter',
      idx,
      '--field',
      'emb',
      '--vectors',
      vectors,
      '--ids',
      ids,
      '--name',
      'v2mlp',
      '--kind',
      'mlp',
      '--hidden',
      '16',
      '--epochs',
      '4',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { kind: string; selfAt10: number };
    expect(report.kind).toBe('mlp');
    expect(report.selfAt10).toBeGreaterThan(0.9);
    const spec = writeFile(
      dir,
      'qm.json',
      JSON.stringify({ retrieve: [{ field: 'emb', vector: Array.from(newModel(3)), adapter: 'v2mlp' }], k: 3 }),
    );
    expect((JSON.parse(quarry(['search', idx, '--spec', spec, '--json']).stdout) as { hits: { id: string }[] }).hits[0]!.id).toBe(words[3]);
    rmSync(join(idx, 'adapters', 'v2mlp.safetensors'));
  });

  it('reports bad input naming the flag, file and line', () => {
    const cases: [string[], RegExp][] = [
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'x', '--kind', 'rbf'],
        /^quarry: --kind: unknown kind "rbf" \(use procrustes, affine or mlp\)/,
      ],
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'x', '--ridge', '0.1'],
        /^quarry: --ridge: applies only with --kind affine or mlp/,
      ],
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'x', '--kind', 'affine', '--epochs', '3'],
        /^quarry: --epochs: applies only with --kind mlp/,
      ],
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'x', '--kind', 'mlp', '--learning-rate', 'fast'],
        /^quarry: --learning-rate: expected a number, got "fast"/,
      ],
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', 'x', '--holdout', 'lots'],
        /^quarry: --holdout: expected a number, got "lots"/,
      ],
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids, '--name', '../x'],
        /^quarry: name: "\.\.\/x" is not an adapter name/,
      ],
      [
        ['adapter', idx, '--field', 'nope', '--vectors', vectors, '--ids', ids, '--name', 'x'],
        /^quarry: field: "nope" is not a dense field/,
      ],
      [
        ['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', writeFile(dir, 'short.txt', 'the\n'), '--name', 'x'],
        /short\.txt: has 1 ids for 800 vectors/,
      ],
      [
        [
          'adapter',
          idx,
          '--field',
          'emb',
          '--vectors',
          vectors,
          '--ids',
          writeFile(dir, 'bad.txt', ['the', 'zzz-not-a-word', ...sample.slice(2).map((r) => words[r])].join('\n')),
          '--name',
          'x',
        ],
        /bad\.txt:2: no live document "zzz-not-a-word" in the collection/,
      ],
      [['adapter', idx, '--field', 'emb', '--vectors', vectors, '--ids', ids], /required option '--name <name>' not specified/],
    ];
    // a zero vector in a cosine field's sample (row 3, the ids file's line 3); a sample of zeros only
    const withZero = readFvecs(vectors);
    withZero.data.fill(0, 2 * D, 3 * D);
    cases.push([
      [
        'adapter',
        idx,
        '--field',
        'emb',
        '--vectors',
        writeFile(dir, 'zero-row.fvecs', encodeFvecs(withZero.data, D)),
        '--ids',
        ids,
        '--name',
        'x',
      ],
      new RegExp(
        `v2-ids\\.txt:3: the vector of "${words[sample[2]!]}" is all zeros: it has no direction for a cosine field \\(leave it out of the sample\\)`,
      ),
    ]);
    cases.push([
      [
        'adapter',
        idx,
        '--field',
        'emb',
        '--vectors',
        writeFile(dir, 'zeros.fvecs', encodeFvecs(new Float32Array(800 * D), D)),
        '--ids',
        ids,
        '--name',
        'x',
      ],
      /the vector of "the" is all zeros/,
    ]);
    for (const [args, message] of cases) {
      const r = quarry(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
    }
    // nothing was written by the runs that failed
    expect(readdirSync(join(idx, 'adapters'))).toEqual(['v2.safetensors']);
  });
});
