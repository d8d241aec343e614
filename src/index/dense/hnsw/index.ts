/** The HNSW family: graph ANN over dense rows (Malkov & Yashunin). */
export * from './params.js';
export { buildHnsw } from './build.js';
export { HnswIndex, type HnswSearchOptions } from './hnsw-index.js';
export { HnswGraph } from './graph.js';
export { readHnsw, writeHnsw } from './format.js';
