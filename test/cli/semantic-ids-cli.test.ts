import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { encodeFvecs, readFvecs } from '../../src/io/vector-files.js';
import { quarry } from '../helpers/cli.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();

/** A committed collection with a text field only. */
function textOnly(): string {
  const path = join(dir, 'text-only');
  const w = Collection.create(path, BEIR_FLAT_SCHEMA).writer();
  w.add({ _id: 'a', title: '', text: 'words only' });
  w.commit();
  w.close();
  return path;
}
const glove = dataset('glove100-wink-10k', 'base.fvecs');
const words = dataset('glove100-wink-10k', 'base_words.txt');

interface IdLine {
  id: string;
  semanticId: number[];
}

function parseLines(text: string): IdLine[] {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as IdLine);
}

describe('quarry semantic-ids', { timeout: 60_000 }, () => {
  const idx = join(dir, 'glove');
  const rq = join(dir, 'rq.npy');
  const out = join(dir, 'ids.jsonl');

  it("codes a collection's dense field, writes JSONL ids and the codebooks, and summarizes", () => {
    expect(quarry(['index', idx, '--vectors', glove, '--ids', words, '--field', 'emb', '--family', 'flat']).status).toBe(0);
    const r = quarry([
      'semantic-ids',
      idx,
      '--field',
      'emb',
      '--levels',
      '2',
      '--codebook',
      '32',
      '--output',
      out,
      '--save-quantizer',
      rq,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      rows: 10000,
      levels: 2,
      codebookSize: 32,
      dim: 100,
      usedCodewords: [32, 32],
      output: out,
      quantizer: rq,
    });
    const lines = parseLines(readFileSync(out, 'utf8'));
    expect(lines).toHaveLength(10000);
    expect(lines[0]!.id).toBe('the');
    expect(new Set(lines.map((l) => l.semanticId.join('-'))).size).toBe(10000);
    for (const l of lines.slice(0, 50)) {
      expect(l.semanticId).toHaveLength(3);
      expect(Math.max(...l.semanticId.slice(0, 2))).toBeLessThan(32);
    }
    expect(existsSync(rq)).toBe(true);
  });

  it('re-codes vectors with saved codebooks: earlier rows keep their ids when new rows follow', () => {
    // the collection stores cosine vectors normalized; code the raw file with --normalize
    const base = readFvecs(glove);
    const more = join(dir, 'more.fvecs');
    const extra = base.data.slice(0, 5 * base.dim).map((v) => v * 0.5); // the same directions again
    const all = new Float32Array(base.data.length + extra.length);
    all.set(base.data);
    all.set(extra, base.data.length);
    writeFileSync(more, encodeFvecs(all, base.dim));
    const r = quarry(['semantic-ids', '--vectors', more, '--quantizer', rq, '--normalize', '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^10,005 vectors from .*more\.fvecs: 2 levels \+ 1 collision token/);
    const before = parseLines(readFileSync(out, 'utf8'));
    const after = parseLines(r.stdout);
    expect(after.slice(0, 10000).map((l) => l.semanticId)).toEqual(before.map((l) => l.semanticId));
    expect(after[10000]!.id).toBe('10000');
    // a row equal in direction to row 0 gets row 0's codewords and the next collision token
    expect(after[10000]!.semanticId.slice(0, 2)).toEqual(before[0]!.semanticId.slice(0, 2));
    expect(after[10000]!.semanticId[2]).toBeGreaterThan(before[0]!.semanticId[2]!);
  });

  it('trains an RQ-VAE, saves it, and codes the same vectors with the saved model to the same ids', () => {
    const model = join(dir, 'rqvae.safetensors');
    const vaeOut = join(dir, 'vae-ids.jsonl');
    const r = quarry([
      'semantic-ids',
      idx,
      '--field',
      'emb',
      '--method',
      'rq-vae',
      '--hidden',
      '64',
      '--latent',
      '16',
      '--levels',
      '2',
      '--codebook',
      '32',
      '--epochs',
      '2',
      '--train-rows',
      '2000',
      '--output',
      vaeOut,
      '--save-model',
      model,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ method: 'rq-vae', rows: 10000, levels: 2, codebookSize: 32, latent: 16, epochs: 2, model });
    expect(summary.relativeReconstruction).toBeGreaterThan(0);
    const trained = parseLines(readFileSync(vaeOut, 'utf8'));
    expect(trained).toHaveLength(10000);
    expect(trained[0]).toMatchObject({ id: 'the' });
    expect(Math.max(...trained.map((l) => Math.max(...l.semanticId.slice(0, 2))))).toBeLessThan(32);
    // the collection's vectors are normalized, so the raw file is coded with --normalize
    const again = quarry([
      'semantic-ids',
      '--vectors',
      glove,
      '--ids',
      words,
      '--method',
      'rq-vae',
      '--model',
      model,
      '--normalize',
      '--quiet',
    ]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      /^10,000 vectors from .*: 2 levels \+ 1 collision token\n(.*\n)*unexplained energy of the 16-d latents after each level/,
    );
    expect(parseLines(again.stdout)).toEqual(trained);
  });

  it('assigns hierarchical (DSI) ids: cluster path, then position in a cluster of at most --leaf-size', () => {
    const h = join(dir, 'dsi.jsonl');
    const r = quarry([
      'semantic-ids',
      idx,
      '--field',
      'emb',
      '--method',
      'hierarchical',
      '--branching',
      '8',
      '--leaf-size',
      '50',
      '--output',
      h,
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ method: 'hierarchical', rows: 10000, branching: 8, leafSize: 50 });
    const lines = parseLines(readFileSync(h, 'utf8'));
    expect(lines).toHaveLength(10000);
    expect(new Set(lines.map((l) => l.semanticId.join('-'))).size).toBe(10000);
    const perCluster = new Map<string, number>();
    for (const l of lines) {
      const path = l.semanticId.slice(0, -1);
      for (const d of path) expect(d).toBeLessThan(8);
      expect(l.semanticId[l.semanticId.length - 1]).toBeLessThan(50);
      perCluster.set(path.join('-'), (perCluster.get(path.join('-')) ?? 0) + 1);
    }
    expect(Math.max(...perCluster.values())).toBeLessThanOrEqual(50);
  });

  it('saves the DSI cluster tree and codes old and new vectors in it: old rows keep their ids', () => {
    const h = join(dir, 'dsi-fit.jsonl');
    const tree = join(dir, 'dsi.safetensors');
    const base = readFvecs(glove);
    const fit = quarry([
      'semantic-ids',
      '--vectors',
      glove,
      '--normalize',
      '--method',
      'hierarchical',
      '--output',
      h,
      '--save-tree',
      tree,
      '--json',
      '--quiet',
    ]);
    expect(fit.status).toBe(0);
    expect(JSON.parse(fit.stdout)).toMatchObject({ method: 'hierarchical', savedTree: tree, rows: 10000 });
    const more = join(dir, 'dsi-more.fvecs');
    const all = new Float32Array(base.data.length + 3 * base.dim);
    all.set(base.data);
    all.set(
      base.data.subarray(0, 3 * base.dim).map((v) => v * 2),
      base.data.length,
    ); // rows 0-2 again, longer
    writeFileSync(more, encodeFvecs(all, base.dim));
    const r = quarry(['semantic-ids', '--vectors', more, '--normalize', '--method', 'hierarchical', '--tree', tree, '--quiet']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^10,003 vectors from .*dsi-more\.fvecs coded in the clusters of .*dsi\.safetensors: /);
    const before = parseLines(readFileSync(h, 'utf8'));
    const after = parseLines(r.stdout);
    expect(after.slice(0, 10000).map((l) => l.semanticId)).toEqual(before.map((l) => l.semanticId));
    for (let i = 0; i < 3; i++) {
      // the same direction lands in the same cluster, at a later position
      const old = before[i]!.semanticId;
      const now = after[10000 + i]!.semanticId;
      expect(now.slice(0, -1)).toEqual(old.slice(0, -1));
      expect(now[now.length - 1]).toBeGreaterThan(old[old.length - 1]!);
    }
    const cases: [string[], RegExp][] = [
      [
        ['semantic-ids', '--vectors', glove, '--method', 'hierarchical', '--tree', tree, '--branching', '4'],
        /--tree: cannot be combined with --branching \(a saved tree has its own clusters\)/,
      ],
      [['semantic-ids', '--vectors', glove, '--tree', tree], /--tree: applies only with --method hierarchical/],
      [
        ['semantic-ids', '--vectors', glove, '--method', 'hierarchical', '--tree', rq],
        /rq\.npy: (too short|header length|header is not JSON)/,
      ],
    ];
    const small = join(dir, 'small3.fvecs');
    writeFileSync(small, encodeFvecs(new Float32Array(8 * 3).fill(1), 3));
    cases.push([
      ['semantic-ids', '--vectors', small, '--method', 'hierarchical', '--tree', tree],
      /--tree: the tree clusters 100-d vectors, the input has 3 dimensions/,
    ]);
    for (const [args, message] of cases) {
      const bad = quarry(args);
      expect(bad.status, args.join(' ')).not.toBe(0);
      expect(bad.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('reports bad input naming the flag or file, and exits non-zero', () => {
    const cases: [string[], RegExp][] = [
      [['semantic-ids', idx, '--field', 'nope'], /^quarry: --field: "nope" is not a dense field \(dense fields: emb\)/],
      [['semantic-ids', textOnly()], /--field: this collection has no dense field/],
      [
        ['semantic-ids', idx, '--field', 'emb', '--codebook', '20000'],
        /^quarry: --codebook: a codebook of 20000 codewords needs at least as many vectors, got 10000 \(use a smaller --codebook\)/,
      ],
      [['semantic-ids', idx, '--field', 'emb', '--levels', '0'], /--levels.*expected an integer from 1 to 64/],
      [['semantic-ids', idx, '--field', 'emb', '--quantizer', rq, '--codebook', '8'], /--quantizer: cannot be combined with --codebook/],
      [['semantic-ids', idx, '--vectors', glove], /give a collection folder or --vectors, not both/],
      [['semantic-ids', idx, '--field', 'emb', '--method', 'dsi'], /--method: unknown method "dsi" \(use residual, rq-vae, hierarchical\)/],
      [['semantic-ids', idx, '--field', 'emb', '--epochs', '3'], /--epochs: applies only with --method rq-vae/],
      [
        ['semantic-ids', idx, '--field', 'emb', '--method', 'rq-vae', '--hidden', '64,0'],
        /--hidden.*expected positive integers separated by commas/,
      ],
      [
        ['semantic-ids', idx, '--field', 'emb', '--method', 'rq-vae', '--model', glove],
        /base\.fvecs: header length \d+ exceeds the file \(is it a \.safetensors file\?\)/,
      ],
      [['semantic-ids', idx, '--field', 'emb', '--branching', '4'], /--branching: applies only with --method hierarchical/],
      [
        ['semantic-ids', idx, '--field', 'emb', '--method', 'hierarchical', '--save-quantizer', rq],
        /--save-quantizer: applies only with --method residual/,
      ],
      [['semantic-ids', '--vectors', glove, '--ids', writeFile(dir, 'few.txt', 'a\nb\n')], /few\.txt: has 2 ids for 10000 vectors/],
      [['semantic-ids', '--vectors', glove, '--quantizer', writeFile(dir, 'bad.npy', 'not numpy')], /bad\.npy: not a \.npy file/],
      [['semantic-ids', '--vectors', writeFile(dir, 'v.fvecs', 'xyz')], /v\.fvecs: file is too short/],
    ];
    for (const [args, message] of cases) {
      const r = quarry(args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
    const q = join(dir, 'q8.npy');
    const wrongDim = quarry(['semantic-ids', '--vectors', glove, '--levels', '1', '--codebook', '4', '--save-quantizer', q, '--quiet']);
    expect(wrongDim.status).toBe(0);
    const small = join(dir, 'small.fvecs');
    writeFileSync(small, encodeFvecs(new Float32Array(8 * 3).fill(1), 3));
    expect(quarry(['semantic-ids', '--vectors', small, '--quantizer', q]).stderr).toMatch(
      /quantizer: the quantizer codes 100-dimensional vectors, the input has 3 dimensions/,
    );
  });
});
