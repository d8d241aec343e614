/**
 * Saves a trained static encoder as a Model2Vec folder: `config.json`,
 * `tokenizer.json` and `model.safetensors` with one float32 `embeddings`
 * tensor. The pooling weights are folded into the rows (and rows shared by tokens are
 * written once, with a `mapping` from token to row) (row t × weight t),
 * which gives the same vectors and loads in any Model2Vec reader, Quarry's
 * `Model2VecEncoder` included.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { encodeSafeTensors } from '../../io/safetensors.js';
import type { StaticEncoderModel } from './static-encoder-model.js';

/** What is recorded about the training in `config.json`. */
export type TrainingMetadata = Record<string, string | number | boolean | readonly string[]>;

/**
 * Writes `model` with `tokenizerJson` into `dir` (created when missing); each file is
 * written atomically. `mapping` (token id → model row) is saved as Model2Vec's `mapping`
 * tensor when the model's rows are shared between tokens.
 */
export function writeStaticEncoderFolder(
  dir: string,
  model: StaticEncoderModel,
  tokenizerJson: unknown,
  training: TrainingMetadata = {},
  mapping: Int32Array | null = null,
): void {
  mkdirSync(dir, { recursive: true });
  const { dim, vocabSize } = model;
  const folded = new Float32Array(vocabSize * dim);
  for (let t = 0; t < vocabSize; t++) {
    const w = model.weights[t]!;
    for (let j = 0; j < dim; j++) folded[t * dim + j] = model.embeddings[t * dim + j]! * w;
  }
  writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
  writeFileAtomic(
    join(dir, 'model.safetensors'),
    encodeSafeTensors(
      {
        embeddings: { shape: [vocabSize, dim], data: folded },
        ...(mapping === null ? {} : { mapping: { shape: [mapping.length], data: mapping } }),
      },
      { format: 'pt', trained_by: 'quarry' },
    ),
  );
  const config = {
    model_type: 'model2vec',
    architectures: ['StaticModel'],
    hidden_dim: dim,
    normalize: true,
    seq_length: 1_000_000,
    apply_pca: null,
    apply_zipf: false,
    quarry_training: training,
  };
  writeFileAtomic(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
}
