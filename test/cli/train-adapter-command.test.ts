// `quarry train-adapter`: trains a query adapter for a word-vector field of a small
// collection and saves it; a text leg then names it; bad fields and losses are refused.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir('quarry-cli-adapter-');
const rand = xorshift32(2);
const vocab = Array.from({ length: 60 }, (_, i) => `w${i}`);
const glove = writeFile(
  dir,
  'glove.txt',
  vocab.map((w) => `${w} ${Array.from({ length: 6 }, () => (rand() - 0.5).toFixed(4)).join(' ')}`).join('\n') + '\n',
);
const docs = Array.from({ length: 30 }, (_, i) => ({ _id: `d${i}`, text: [0, 1, 2, 3].map((k) => vocab[(i * 2 + k * 7) % 60]).join(' ') }));
const c = Collection.create(join(dir, 'c'), {
  fields: {
    body: { type: 'text', from: ['text'] },
    emb: { type: 'dense', dim: 6, metric: 'cosine', encoder: { type: 'word-vectors', path: glove, from: ['text'] } },
  },
});
const w = c.writer();
for (const d of docs) w.add(d);
w.commit();
w.close();
const queries = writeFile(
  dir,
  'q.jsonl',
  docs.map((d, i) => JSON.stringify({ _id: `q${i}`, text: d.text.split(' ').slice(0, 2).join(' ') })).join('\n') + '\n',
);
const qrels = writeFile(dir, 'qrels.tsv', docs.map((d, i) => `q${i}\t0\t${d._id}\t1`).join('\n') + '\n');

describe('quarry train-adapter', () => {
  it('trains and saves the adapter; a text leg names it', () => {
    const r = quarry([
      'train-adapter',
      join(dir, 'c'),
      '--queries',
      queries,
      '--qrels',
      qrels,
      '--dev-qrels',
      qrels,
      '--epochs',
      '3',
      '--name',
      'q1',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { name: string; field: string; trainQueries: number; epochs: unknown[] };
    expect(report).toMatchObject({ name: 'q1', field: 'emb', trainQueries: 30 });
    expect(existsSync(join(dir, 'c', 'adapters', 'q1.safetensors'))).toBe(true);
    const snap = Collection.open(join(dir, 'c')).reader();
    expect(snap.query({ retrieve: [{ field: 'emb', text: 'w0 w7', adapter: 'q1' }], k: 3 }).hits).toHaveLength(3);
    expect(() => snap.query({ retrieve: [{ field: 'body', text: 'w0', adapter: 'q1' }] })).toThrow(
      /adapters map dense vectors; "body" is not a dense field/,
    );
    snap.close();
  });

  it('refuses a text field and a distillation loss, naming the flag', () => {
    let r = quarry(['train-adapter', join(dir, 'c'), '--field', 'body', '--queries', queries, '--qrels', qrels]);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/quarry: .*body/);
    r = quarry(['train-adapter', join(dir, 'c'), '--queries', queries, '--qrels', qrels, '--loss', 'listwise-kl']);
    expect(r.stderr).toMatch(/--loss: loss listwise-kl distils from a teacher/);
  });
});
