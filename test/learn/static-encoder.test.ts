// The trainable static encoder: the gradient a training step accumulates in the touched
// rows and weights is the derivative of its loss (central differences over the float
// parameters), and a saved model encodes exactly as Model2VecEncoder reads it back.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Model2VecEncoder } from '../../src/encode/model2vec.js';
import { trainingLoss } from '../../src/learn/losses/loss-registry.js';
import { IGNORED } from '../../src/learn/losses/ranking-loss.js';
import { labelCandidates, TrainingBatch } from '../../src/learn/retriever-training/training-batch.js';
import { RowGradients } from '../../src/learn/static-encoder/row-gradients.js';
import { StaticEncoderModel } from '../../src/learn/static-encoder/static-encoder-model.js';
import { writeStaticEncoderFolder } from '../../src/learn/static-encoder/static-encoder-folder.js';
import { TokenizedTextsBuilder } from '../../src/learn/static-encoder/tokenized-texts.js';
import { WordCounter } from '../../src/learn/static-encoder/word-vocabulary.js';
import { WordPieceTokenizer } from '../../src/text/wordpiece-tokenizer.js';
import { SparseRowAdam, scheduledRate } from '../../src/learn/static-encoder/sparse-adam.js';
import { TrainingKernels } from '../../src/learn/static-encoder/training-kernels.js';
import { tempDir } from '../helpers/temp-dir.js';

const vocab = 12;
const dim = 5;
// token ids of 4 "documents" laid end to end; queries are ranges of them, some with a skipped range
const tokens = Int32Array.from([1, 2, 3, 4, 5, 2, 6, 7, 8, 9, 9, 10, 11, 3, 1, 0, 4, 7]);

function batchOf(kernels: TrainingKernels | null = null): TrainingBatch {
  const b = new TrainingBatch(3, 5, dim, kernels);
  b.addQuery(tokens, 0, 2);
  b.addQuery(tokens, 5, 8);
  b.addQuery(tokens, 13, 16);
  b.addCandidate(0, 0, 5, 0, 2);
  b.addCandidate(1, 5, 10, 5, 8);
  b.addCandidate(2, 10, 16, 13, 16);
  b.addCandidate(3, 16, 18);
  b.addCandidate(1, 5, 10);
  for (let q = 0; q < 3; q++) labelCandidates(b, q, (d) => d === q);
  b.labels[1 * 5 + 3] = IGNORED;
  return b;
}

describe('static encoder training step', () => {
  for (const [names, useKernels] of [
    [['infonce'], false],
    [['auc'], false],
    [['harmonic'], false],
    [['infonce', 'listwise-kl'], false],
    [['infonce'], true],
    [['infonce', 'listwise-kl'], true],
  ] as const) {
    it(`${names.join('+')}${useKernels ? ' (SIMD kernels)' : ''}: row and weight gradients match central differences`, () => {
      const model = StaticEncoderModel.random(vocab, dim, {
        seed: 3,
        weights: Float32Array.from({ length: vocab }, (_, i) => 0.5 + i / vocab),
      });
      const kernels = useKernels ? TrainingKernels.create(vocab, dim, 3, 5) : null;
      if (useKernels && kernels === null) return; // kernels off here (QUARRY_KERNELS=ts or no SIMD): the TypeScript cases cover it
      if (kernels !== null) model.useKernels(kernels);
      const loss = trainingLoss(names, { temperature: 0.2 });
      const batch = batchOf(kernels);
      for (let i = 0; i < batch.teacher.length; i++) batch.teacher[i] = Math.sin(i);
      const grads = new RowGradients(vocab, dim, kernels);
      batch.step(model, tokens, loss, grads);
      // kernel-memory gradients are shared with the next step: keep a copy of this one's
      const rowsSeen = grads.rows.slice(0, grads.count * dim);
      const weightsSeen = grads.weights.slice(0, grads.count);
      const slots = Array.from(grads.ids.subarray(0, grads.count));
      grads.clear();
      const lossAt = (): number => {
        const scratch = new RowGradients(vocab, dim, kernels);
        const v = batch.step(model, tokens, loss, scratch);
        scratch.clear();
        return v;
      };
      const h = 1e-2;
      let worst = 0;
      let checked = 0;
      for (let s = 0; s < slots.length; s++) {
        const id = slots[s]!;
        for (let j = 0; j < dim; j++) {
          const k = id * dim + j;
          const x = model.embeddings[k]!;
          model.embeddings[k] = x + h;
          const up = lossAt();
          model.embeddings[k] = x - h;
          const down = lossAt();
          model.embeddings[k] = x;
          worst = Math.max(worst, Math.abs((up - down) / (2 * h) - rowsSeen[s * dim + j]!));
          checked++;
        }
        const w = model.weights[id]!;
        model.weights[id] = w + h;
        const up = lossAt();
        model.weights[id] = w - h;
        const down = lossAt();
        model.weights[id] = w;
        worst = Math.max(worst, Math.abs((up - down) / (2 * h) - weightsSeen[s]!));
      }
      expect(checked).toBeGreaterThan(40);
      expect(worst).toBeLessThan(2e-3);
    });
  }

  it('the SIMD kernels pool as the TypeScript loops do', () => {
    const ts = StaticEncoderModel.random(vocab, dim, { seed: 8 });
    const simd = StaticEncoderModel.random(vocab, dim, { seed: 8 });
    const kernels = TrainingKernels.create(vocab, dim, 1, 1);
    if (kernels === null) return;
    simd.useKernels(kernels);
    const a = new Float32Array(dim);
    const b = new Float32Array(dim);
    for (const [start, end, s0, s1] of [
      [0, 5, -1, -1],
      [0, 18, 3, 9],
      [7, 7, -1, -1],
    ] as const) {
      expect(simd.forward(tokens, start, end, s0, s1, b, 0)).toBeCloseTo(ts.forward(tokens, start, end, s0, s1, a, 0), 5);
      for (let j = 0; j < dim; j++) expect(b[j]).toBeCloseTo(a[j]!, 5);
    }
  });

  it('the learning rate warms up linearly, then decays linearly to a tenth over the phase', () => {
    const rates = Array.from({ length: 100 }, (_, step) => scheduledRate(1, step, 100, 5));
    expect(rates[0]).toBeCloseTo(0.2, 12);
    expect(rates[4]).toBeCloseTo(1, 12);
    expect(rates[99]).toBeCloseTo(1 - (0.9 * 94) / 95, 12);
    for (let i = 6; i < 100; i++) expect(rates[i]!).toBeLessThan(rates[i - 1]!);
  });

  it('a sparse AdamW step moves only the touched rows, against the gradient', () => {
    const model = StaticEncoderModel.random(vocab, dim, { seed: 5 });
    const before = model.embeddings.slice();
    const grads = new RowGradients(vocab, dim);
    const s = grads.slot(4);
    grads.rows[s * dim + 1] = 2;
    grads.weights[s] = -1;
    new SparseRowAdam(model.embeddings, model.weights, dim).step(grads, 0.1, 0.1, 0);
    for (let i = 0; i < before.length; i++) {
      if (i === 4 * dim + 1) expect(model.embeddings[i]).toBeCloseTo(before[i]! - 0.1, 5);
      else expect(model.embeddings[i]).toBe(before[i]);
    }
    expect(model.weights[4]).toBeCloseTo(1.1, 5);
    expect(grads.count).toBe(0);
  });
});

describe('saved static encoder', () => {
  it('Model2VecEncoder reads the folder back and encodes as the training forward pass does', () => {
    const texts = [
      'Solar panels store energy.',
      'Batteries store solar energy at night!',
      'Wind turbines turn; the grid balances.',
      'Zyxwv unseen',
    ];
    const counter = new WordCounter();
    texts.forEach((t) => counter.add(t));
    const json = counter.tokenizerJson({ minCount: 1 });
    const tokenizer = new WordPieceTokenizer(json);
    const model = StaticEncoderModel.random(tokenizer.vocab.size, 8, {
      seed: 9,
      weights: Float32Array.from({ length: tokenizer.vocab.size }, (_, i) => 1 + (i % 3)),
    });
    const dir = join(tempDir(), 'model');
    writeStaticEncoderFolder(dir, model, json);
    const loaded = Model2VecEncoder.fromFolder(dir);
    const b = new TokenizedTextsBuilder(tokenizer);
    const probe = [...texts, 'energy storage of the unseen zyxwvq'];
    probe.forEach((t) => b.add([t]));
    const tt = b.build();
    const mine = new Float32Array(8);
    probe.forEach((t, i) => {
      model.forward(tt.tokens, tt.starts[i]!, tt.starts[i + 1]!, -1, -1, mine, 0);
      const theirs = loaded.encode(t);
      for (let j = 0; j < 8; j++) expect(theirs[j]).toBeCloseTo(mine[j]!, 5);
    });
  });
});
