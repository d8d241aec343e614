/** The binary family: sign and residual bit-plane codes, popcount scoring, exact rescoring (BEBR, BPR). */
export * from './params.js';
export { buildBinary } from './build.js';
export { BinaryIndex, type BinarySearchOptions } from './binary-index.js';
export { readBinary, writeBinary } from './format.js';
