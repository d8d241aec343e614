// `quarry train-codes`: trains an ivfpq field's codebook and commits the field re-encoded
// with it (JSON report, schema, codebook file); bad flags are usage errors naming the flag.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { quarry } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('quarry-cli-codes-');
const rand = xorshift32(5);
const dim = 8;
const vector = (): number[] => Array.from({ length: dim }, () => Number((rand() - 0.5).toFixed(4)));
const c = Collection.create(join(dir, 'c'), { fields: { emb: { type: 'dense', dim, index: 'ivfpq', params: { m: 3 } } } });
const w = c.writer();
for (let i = 0; i < 1200; i++) w.add({ _id: `d${i}`, emb: vector() });
w.commit();
w.close();
const bits = Collection.create(join(dir, 'b'), {
  fields: { emb: { type: 'dense', dim, index: 'binary', params: { planes: 2 } } },
});
const wb = bits.writer();
for (let i = 0; i < 1200; i++) wb.add({ _id: `d${i}`, emb: vector() });
wb.commit();
wb.close();
const queries = join(dir, 'q.jsonl');
writeFileSync(queries, Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: `q${i}`, vector: vector() })).join('\n') + '\n');
const qrels = join(dir, 'qrels.tsv');
writeFileSync(qrels, Array.from({ length: 60 }, (_, i) => `q${i}\t0\td${i * 7}\t1`).join('\n') + '\n');

describe('quarry train-codes', () => {
  it('trains distill-vq codes from sampled rows and commits them', () => {
    const r = quarry([
      'train-codes',
      join(dir, 'c'),
      '--field',
      'emb',
      '--method',
      'distill-vq',
      '--epochs',
      '2',
      '--sample',
      '200',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { version: number; m: number; rows: number; trainQueries: number };
    expect(report).toMatchObject({ version: 1, m: 3, rows: 1200, trainQueries: 200 });
    expect(existsSync(join(dir, 'c', 'codebooks', 'emb.v1.safetensors'))).toBe(true);
    const info = JSON.parse(quarry(['info', join(dir, 'c'), '--json']).stdout) as { schema?: unknown };
    expect(JSON.stringify(info)).toContain('"codebook":{"version":1,"method":"distill-vq"}');
    expect(quarry(['info', join(dir, 'c')]).stdout).toContain(
      'ivfpq, cosine, 8 dims, rescoring floats in memory, trained codebook v1 (distill-vq)',
    );
  }, 60_000);

  it('trains jpq codes from judged query vectors', () => {
    const r = quarry([
      'train-codes',
      join(dir, 'c'),
      '--field',
      'emb',
      '--method',
      'jpq',
      '--queries',
      queries,
      '--qrels',
      qrels,
      '--epochs',
      '1',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/trained jpq codes for emb: \d+ cells, 3 bytes per row \(anisotropy \d+\), 1,200 rows, 54 training queries/);
    expect(r.stdout).toContain('committed generation');
    expect(r.stdout).toContain('codebook version 2');
  }, 60_000);

  it('refuses what it cannot do, naming the flag', () => {
    const cases: [string[], string][] = [
      [['--method', 'opq'], '--method: unknown method "opq"'],
      [['--method', 'jpq'], 'JPQ learns from judged queries'],
      [['--method', 'distill-vq', '--qrels', qrels], '--qrels: --qrels judges queries'],
      [['--method', 'distill-vq', '--queries', queries, '--sample', '10'], '--sample: --sample draws queries from the rows'],
    ];
    for (const [flags, message] of cases) {
      const r = quarry(['train-codes', join(dir, 'c'), '--field', 'emb', ...flags]);
      expect(r.status, flags.join(' ')).not.toBe(0);
      expect(r.stderr, flags.join(' ')).toContain(message);
    }
    const r = quarry(['train-codes', join(dir, 'c'), '--field', 'nope', '--method', 'distill-vq']);
    expect(r.stderr).toContain('"nope" is not a dense field');
    const wrong = quarry(['train-codes', join(dir, 'c'), '--field', 'emb', '--method', 'bebr']);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('--field: dense field "emb" is indexed with ivfpq; bebr binarizers are for binary fields');
  }, 60_000);

  it('trains a bebr binarizer for a binary field', () => {
    const r = quarry([
      'train-codes',
      join(dir, 'b'),
      '--field',
      'emb',
      '--method',
      'bebr',
      '--epochs',
      '1',
      '--sample',
      '100',
      '--hidden',
      '4',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /trained bebr codes for emb: 2 planes of 32 bits \(8 bytes per row\), \d+ centres, 1,200 rows, 100 training queries/,
    );
    expect(r.stdout).toMatch(/validation recall@10 without rescoring \(10 queries\): fitted sign \d\.\d{4}, trained \d\.\d{4}/);
    expect(quarry(['info', join(dir, 'b')]).stdout).toContain(
      'binary, cosine, 8 dims, rescoring floats in memory, trained codebook v1 (bebr)',
    );
  }, 60_000);
});
