/** The IVF-PQ family: coarse k-means cells, product-quantized residuals, asymmetric distance tables. */
export * from './params.js';
export { buildIvfPq } from './build.js';
export { IvfPqIndex, type IvfPqSearchOptions } from './ivfpq-index.js';
export { readIvfPq, writeIvfPq } from './format.js';
