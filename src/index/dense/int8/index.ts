/** The int8 family: 8-bit scalar quantization with trained ranges and float rescoring. */
export * from './params.js';
export { buildInt8 } from './build.js';
export { Int8Index, type Int8SearchOptions } from './int8-index.js';
export { readInt8, writeInt8 } from './format.js';
