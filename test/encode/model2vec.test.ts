// Model2Vec against the reference outputs shipped with model2vec-rs's test
// fixtures (computed by the Python model2vec package), for float32,
// float16, int8 and vocabulary-quantized models; the Unigram tokenizer the
// quantized model uses; batches; bad model folders.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model2VecEncoder } from '../../src/encode/model2vec.js';
import { UnigramTokenizer } from '../../src/text/unigram-tokenizer.js';
import { dataset } from '../helpers/shared-data.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = dataset('model2vec-rs-fixtures');
const ref = (name: string): number[] => (JSON.parse(readFileSync(join(dir, name), 'utf8')) as number[][])[0]!;
const LONG = Array.from({ length: 1000 }, () => 'hello').join(' ');

function expectClose(got: Float32Array, want: number[], rel: number): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) =>
    expect(Math.abs(got[i]! - w), `component ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(w), 1e-6)),
  );
}

describe('Model2Vec', () => {
  it('float32 model reproduces the reference embeddings within 1e-5', () => {
    const m = Model2VecEncoder.fromFolder(join(dir, 'test-model-float32'));
    expectClose(m.encode('hello world'), ref('embeddings_short.json'), 1e-5);
    expectClose(m.encode(LONG), ref('embeddings_long.json'), 1e-5);
  });

  it('vocabulary-quantized model (Unigram tokenizer, weights, mapping) reproduces its reference within 1e-5', () => {
    const m = Model2VecEncoder.fromFolder(join(dir, 'test-model-vocab-quantized'));
    expect(m.dim).toBe(64);
    expectClose(m.encode(LONG), ref('embeddings_vocab_quantized.json'), 1e-5);
  });

  it("float16 and int8 tables give the float32 model's direction (to their precision)", () => {
    const want = ref('embeddings_short.json');
    for (const [name, tol] of [
      ['test-model-float16', 1e-3],
      ['test-model-int8', 3e-2],
    ] as const) {
      const got = Model2VecEncoder.fromFolder(join(dir, name)).encode('hello world');
      want.forEach((w, i) => expect(Math.abs(got[i]! - w), name).toBeLessThan(tol));
    }
  });

  it('batches equal one-by-one results and repeated runs are identical', () => {
    const m = Model2VecEncoder.fromFolder(join(dir, 'test-model-float32'));
    const texts = ['hello world', 'Rust is awesome', '', 'naïve café au lait', LONG];
    const batch = m.encodeBatch(texts);
    texts.forEach((t, i) => expect(Array.from(batch.subarray(i * 2, i * 2 + 2))).toEqual(Array.from(m.encode(t))));
    expect(Array.from(m.encodeBatch(texts))).toEqual(Array.from(batch));
    expect(Array.from(m.encode(''))).toEqual([0, 0]);
  });

  it('token vectors: one per distinct token, whose sum with repeats pooled is the text vector', () => {
    const m = Model2VecEncoder.fromFolder(join(dir, 'test-model-vocab-quantized'));
    const text = 'hello world hello again';
    const ids = m.tokenizer.encodeIds(text).filter((id) => id !== m.tokenizer.unkId);
    const rows = m.encodeTokens(text);
    expect(rows.length).toBe(new Set(ids).size);
    expect(rows.length).toBeLessThan(ids.length);
    // re-pool: each distinct token's vector times its count, averaged and normalized
    const firstIndex = [...new Set(ids)];
    const sum = new Float64Array(m.dim);
    for (const id of ids) {
      const r = rows[firstIndex.indexOf(id)]!;
      for (let j = 0; j < m.dim; j++) sum[j]! += r[j]!;
    }
    const norm = Math.hypot(...sum);
    const want = m.encode(text);
    for (let j = 0; j < m.dim; j++) expect(sum[j]! / norm).toBeCloseTo(want[j]!, 5);
    expect(m.encodeTokens('')).toEqual([]);
    expect(m.encodeTokens(text, { maxLength: 1 }).length).toBe(1);
  });

  it('reports incomplete or mismatched model folders clearly', () => {
    const bad = tempDir('quarry-m2v-');
    expect(() => Model2VecEncoder.fromFolder(bad)).toThrow('the model folder has no config.json');
    mkdirSync(join(bad, 'm'));
    for (const f of ['config.json', 'tokenizer.json']) copyFileSync(join(dir, 'test-model-float32', f), join(bad, 'm', f));
    writeFileSync(join(bad, 'm', 'model.safetensors'), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0x7b]));
    expect(() => Model2VecEncoder.fromFolder(join(bad, 'm'))).toThrow('header is not JSON');
    const header = Buffer.from(JSON.stringify({ embeddings: { dtype: 'F32', shape: [10, 2], data_offsets: [0, 80] } }));
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(join(bad, 'm', 'model.safetensors'), Buffer.concat([len, header, Buffer.alloc(80)]));
    expect(() => Model2VecEncoder.fromFolder(join(bad, 'm'))).toThrow('29528 token rows are needed but the embeddings have 10');
  });
});

describe('Unigram tokenizer', () => {
  const tok = UnigramTokenizer.fromFile(join(dir, 'test-model-vocab-quantized/tokenizer.json'));

  it('segments with the Metaspace marker and the normalizer sequence', () => {
    expect(tok.tokenize('Hello, World!')).toEqual(['▁hello', '▁,', '▁world', '▁!']);
    expect(tok.tokenize('  hello   world ')).toEqual(['▁hello', '▁world']);
    expect(tok.encodeIds('')).toEqual([]);
  });

  it('maps characters no piece covers to one fused unknown id', () => {
    const ids = tok.encodeIds('hello 𝔘𝔘𝔘');
    expect(ids.filter((i) => i === tok.unkId).length).toBeGreaterThanOrEqual(1);
    expect(ids.join(',')).not.toContain(`${tok.unkId},${tok.unkId}`);
  });
});
