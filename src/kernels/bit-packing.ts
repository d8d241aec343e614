/**
 * Fixed-width bit packing of unsigned integers into 32-bit words, the block
 * codec of compressed postings (as in Lucene's ForUtil and PISA's block
 * codecs, in its simplest form: one bit width per block).
 */

/** Bits needed to represent `maxValue` (0 for 0). */
export function bitsNeeded(maxValue: number): number {
  return maxValue === 0 ? 0 : 32 - Math.clz32(maxValue);
}

/** Number of 32-bit words that `count` values of `bits` bits occupy. */
export function packedWords(count: number, bits: number): number {
  return Math.ceil((count * bits) / 32);
}

/**
 * Packs `count` values from `src[srcPos..]`, each < 2^bits, into `out` from
 * word `outPos`. The target words must be zero. Returns the number of words used.
 */
export function packBits(src: ArrayLike<number>, srcPos: number, count: number, bits: number, out: Uint32Array, outPos: number): number {
  if (bits === 0) return 0;
  let word = outPos;
  let bit = 0;
  for (let i = 0; i < count; i++) {
    const v = src[srcPos + i]! >>> 0;
    out[word] = (out[word]! | (v << bit)) >>> 0;
    if (bit + bits > 32) out[word + 1] = v >>> (32 - bit);
    bit += bits;
    if (bit >= 32) {
      bit -= 32;
      word++;
    }
  }
  return packedWords(count, bits);
}

/** Unpacks `count` values of `bits` bits from `src` at word `srcPos` into `out[0..count)`. */
export function unpackBits(src: Uint32Array, srcPos: number, count: number, bits: number, out: Uint32Array): void {
  if (bits === 0) {
    out.fill(0, 0, count);
    return;
  }
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  let word = srcPos;
  let bit = 0;
  for (let i = 0; i < count; i++) {
    let v = src[word]! >>> bit;
    if (bit + bits > 32) v |= src[word + 1]! << (32 - bit);
    out[i] = (v & mask) >>> 0;
    bit += bits;
    if (bit >= 32) {
      bit -= 32;
      word++;
    }
  }
}
