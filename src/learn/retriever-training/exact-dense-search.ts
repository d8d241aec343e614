/**
 * Exact search with the model being trained: every text encoded with the
 * current parameters, every query scored against every document. Training
 * uses it for dynamic hard negatives (ADORE, Zhan et al., SIGIR 2021: the
 * negatives the current model actually retrieves) and for the validation
 * metric after each epoch.
 */
import { TopKHeap } from '../../kernels/top-k-heap.js';
import type { StaticEncoderModel } from '../static-encoder/static-encoder-model.js';
import type { TokenizedTexts } from '../static-encoder/tokenized-texts.js';

/** Every text's normalized vector with the current model, rows of `model.dim`. */
export function encodeTexts(model: StaticEncoderModel, texts: TokenizedTexts): Float32Array {
  const out = new Float32Array(texts.count * model.dim);
  for (let i = 0; i < texts.count; i++) model.forward(texts.tokens, texts.starts[i]!, texts.starts[i + 1]!, -1, -1, out, i * model.dim);
  return out;
}

/** The k best documents of each query by inner product, best first. */
export function exactTopK(
  queries: Float32Array,
  docs: Float32Array,
  dim: number,
  k: number,
): { docs: Int32Array[]; scores: Float64Array[] } {
  const nq = queries.length / dim;
  const nd = docs.length / dim;
  const heap = new TopKHeap(Math.min(k, nd));
  const outDocs: Int32Array[] = [];
  const outScores: Float64Array[] = [];
  for (let q = 0; q < nq; q++) {
    heap.clear();
    const qa = q * dim;
    for (let d = 0; d < nd; d++) {
      const da = d * dim;
      let s = 0;
      for (let j = 0; j < dim; j++) s += queries[qa + j]! * docs[da + j]!;
      if (s > heap.threshold()) heap.offer(s, d);
    }
    const r = heap.drain();
    outDocs.push(Int32Array.from(r.docs));
    outScores.push(r.scores);
  }
  return { docs: outDocs, scores: outScores };
}
