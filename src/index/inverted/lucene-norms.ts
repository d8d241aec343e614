/**
 * Lucene's one-byte document-length encoding (SmallFloat.intToByte4 /
 * byte4ToInt): lengths below 24 are exact, larger ones keep 4 significant
 * bits. BM25 scores depend on the decoded length, so matching Lucene's
 * numbers needs exactly this encoding.
 */

function longToInt4(i: number): number {
  const numBits = 32 - Math.clz32(i);
  if (numBits < 4) return i;
  const shift = numBits - 4;
  let encoded = Math.floor(i / 2 ** shift);
  encoded &= 0x07;
  encoded |= (shift + 1) << 3;
  return encoded;
}

function int4ToLong(i: number): number {
  const bits = i & 0x07;
  const shift = (i >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

const MAX_INT4 = longToInt4(2147483647);
const NUM_FREE_VALUES = 255 - MAX_INT4;

/** Encodes a field length (number of terms) into Lucene's norm byte. */
export function lengthToNorm(length: number): number {
  const n = Math.min(length, 2147483647);
  return n < NUM_FREE_VALUES ? n : NUM_FREE_VALUES + longToInt4(n - NUM_FREE_VALUES);
}

/** Decodes a norm byte to the length Lucene scores with. */
export function normToLength(norm: number): number {
  return norm < NUM_FREE_VALUES ? norm : NUM_FREE_VALUES + int4ToLong(norm - NUM_FREE_VALUES);
}

/** LENGTH_TABLE of BM25Similarity: decoded length for each norm byte, as float32. */
export const LENGTH_TABLE: Float32Array = Float32Array.from({ length: 256 }, (_, i) => normToLength(i));
