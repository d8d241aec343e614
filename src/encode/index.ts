/** Text to representation: query encoders. */
export { InferenceFreeQueryEncoder } from './inference-free.js';
export { WordAverageEncoder, type WordAverageOptions } from './word-average.js';
