/** Binary and text file primitives shared by every layer. */
export * from './quarry-error.js';
export * from './line-reader.js';
