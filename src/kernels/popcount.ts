/** Population count of 32-bit words (Hamming weight), the primitive of binary-code scoring. */

/** Number of set bits in a 32-bit integer. */
export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Hamming distance between two packed codes of `words` words. */
export function hamming(a: Uint32Array, aOff: number, b: Uint32Array, bOff: number, words: number): number {
  let d = 0;
  for (let i = 0; i < words; i++) d += popcount32(a[aOff + i]! ^ b[bOff + i]!);
  return d;
}
