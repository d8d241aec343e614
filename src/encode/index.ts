/** Text to representation: query encoders. */
export { InferenceFreeQueryEncoder } from './inference-free.js';
