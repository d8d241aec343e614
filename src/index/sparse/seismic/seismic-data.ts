/** The arrays of a Seismic index (what format.ts saves). */

/** Forward index, blocked inverted lists with quantized summaries, optional kNN graph. */
export interface SeismicData {
  rows: number;
  dim: number;
  /** Forward rows: terms/values[fwdStart[r] .. fwdStart[r + 1]). */
  fwdStart: Float64Array;
  /** Term ids (16-bit when the vocabulary allows). */
  fwdTerms: Uint16Array | Uint32Array;
  /** Values: float32, or half precision bits when valueBits = 16. */
  fwdValues: Float32Array | Uint16Array;
  /** Blocks of term t: listStart[t] .. listStart[t + 1]. */
  listStart: Uint32Array;
  /** Documents of block b: blockDocs[blockStart[b] .. blockStart[b + 1]). */
  blockStart: Uint32Array;
  blockDocs: Uint32Array;
  /** Summary of block b: sumTerms/sumCodes[sumStart[b] .. sumStart[b + 1]); value = sumMin[b] + code * sumStep[b]. */
  sumStart: Uint32Array;
  sumTerms: Uint16Array | Uint32Array;
  sumCodes: Uint8Array;
  sumMin: Float32Array;
  sumStep: Float32Array;
  /** kNN graph: neighbours of row r are knn[r * knnK .. (r + 1) * knnK) (0xffffffff = none). */
  knnK: number;
  knn: Uint32Array;
}
