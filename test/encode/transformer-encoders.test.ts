// Transformer encoders on the tiny fixture models (test/fixtures/models, made by
// scripts/make-fixture-models.py with torch): the ONNX runtime's outputs against
// torch's, and pooling / SPLADE / term weights / projection math against references
// computed here from those outputs, batch = one by one, determinism, bad folders.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { TransformerCrossEncoder } from '../../src/encode/transformer-cross-encoder.js';
import { TransformerDenseEncoder } from '../../src/encode/transformer-dense-encoder.js';
import { TransformerSparseEncoder } from '../../src/encode/transformer-sparse-encoder.js';
import { TransformerTokenEncoder } from '../../src/encode/transformer-token-encoder.js';
import { QuarryError } from '../../src/core/quarry-error.js';

const MODELS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'models');
const folder = (name: string): string => join(MODELS, name);

interface Reference {
  texts: string[];
  input_ids: number[][];
  last_hidden_state?: number[][][];
  logits?: number[][][] | number[][];
  projected?: number[][][];
}
const reference = (name: string): Reference => JSON.parse(readFileSync(join(folder(name), 'reference.json'), 'utf8')) as Reference;

function normalized(v: number[]): number[] {
  const len = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return len > 0 ? v.map((x) => x / len) : v;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label = ''): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${label}[${i}]`).toBeLessThanOrEqual(tol);
}

const vocabOf = (name: string): string[] => {
  const tok = JSON.parse(readFileSync(join(folder(name), 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const out: string[] = [];
  for (const [t, id] of Object.entries(tok.model.vocab)) out[id] = t;
  return out;
};

describe('dense transformer encoder', () => {
  const ref = reference('tiny-bert');
  const states = ref.last_hidden_state!;

  it('pools cls / mean / last-token exactly as computed from torch hidden states, normalized or not', async () => {
    for (const pooling of ['cls', 'mean', 'last-token'] as const) {
      for (const normalize of [false, true]) {
        const enc = await TransformerDenseEncoder.load(folder('tiny-bert'), { pooling, normalize });
        expect(enc.dim).toBe(32);
        const got = await enc.encodeDocuments(ref.texts);
        ref.texts.forEach((_, i) => {
          const h = states[i]!;
          let want: number[];
          if (pooling === 'cls') want = h[0]!;
          else if (pooling === 'last-token') want = h[h.length - 1]!;
          else want = h[0]!.map((_, d) => h.reduce((a, row) => a + row[d]!, 0) / h.length);
          expectClose(got[i]!, normalize ? normalized(want) : want, 1e-4, `${pooling} ${normalize} text ${i}`);
        });
      }
    }
  });

  it('batched encoding equals one-by-one encoding, and is deterministic', async () => {
    const enc = await TransformerDenseEncoder.load(folder('tiny-bert'), { pooling: 'mean', batchSize: 3 });
    const batch = await enc.encodeDocuments(ref.texts);
    const again = await enc.encodeDocuments(ref.texts);
    for (let i = 0; i < ref.texts.length; i++) {
      const [single] = await enc.encodeDocuments([ref.texts[i]!]);
      expectClose(batch[i]!, single!, 1e-5, `text ${i}`);
      expect(Array.from(again[i]!)).toEqual(Array.from(batch[i]!));
    }
  });

  it('applies query and document prefixes and truncates to maxLength', async () => {
    const enc = await TransformerDenseEncoder.load(folder('tiny-bert'), {
      pooling: 'cls',
      queryPrefix: 'query: ',
      documentPrefix: 'passage: ',
      maxLength: 4,
    });
    const [q] = await enc.encodeQueries(['sorting']);
    const [d] = await enc.encodeDocuments(['sorting']);
    const plain = await TransformerDenseEncoder.load(folder('tiny-bert'), { pooling: 'cls', maxLength: 4 });
    const [pq] = await plain.encodeDocuments(['query: sorting']);
    expectClose(q!, pq!, 1e-6);
    expect(Array.from(q!)).not.toEqual(Array.from(d!));
    // truncation: texts that agree on their first two word pieces encode alike at maxLength 4 ([CLS] a b [SEP])
    const [x, y] = await plain.encodeDocuments(['time sharing systems', 'time sharing computers']);
    expectClose(x!, y!, 1e-6);
  });
});

describe('learned sparse transformer encoders', () => {
  const ref = reference('tiny-bert-mlm');
  const vocab = vocabOf('tiny-bert-mlm');
  const logits = ref.logits as number[][][];

  /** SPLADE computed here from torch logits: max over tokens of log(1 + relu(logit)). */
  function splade(i: number): Map<string, number> {
    const w = new Map<string, number>();
    for (const row of logits[i]!) row.forEach((x, v) => x > 0 && w.set(vocab[v]!, Math.max(w.get(vocab[v]!) ?? 0, Math.log1p(x))));
    return w;
  }

  it('SPLADE weights equal log(1 + ReLU) max-pooled from the torch logits', async () => {
    const enc = await TransformerSparseEncoder.load(folder('tiny-bert-mlm'));
    expect(enc.vocabularySize).toBe(vocab.length);
    const got = await enc.encodeDocuments(ref.texts);
    got.forEach((vec, i) => {
      const want = splade(i);
      expect(Object.keys(vec).sort()).toEqual([...want.keys()].sort());
      for (const [t, w] of want) expect(Math.abs(vec[t]! - w), t).toBeLessThanOrEqual(1e-4);
    });
  });

  it('prunes by top-k and threshold, and keeps literal tokens at a minimum weight', async () => {
    const all = (await (await TransformerSparseEncoder.load(folder('tiny-bert-mlm'))).encodeDocuments([ref.texts[0]!]))[0]!;
    const sorted = Object.entries(all).sort((a, b) => b[1] - a[1]);
    const top = (await (await TransformerSparseEncoder.load(folder('tiny-bert-mlm'), { topK: 5 })).encodeDocuments([ref.texts[0]!]))[0]!;
    expect(Object.keys(top).sort()).toEqual(
      sorted
        .slice(0, 5)
        .map(([t]) => t)
        .sort(),
    );
    const cut = sorted[10]![1];
    const thresholded = (
      await (await TransformerSparseEncoder.load(folder('tiny-bert-mlm'), { threshold: cut })).encodeDocuments([ref.texts[0]!])
    )[0]!;
    expect(Object.keys(thresholded).sort()).toEqual(
      sorted
        .filter(([, w]) => w >= cut)
        .map(([t]) => t)
        .sort(),
    );
    const literal = (
      await (
        await TransformerSparseEncoder.load(folder('tiny-bert-mlm'), { topK: 3, literalMinWeight: 50 })
      ).encodeDocuments([ref.texts[0]!])
    )[0]!;
    // every word piece of the text is kept (at >= 50) even past the top-k cut
    for (const id of ref.input_ids[0]!.slice(1, -1)) expect(literal[vocab[id]!], vocab[id]).toBeGreaterThanOrEqual(50);
  });

  it('term-weight models (uniCOIL-style) weight only the input tokens: max of ReLU per token', async () => {
    const uni = reference('tiny-unicoil');
    const enc = await TransformerSparseEncoder.load(folder('tiny-unicoil'), { mode: 'term-weights' });
    const got = await enc.encodeDocuments(uni.texts);
    got.forEach((vec, i) => {
      const want = new Map<string, number>();
      const ids = uni.input_ids[i]!;
      (uni.logits as number[][])[i]!.forEach((x, t) => {
        if (t === 0 || t === ids.length - 1 || x <= 0) return; // [CLS], [SEP], non-positive
        const tok = vocab[ids[t]!]!;
        want.set(tok, Math.max(want.get(tok) ?? 0, x));
      });
      expect(Object.keys(vec).sort()).toEqual([...want.keys()].sort());
      for (const [t, w] of want) expect(Math.abs(vec[t]! - w)).toBeLessThanOrEqual(1e-4);
    });
  });

  it('rejects bad pruning settings with the field named', async () => {
    await expect(TransformerSparseEncoder.load(folder('tiny-bert-mlm'), { topK: -1 })).rejects.toThrow(/topK must be a number >= 0/);
  });
});

describe('multi-vector (ColBERT-style) token encoder', () => {
  const ref = reference('tiny-colbert');
  const vocab = vocabOf('tiny-colbert');

  it('projects every token with 1_Dense/model.safetensors and normalizes, skipping punctuation in documents', async () => {
    const enc = await TransformerTokenEncoder.load(folder('tiny-colbert'));
    expect(enc.dim).toBe(16);
    const got = await enc.encodeDocuments(ref.texts);
    got.forEach((tv, i) => {
      const kept = ref.input_ids[i]!.map((id, t) => [id, t] as const).filter(([id]) => !/^[\p{P}\p{S}]+$/u.test(vocab[id]!));
      expect(tv.count, `text ${i}`).toBe(kept.length);
      kept.forEach(([, t], r) =>
        expectClose(tv.data.subarray(r * 16, (r + 1) * 16), normalized(ref.projected![i]![t]!), 1e-4, `text ${i} token ${t}`),
      );
    });
    // the second text has punctuation: it really was skipped
    expect(got[1]!.count).toBeLessThan(ref.input_ids[1]!.length);
  });

  it('augments queries with [MASK] tokens to queryLength', async () => {
    const enc = await TransformerTokenEncoder.load(folder('tiny-colbert'), { queryLength: 12 });
    const [q] = await enc.encodeQueries(['sorting algorithms']);
    expect(q!.count).toBe(12);
    const plain = await TransformerTokenEncoder.load(folder('tiny-colbert'), { queryLength: 0 });
    const [p] = await plain.encodeQueries(['sorting algorithms']);
    expect(p!.count).toBe(4); // [CLS] sorting algorithms [SEP]
    // not attending to the expansion leaves the real tokens' vectors unchanged
    expectClose(q!.data.subarray(0, 4 * 16), p!.data.subarray(0, 4 * 16), 1e-5);
  });
});

describe('cross-encoder', () => {
  const ref = JSON.parse(readFileSync(join(folder('tiny-cross-encoder'), 'reference.json'), 'utf8')) as {
    pairs: [string, string][];
    logits: number[];
  };

  it('scores (query, document) pairs as torch does, batched or one by one', async () => {
    const enc = await TransformerCrossEncoder.load(folder('tiny-cross-encoder'), { batchSize: 1 });
    for (let i = 0; i < ref.pairs.length; i++) {
      const [s] = await enc.score(ref.pairs[i]![0], [ref.pairs[i]![1]]);
      expect(Math.abs(s! - ref.logits[i]!)).toBeLessThanOrEqual(1e-5);
    }
    const both = await (
      await TransformerCrossEncoder.load(folder('tiny-cross-encoder'))
    ).score('time sharing', ['Time sharing systems for IBM computers', 'Parsing of programming languages']);
    expect(Math.abs(both[0]! - ref.logits[0]!)).toBeLessThanOrEqual(1e-5);
    const sig = await (
      await TransformerCrossEncoder.load(folder('tiny-cross-encoder'), { activation: 'sigmoid' })
    ).score(ref.pairs[0]![0], [ref.pairs[0]![1]]);
    expect(Math.abs(sig[0]! - 1 / (1 + Math.exp(-ref.logits[0]!)))).toBeLessThanOrEqual(1e-6);
  });
});

describe('model folders', () => {
  it('a missing folder, a folder without tokenizer.json or without the ONNX file are clear errors', async () => {
    await expect(TransformerDenseEncoder.load('/nonexistent/model')).rejects.toThrow(/model folder \/nonexistent\/model does not exist/);
    const dir = mkdtempSync(join(tmpdir(), 'quarry-model-'));
    writeFileSync(join(dir, 'config.json'), '{"model_type":"bert"}');
    await expect(TransformerDenseEncoder.load(dir)).rejects.toThrow(/has no tokenizer.json/);
    writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(folder('tiny-bert'), 'tokenizer.json')));
    await expect(TransformerDenseEncoder.load(dir)).rejects.toThrow(/has no onnx\/model.onnx/);
    mkdirSync(join(dir, 'onnx'));
    writeFileSync(join(dir, 'onnx', 'model.onnx'), 'not a model');
    const err = await TransformerDenseEncoder.load(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QuarryError);
    expect((err as QuarryError).message).toMatch(/cannot load the model/);
  });
});
