/** Text to representation: query encoders. */
export { InferenceFreeQueryEncoder } from './inference-free.js';
export { WordVectorEncoder, type WordVectorOptions } from './word-vectors.js';
