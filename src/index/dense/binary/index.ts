/** The binary family: sign and residual bit-plane codes, popcount scoring, exact rescoring (BEBR, BPR). */
export * from './params.js';
export { buildBinary, buildBinaryWithCodebook } from './build.js';
export { BinaryIndex, type BinarySearchOptions, type BinaryCodebookRef, type BinaryQueryCode } from './binary-index.js';
export { readBinary, writeBinary } from './format.js';
