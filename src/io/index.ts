/** Binary and text file primitives and import formats shared by every layer. */
export * from '../core/quarry-error.js';
export * from './line-reader.js';
export * from './jsonl.js';
export * from './beir.js';
export * from './atomic-file.js';
export * from './section-file.js';
export * from './vector-files.js';
export * from './sparse-files.js';
export * from '../kernels/sparse-matrix.js';
