// trainRetriever from files: on a slice of SciFact (its first 600 documents and the train
// queries judged on them) fine-tuning raises the held-out nDCG@10 and the folder it writes
// serves as a dense field's model2vec encoder; bad inputs are refused with what and where.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collection } from '../../src/collection/index.js';
import { trainRetriever } from '../../src/train/train-retriever.js';
import { dataset, HAVE_DATASETS } from '../helpers/shared-data.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir('quarry-train-');

/** SciFact's first `n` documents, and the train qrels split into train and dev on them. */
function slice(n: number): { corpus: string; queries: string; train: string; dev: string } {
  const lines = readFileSync(dataset('scifact', 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, n);
  const ids = new Set(lines.map((l) => (JSON.parse(l) as { _id: string })._id));
  const corpus = writeFile(dir, 'corpus.jsonl', lines.join('\n') + '\n');
  const qrels = readFileSync(dataset('scifact', 'qrels', 'train.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '' && ids.has(l.split('\t')[1]!));
  const dev = qrels.filter((l) => Number(l.split('\t')[0]) % 5 === 0);
  const train = qrels.filter((l) => Number(l.split('\t')[0]) % 5 !== 0);
  return {
    corpus,
    queries: dataset('scifact', 'queries.jsonl'),
    train: writeFile(dir, 'train.tsv', 'query-id\tcorpus-id\tscore\n' + train.join('\n') + '\n'),
    dev: writeFile(dir, 'dev.tsv', 'query-id\tcorpus-id\tscore\n' + dev.join('\n') + '\n'),
  };
}

describe.skipIf(!HAVE_DATASETS)('trainRetriever', () => {
  it('fine-tuning on judged queries raises held-out nDCG@10; the folder serves a dense field', async () => {
    const s = slice(600);
    const output = join(dir, 'model');
    const report = await trainRetriever({
      corpus: s.corpus,
      queries: s.queries,
      qrels: s.train,
      devQrels: s.dev,
      output,
      dim: 64,
      epochs: 6,
      seed: 3,
    });
    expect(report.documents).toBe(600);
    expect(report.trainQueries).toBeGreaterThan(50);
    expect(report.devQueries).toBeGreaterThan(10);
    expect(report.best!.metric).toBeGreaterThan(report.initial! + 0.02);
    for (const f of ['config.json', 'tokenizer.json', 'model.safetensors']) expect(existsSync(join(output, f))).toBe(true);
    const c = Collection.create(join(dir, 'c'), {
      fields: {
        emb: {
          type: 'dense',
          dim: 64,
          index: 'flat',
          metric: 'cosine',
          encoder: { type: 'model2vec', path: output, from: ['title', 'text'] },
        },
      },
    });
    const w = c.writer();
    for (const l of readFileSync(s.corpus, 'utf8').split('\n').filter(Boolean)) {
      const d = JSON.parse(l) as { _id: string; title: string; text: string };
      w.add({ _id: d._id, title: d.title, text: d.text });
    }
    w.commit();
    w.close();
    const first = JSON.parse(readFileSync(s.corpus, 'utf8').split('\n')[0]!) as { _id: string; title: string };
    const snap = c.reader();
    expect(snap.query({ retrieve: [{ field: 'emb', text: first.title }], k: 3 }).hits.map((h) => h.id)).toContain(first._id);
    snap.close();
  });

  it('without dev qrels a tenth of the judged queries is held out to validate', async () => {
    const s = slice(600);
    const both = await trainRetriever({
      corpus: s.corpus,
      queries: s.queries,
      qrels: s.train,
      output: join(dir, 'share'),
      dim: 16,
      epochs: 1,
      pretrainEpochs: 0,
    });
    const none = await trainRetriever({
      corpus: s.corpus,
      queries: s.queries,
      qrels: s.train,
      output: join(dir, 'share0'),
      dim: 16,
      epochs: 1,
      pretrainEpochs: 0,
      devShare: 0,
    });
    expect(none.devQueries).toBe(0);
    expect(none.best).toBeUndefined();
    expect(both.trainQueries + both.devQueries).toBe(none.trainQueries);
    expect(both.devQueries).toBeGreaterThan(0.05 * none.trainQueries);
    expect(both.devQueries).toBeLessThan(0.2 * none.trainQueries);
    expect(both.best).toBeDefined();
  });

  it('distils from a cross-encoder teacher and filters false negatives with it', async () => {
    const s = slice(120);
    const report = await trainRetriever({
      corpus: s.corpus,
      queries: s.queries,
      qrels: s.train,
      output: join(dir, 'ce'),
      dim: 16,
      epochs: 1,
      pretrainEpochs: 0,
      batchSize: 4,
      hardNegatives: 1,
      devShare: 0,
      loss: ['infonce', 'listwise-kl'],
      teacher: { crossEncoder: join(import.meta.dirname, '../fixtures/models/tiny-cross-encoder') },
      falseNegatives: { ratio: 0.95 },
    });
    expect(report.epochs).toHaveLength(1);
    expect(Number.isFinite(report.epochs[0]!.loss)).toBe(true);
    expect(report.trainQueries).toBeGreaterThan(3);
  });

  it('pre-training alone (corpus only) runs the ICT and BFS epochs and writes the folder', async () => {
    const s = slice(200);
    const report = await trainRetriever({ corpus: s.corpus, output: join(dir, 'pre'), dim: 32, pretrainEpochs: 2 });
    expect(report.epochs.map((e) => `${e.phase} ${e.epoch}`)).toEqual(['pretrain 1', 'pretrain 2']);
    expect(report.epochs[1]!.loss).toBeLessThan(report.epochs[0]!.loss);
    expect(existsSync(join(dir, 'pre', 'model.safetensors'))).toBe(true);
  });
});

describe('trainRetriever refuses bad input', () => {
  const corpus = writeFile(
    dir,
    'small.jsonl',
    '{"_id":"a","title":"Solar","text":"Panels store energy. Batteries help."}\n{"_id":"b","title":"Wind","text":"Turbines turn. The grid balances."}\n',
  );
  const queries = writeFile(dir, 'q.jsonl', '{"_id":"1","text":"solar energy"}\n');
  const run = async (o: Partial<Parameters<typeof trainRetriever>[0]>): Promise<string> => {
    try {
      await trainRetriever({ corpus, output: join(dir, 'bad'), dim: 8, pretrainEpochs: 1, ...o });
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it('an empty corpus', async () => {
    expect(await run({ corpus: writeFile(dir, 'empty.jsonl', '') })).toMatch(/the corpus has no documents/);
  });
  it('qrels with no relevant document in the corpus', async () => {
    expect(await run({ queries, qrels: writeFile(dir, 'none.tsv', '1\t0\tzzz\t1\n') })).toMatch(
      /no query of the qrels has a relevant document/,
    );
  });
  it('an unknown loss, task or negative source', async () => {
    expect(await run({ loss: ['triplet'] })).toMatch(/unknown loss "triplet"/);
    expect(await run({ tasks: ['mlm'] })).toMatch(/unknown task "mlm"/);
    expect(await run({ queries, qrels: writeFile(dir, 'ok.tsv', '1\t0\ta\t1\n'), negatives: ['random'] })).toMatch(
      /unknown negative source "random"/,
    );
  });
  it('a dimension other than the word vectors’', async () => {
    const vectors = writeFile(dir, 'v.txt', 'solar 0.1 0.2 0.3\nwind 0.3 0.2 0.1\n');
    expect(await run({ vectors, dim: 16 })).toMatch(/dim is 16 but the word vectors have 3 dimensions/);
  });
  it('queries without qrels, and listwise distillation without a teacher', async () => {
    expect(await run({ queries })).toMatch(/needs both queries and qrels/);
    expect(await run({ queries, qrels: writeFile(dir, 'ok2.tsv', '1\t0\ta\t1\n'), loss: ['listwise-kl'] })).toMatch(
      /distils from a teacher/,
    );
  });
  it('a missing file', async () => {
    expect(await run({ corpus: join(dir, 'nope.jsonl') })).toMatch(/no such file/);
  });
});
