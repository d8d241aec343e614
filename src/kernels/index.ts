/** Hot numeric loops over typed arrays. */
export { TopKHeap } from './top-k-heap.js';
