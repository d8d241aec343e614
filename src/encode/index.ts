/** Text to representation: query encoders. */
export { InferenceFreeQueryEncoder } from './inference-free.js';
export { WordVectorEncoder, type WordVectorOptions } from './word-vectors.js';
export { Model2VecEncoder, type Model2VecEncodeOptions } from './model2vec.js';
