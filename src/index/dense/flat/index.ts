/** The flat family: exact dense search, the reference for every approximate family. */
export * from './params.js';
export { buildFlat } from './build.js';
export { FlatIndex } from './flat-index.js';
export { readFlat, writeFlat } from './format.js';
