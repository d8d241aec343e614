/** Hot numeric loops over typed arrays. */
export { TopKHeap } from './top-k-heap.js';
export { bitsNeeded, packBits, packedWords, unpackBits } from './bit-packing.js';
