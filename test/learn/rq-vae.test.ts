// RQ-VAE semantic ids (TIGER): training lowers the reconstruction error and finds the
// clusters, is seeded, and the model file round-trips and names what is wrong with it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSafeTensors } from '../../src/io/safetensors.js';
import {
  decodeRqVaeLatents,
  encodeRqVaeLatents,
  fitRqVae,
  type RqVaeEpoch,
  type RqVaeOptions,
} from '../../src/learn/semantic-ids/rq-vae.js';
import { readRqVae, writeRqVae } from '../../src/learn/semantic-ids/rq-vae-file.js';
import { encodeResidual, reconstructResidual } from '../../src/learn/semantic-ids/residual-quantizer.js';
import { fitRqVaeSemanticIds } from '../../src/learn/semantic-ids/semantic-ids.js';
import { xorshift32 } from '../../src/kernels/xorshift.js';
import { errorOf } from '../helpers/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIM = 8;
const CLUSTERS = 4;

/** Rows around CLUSTERS well-separated centres, row r in cluster r % CLUSTERS. */
function clustered(n: number, seed: number): Float32Array {
  const random = xorshift32(seed);
  const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIM }, () => 6 * (random() - 0.5)));
  const out = new Float32Array(n * DIM);
  for (let r = 0; r < n; r++) for (let j = 0; j < DIM; j++) out[r * DIM + j] = centres[r % CLUSTERS]![j]! + 0.3 * (random() - 0.5);
  return out;
}

const SMALL: RqVaeOptions = {
  levels: 2,
  codebookSize: CLUSTERS,
  hidden: [16],
  latent: 4,
  epochs: 30,
  batchSize: 32,
  seed: 7,
  learningRate: 0.01,
};
const data = clustered(400, 3);
const dir = tempDir();

describe('RQ-VAE', () => {
  const epochs: RqVaeEpoch[] = [];
  const model = fitRqVae(data, DIM, SMALL, (e) => epochs.push(e));

  it('lowers the reconstruction error as it trains, and the first token finds the clusters', () => {
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(epochs[29]!.relativeReconstruction).toBeLessThan(0.5 * epochs[0]!.relativeReconstruction);
    const codes = encodeResidual(model.quantizer, encodeRqVaeLatents(model, data)).codes;
    // every cluster's rows share one first token, and different clusters have different ones
    const firstOf = new Map<number, Set<number>>();
    for (let r = 0; r < 400; r++) firstOf.set(r % CLUSTERS, (firstOf.get(r % CLUSTERS) ?? new Set()).add(codes[r * 2]!));
    expect([...firstOf.values()].map((s) => s.size)).toEqual([1, 1, 1, 1]);
    expect(new Set([...firstOf.values()].map((s) => [...s][0])).size).toBe(CLUSTERS);
    // decoding the codewords' sum lands near the row: much nearer than the data's spread
    const rebuilt = decodeRqVaeLatents(model, reconstructResidual(model.quantizer, codes));
    let err = 0;
    let energy = 0;
    for (let i = 0; i < data.length; i++) {
      err += (rebuilt[i]! - data[i]!) ** 2;
      energy += data[i]! ** 2;
    }
    expect(err / energy).toBeLessThan(0.05);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    const again = fitRqVae(data, DIM, SMALL);
    expect(again.quantizer.codebooks).toEqual(model.quantizer.codebooks);
    expect(again.encoder).toEqual(model.encoder);
    expect(fitRqVae(data, DIM, { ...SMALL, seed: 8, epochs: 1 }).encoder[0]!.weights).not.toEqual(model.encoder[0]!.weights);
  });

  it("moves codewords no row chose to rows' residuals", () => {
    // two distinct vectors, eight codewords: at least six go unused each epoch
    const two = new Float32Array(64 * DIM);
    for (let r = 0; r < 64; r++) two[r * DIM + (r % 2)] = 1;
    const seen: number[] = [];
    fitRqVae(two, DIM, { ...SMALL, codebookSize: 8, levels: 1, epochs: 2 }, (e) => seen.push(e.resetCodewords));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(6);
  });

  it('codes new rows with a saved model exactly as the trained one does', () => {
    const file = join(dir, 'model.safetensors');
    writeRqVae(file, model);
    const loaded = readRqVae(file);
    expect(loaded).toEqual(model);
    const fresh = clustered(40, 11);
    expect(fitRqVaeSemanticIds(fresh, DIM, { ...SMALL, model: loaded }).ids.tokens).toEqual(
      fitRqVaeSemanticIds(fresh, DIM, { ...SMALL, model }).ids.tokens,
    );
    expect(errorOf(() => fitRqVaeSemanticIds(new Float32Array(6), 3, { ...SMALL, model })).message).toMatch(
      /the model codes 8-dimensional vectors, the input has 3 dimensions/,
    );
  });

  it('names a bad model file and what is wrong with it', () => {
    const write = (name: string, tensors: Parameters<typeof encodeSafeTensors>[0], meta: Record<string, string>): string => {
      const f = join(dir, name);
      writeFileSync(f, encodeSafeTensors(tensors, meta));
      return f;
    };
    const meta = { kind: 'quarry-rq-vae', inputDim: '2', encoderLayers: '1', decoderLayers: '1' };
    const books = { shape: [1, 2, 3], data: new Float32Array(6) };
    const layer = (o: number, i: number) => ({
      weight: { shape: [o, i], data: new Float32Array(o * i) },
      bias: { shape: [o], data: new Float32Array(o) },
    });
    const ok = {
      codebooks: books,
      'encoder.0.weight': layer(3, 2).weight,
      'encoder.0.bias': layer(3, 2).bias,
      'decoder.0.weight': layer(2, 3).weight,
      'decoder.0.bias': layer(2, 3).bias,
    };
    expect(readRqVae(write('ok.safetensors', ok, meta)).quantizer).toMatchObject({ dim: 3, levels: 1, codebookSize: 2 });
    const cases: [string, Parameters<typeof encodeSafeTensors>[0], Record<string, string>, RegExp][] = [
      ['kind', ok, { ...meta, kind: 'quarry-dsi-tree' }, /not an RQ-VAE \(metadata kind is "quarry-dsi-tree"\)/],
      ['dim', ok, { ...meta, inputDim: 'x' }, /metadata inputDim "x" is not a positive integer/],
      [
        'nobooks',
        { ...ok, codebooks: { shape: [6], data: new Float32Array(6) } },
        meta,
        /codebooks have shape \(6\), not \(levels, codebookSize, latent\)/,
      ],
      ['nolayer', { ...ok, 'decoder.0.bias': undefined! }, meta, /no "decoder\.0\.bias" tensor/],
      ['chain', { ...ok, 'encoder.0.weight': layer(3, 5).weight }, meta, /encoder\.0\.weight has shape \(3, 5\), expected \(outputs, 2\)/],
      [
        'latent',
        { ...ok, 'encoder.0.weight': layer(4, 2).weight, 'encoder.0.bias': layer(4, 2).bias },
        meta,
        /encoder ends with 4 values, expected 3/,
      ],
    ];
    for (const [name, tensors, m, message] of cases) {
      const clean = Object.fromEntries(Object.entries(tensors).filter(([, t]) => t !== undefined));
      const f = write(`${name}.safetensors`, clean, m);
      const e = errorOf(() => readRqVae(f));
      expect(e.message, name).toMatch(message);
      expect(e.message).toContain(`${name}.safetensors`);
    }
  });

  it('rejects bad settings with the field named', () => {
    const cases: [RqVaeOptions, RegExp][] = [
      [{ ...SMALL, hidden: [16, 0] }, /hidden: hidden must be an integer from 1 to 65536, got 0/],
      [{ ...SMALL, latent: 0 }, /latent: latent must be an integer/],
      [{ ...SMALL, epochs: 1.5 }, /epochs: epochs must be an integer/],
      [{ ...SMALL, learningRate: 0 }, /learningRate: learningRate must be a positive number, got 0/],
      [{ ...SMALL, beta: -1 }, /beta: beta must be a number of at least 0, got -1/],
      [{ ...SMALL, codebookSize: 500 }, /codebookSize: a codebook of 500 codewords needs at least as many vectors, got 400/],
    ];
    for (const [opts, message] of cases) expect(errorOf(() => fitRqVae(data, DIM, opts)).message).toMatch(message);
  });
});
