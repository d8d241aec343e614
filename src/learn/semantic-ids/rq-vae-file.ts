/**
 * An RQ-VAE on disk (`.safetensors`), in PyTorch's naming so a Python
 * pipeline can load it: `encoder.{i}.weight` (outputs x inputs) and
 * `encoder.{i}.bias` per layer, the same for the decoder, and `codebooks` of
 * shape (levels, codebookSize, latent).
 */
import { writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { encodeSafeTensors, readSafeTensors, type SafeTensors } from '../../io/safetensors.js';
import type { DenseLayer } from '../dense-stack.js';
import { MAX_CODEBOOK_SIZE } from './residual-quantizer.js';
import type { RqVae } from './rq-vae.js';

const KIND = 'quarry-rq-vae';

/** Writes `model` to `path` (replaced atomically). */
export function writeRqVae(path: string, model: RqVae): void {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  const put = (prefix: string, layers: readonly DenseLayer[]): void =>
    layers.forEach((l, i) => {
      tensors[`${prefix}.${i}.weight`] = { shape: [l.outputs, l.inputs], data: l.weights };
      tensors[`${prefix}.${i}.bias`] = { shape: [l.outputs], data: l.bias };
    });
  put('encoder', model.encoder);
  put('decoder', model.decoder);
  const q = model.quantizer;
  tensors.codebooks = { shape: [q.levels, q.codebookSize, q.dim], data: q.codebooks };
  const meta = {
    kind: KIND,
    inputDim: String(model.inputDim),
    encoderLayers: String(model.encoder.length),
    decoderLayers: String(model.decoder.length),
  };
  writeFileAtomic(path, encodeSafeTensors(tensors, meta));
}

/** Reads a model written by {@link writeRqVae}; every inconsistency is reported naming the file and tensor. */
export function readRqVae(path: string): RqVae {
  const f = readSafeTensors(path);
  const bad = (why: string): never => {
    throw new QuarryError('BAD_INPUT', why, { file: path }, 'write the model with quarry semantic-ids --method rq-vae --save-model');
  };
  if (f.metadata.kind !== KIND) bad(`not an RQ-VAE (metadata kind is ${JSON.stringify(f.metadata.kind ?? null)})`);
  const count = (key: string): number => {
    const v = Number(f.metadata[key]);
    return Number.isInteger(v) && v >= 1 ? v : bad(`metadata ${key} ${JSON.stringify(f.metadata[key] ?? null)} is not a positive integer`);
  };
  const inputDim = count('inputDim');
  const books = f.info('codebooks') ?? bad('no "codebooks" tensor');
  if (books.shape.length !== 3) bad(`codebooks have shape (${books.shape.join(', ')}), not (levels, codebookSize, latent)`);
  const [levels, codebookSize, latent] = books.shape as [number, number, number];
  if (levels < 1 || levels > 64) bad(`${levels} levels; a quantizer has 1 to 64`);
  if (codebookSize < 2 || codebookSize > MAX_CODEBOOK_SIZE)
    bad(`codebooks of ${codebookSize} codewords; 2 to ${MAX_CODEBOOK_SIZE} are supported`);
  const encoder = readLayers(f, 'encoder', count('encoderLayers'), inputDim, latent, bad);
  const decoder = readLayers(f, 'decoder', count('decoderLayers'), latent, inputDim, bad);
  return { inputDim, encoder, decoder, quantizer: { dim: latent, levels, codebookSize, codebooks: f.floats('codebooks') } };
}

/** Reads `prefix.{0..layers-1}` and checks that they chain from `inputs` to `outputs` values. */
function readLayers(
  f: SafeTensors,
  prefix: string,
  layers: number,
  inputs: number,
  outputs: number,
  bad: (why: string) => never,
): DenseLayer[] {
  const out: DenseLayer[] = [];
  let width = inputs;
  for (let i = 0; i < layers; i++) {
    const name = `${prefix}.${i}`;
    const w = f.info(`${name}.weight`) ?? bad(`no "${name}.weight" tensor`);
    const b = f.info(`${name}.bias`) ?? bad(`no "${name}.bias" tensor`);
    if (w.shape.length !== 2 || w.shape[1] !== width) bad(`${name}.weight has shape (${w.shape.join(', ')}), expected (outputs, ${width})`);
    const rows = w.shape[0]!;
    if (b.shape.length !== 1 || b.shape[0] !== rows) bad(`${name}.bias has shape (${b.shape.join(', ')}), expected (${rows})`);
    out.push({ inputs: width, outputs: rows, weights: f.floats(`${name}.weight`), bias: f.floats(`${name}.bias`) });
    width = rows;
  }
  if (width !== outputs) bad(`${prefix} ends with ${width} values, expected ${outputs}`);
  return out;
}
