/** Text to representation: static encoders (Model2Vec, word vectors), transformer encoders (dense, learned sparse, token vectors, cross-encoder), the inference-free sparse query encoder. */
export { InferenceFreeQueryEncoder } from './inference-free.js';
export { WordVectorEncoder, type WordVectorOptions } from './word-vectors.js';
export { Model2VecEncoder, type Model2VecEncodeOptions } from './model2vec.js';
export { TransformerDenseEncoder, poolStates, type DenseTransformerOptions, type Pooling } from './transformer-dense-encoder.js';
export { TransformerSparseEncoder, type SparseTransformerOptions, type TokenWeights } from './transformer-sparse-encoder.js';
export { TransformerTokenEncoder, type TokenTransformerOptions, type TokenVectors } from './transformer-token-encoder.js';
export { TransformerCrossEncoder, type CrossEncoderOptions } from './transformer-cross-encoder.js';
export { loadTransformerModel, type ModelHead, type TransformerModel } from './transformer-model.js';
export type { EncodeProgress, TransformerBatchOptions } from './transformer-batches.js';
export type { Encoder, EncodeProgressCallback, PairScorer } from './encoder.js';
export { sparseEncoderSpecSchema, tokenEncoderSpecSchema, type SparseEncoderSpec, type TokenEncoderSpec } from './field-encoders.js';
