/**
 * How much a document reads like the collection's language: the bits per word that knowing the
 * previous word saves under the collection's own bigram statistics (interpolated with unigrams,
 * Jelinek & Mercer 1980), each document scored with its own counts left out. Natural prose
 * gains from context ("of the", "in patients with"); word sequences assembled by an optimiser,
 * as in GASLITE's poisoned passages, gain little.
 */

/** Weight of the bigram estimate in the interpolation. */
const BIGRAM_WEIGHT = 0.7;
/**
 * Per document (token ids in `docs`), the mean context gain: unigram surprisal minus
 * interpolated bigram surprisal, in bits per word; NaN for documents with fewer than 2 words.
 */
export function contextGain(docs: readonly Int32Array[], vocabSize: number): Float64Array {
  const uni = new Float64Array(vocabSize);
  const bi = new Map<number, number>();
  let total = 0;
  const key = (a: number, b: number): number => a * vocabSize + b;
  for (const d of docs) {
    for (let i = 0; i < d.length; i++) {
      uni[d[i]!]!++;
      if (i > 0) bi.set(key(d[i - 1]!, d[i]!), (bi.get(key(d[i - 1]!, d[i]!)) ?? 0) + 1);
    }
    total += d.length;
  }
  const out = new Float64Array(docs.length);
  const ownUni = new Map<number, number>();
  const ownBi = new Map<number, number>();
  for (const [n, d] of docs.entries()) {
    if (d.length < 2) {
      out[n] = NaN;
      continue;
    }
    ownUni.clear();
    ownBi.clear();
    for (let i = 0; i < d.length; i++) {
      ownUni.set(d[i]!, (ownUni.get(d[i]!) ?? 0) + 1);
      if (i > 0) ownBi.set(key(d[i - 1]!, d[i]!), (ownBi.get(key(d[i - 1]!, d[i]!)) ?? 0) + 1);
    }
    const rest = total - d.length;
    // add-one unigram estimate over the rest of the collection
    const pUni = (t: number): number => (uni[t]! - (ownUni.get(t) ?? 0) + 1) / (rest + vocabSize);
    let sum = 0;
    for (let i = 1; i < d.length; i++) {
      const prev = d[i - 1]!;
      const t = d[i]!;
      const pu = pUni(t);
      const prevCount = uni[prev]! - (ownUni.get(prev) ?? 0);
      const pairCount = (bi.get(key(prev, t)) ?? 0) - (ownBi.get(key(prev, t)) ?? 0);
      const pb = prevCount > 0 ? BIGRAM_WEIGHT * (pairCount / prevCount) + (1 - BIGRAM_WEIGHT) * pu : pu;
      sum += Math.log2(pb / pu);
    }
    out[n] = sum / (d.length - 1);
  }
  return out;
}
