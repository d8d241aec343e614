// `quarry train`: pre-trains on a small corpus and writes a Model2Vec folder (--json report);
// bad flags are refused naming the flag, with exit status 64.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir('quarry-cli-train-');
const docs = Array.from({ length: 40 }, (_, i) => ({
  _id: `d${i}`,
  title: `Topic ${i % 5} report ${i}`,
  text: `Solar panels of kind ${i % 5} store energy. Batteries of kind ${i % 7} release it at night. The grid balances load ${i}.`,
}));
const corpus = writeFile(dir, 'corpus.jsonl', docs.map((d) => JSON.stringify(d)).join('\n') + '\n');

describe('quarry train', () => {
  it('pre-trains with ICT and BFS and writes the model folder; --json prints the report', () => {
    const out = join(dir, 'model');
    const r = quarry(['train', '--corpus', corpus, '--output', out, '--dim', '16', '--pretrain-epochs', '2', '--min-count', '1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { documents: number; dim: number; epochs: { phase: string }[] };
    expect(report.documents).toBe(40);
    expect(report.dim).toBe(16);
    expect(report.epochs.map((e) => e.phase)).toEqual(['pretrain', 'pretrain']);
    for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('refuses an unknown loss, a teacher it does not know and qrels without queries, naming the flag', () => {
    const out = join(dir, 'bad');
    let r = quarry(['train', '--corpus', corpus, '--output', out, '--loss', 'triplet']);
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/^quarry: --loss: unknown loss "triplet"/);
    r = quarry(['train', '--corpus', corpus, '--output', out, '--teacher', 'gpt']);
    expect(r.stderr).toMatch(/--teacher: unknown teacher "gpt"/);
    r = quarry(['train', '--corpus', corpus, '--output', out, '--qrels', corpus]);
    expect(r.stderr).toMatch(/--queries: judged training needs both queries and qrels/);
    expect(existsSync(out)).toBe(false);
  });

  it('--help shows an example', () => {
    expect(quarry(['train', '--help']).stdout).toMatch(/Example:\n {2}\$ quarry train --corpus/);
  });
});
