/** Hot numeric loops over typed arrays. */
export { TopKHeap } from './top-k-heap.js';
export { bitsNeeded, packBits, packedWords, unpackBits } from './bit-packing.js';
export { dot, l2Squared, norm, normalizeRows } from './dense-distance.js';
export { Bitset } from './bitset.js';
export { MinHeap } from './min-heap.js';
export { popcount32, hamming } from './popcount.js';
export { toFloat16, FLOAT16_TABLE } from './float16.js';
export { GrowableF32, GrowableU32, GrowableU8 } from './growable-arrays.js';
export { standardNormal, xorshift32 } from './xorshift.js';
