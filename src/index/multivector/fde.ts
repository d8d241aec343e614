/**
 * MUVERA fixed-dimensional encodings (Dhulipala, Hadian, Jayaram, Lee,
 * Mirrokni, "MUVERA: Multi-Vector Retrieval via Fixed Dimensional
 * Encodings", NeurIPS 2024). Per repetition, kSim Gaussian hyperplanes put
 * each token in one of 2^kSim partitions (its sign pattern); tokens are
 * projected by a sparse random ±1 map to dProj coordinates; a query's block
 * is the sum of its tokens in the partition, a document's the mean (an empty
 * partition optionally takes the document token whose sign pattern is
 * nearest in Hamming distance). The inner product of a query and a document
 * encoding then approximates their Chamfer (MaxSim) similarity. All random
 * draws come from `seed`, so queries and documents agree.
 */
import { popcount32 } from '../../kernels/popcount.js';
import { standardNormal, xorshift32 } from '../../kernels/xorshift.js';
import { fdeDimension, type MuveraParams } from './params.js';

/** Encodes token-vector sets into single vectors. */
export class FdeEncoder {
  /** Output dimension. */
  readonly dim: number;
  private readonly partitions: number;
  private readonly proj: number;
  /** Per repetition: kSim × tokenDim hyperplanes, row-major. */
  private readonly planes: Float32Array[];
  /** Per repetition: for each input coordinate, its output coordinate and sign (identity when dProj = 0). */
  private readonly projIndex: Int32Array[];
  private readonly projSign: Float32Array[];
  /** Final count sketch: output coordinate and sign of each raw coordinate, or null. */
  private readonly sketchIndex: Int32Array | null;
  private readonly sketchSign: Float32Array | null;
  private readonly rawDim: number;
  // Reused per call.
  private readonly raw: Float32Array;
  private readonly counts: Float32Array;
  private signatures = new Int32Array(64);

  constructor(
    readonly tokenDim: number,
    readonly params: MuveraParams,
  ) {
    this.partitions = 1 << params.kSim;
    this.proj = params.dProj > 0 ? params.dProj : tokenDim;
    this.rawDim = params.rReps * this.partitions * this.proj;
    this.dim = fdeDimension(params, tokenDim);
    this.planes = [];
    this.projIndex = [];
    this.projSign = [];
    for (let r = 0; r < params.rReps; r++) {
      const rand = xorshift32((params.seed + 0x9e3779b9 * (r + 1)) >>> 0);
      const planes = new Float32Array(params.kSim * tokenDim);
      for (let i = 0; i < planes.length; i++) planes[i] = standardNormal(rand);
      this.planes.push(planes);
      const index = new Int32Array(tokenDim);
      const sign = new Float32Array(tokenDim);
      for (let i = 0; i < tokenDim; i++) {
        index[i] = params.dProj > 0 ? Math.min(this.proj - 1, Math.floor(rand() * this.proj)) : i;
        sign[i] = params.dProj > 0 ? (rand() < 0.5 ? -1 : 1) : 1;
      }
      this.projIndex.push(index);
      this.projSign.push(sign);
    }
    if (params.finalDim > 0) {
      const rand = xorshift32((params.seed ^ 0x5bd1e995) >>> 0 || 1);
      this.sketchIndex = new Int32Array(this.rawDim);
      this.sketchSign = new Float32Array(this.rawDim);
      for (let i = 0; i < this.rawDim; i++) {
        this.sketchIndex[i] = Math.min(params.finalDim - 1, Math.floor(rand() * params.finalDim));
        this.sketchSign[i] = rand() < 0.5 ? -1 : 1;
      }
    } else {
      this.sketchIndex = null;
      this.sketchSign = null;
    }
    this.raw = new Float32Array(this.rawDim);
    this.counts = new Float32Array(this.partitions);
  }

  /** Query encoding: per partition, the sum of the projected tokens. `tokens` holds `n` rows of tokenDim. */
  encodeQuery(tokens: Float32Array, n: number, out: Float32Array = new Float32Array(this.dim)): Float32Array {
    return this.encode(tokens, n, false, out);
  }

  /** Document encoding: per partition, the mean of the projected tokens (empty partitions filled when configured). */
  encodeDocument(tokens: Float32Array, n: number, out: Float32Array = new Float32Array(this.dim)): Float32Array {
    return this.encode(tokens, n, true, out);
  }

  private encode(tokens: Float32Array, n: number, document: boolean, out: Float32Array): Float32Array {
    const { kSim, rReps } = this.params;
    const d = this.tokenDim;
    const P = this.partitions;
    const proj = this.proj;
    const raw = this.raw;
    raw.fill(0);
    if (this.signatures.length < n) this.signatures = new Int32Array(n);
    const signatures = this.signatures;
    for (let r = 0; r < rReps; r++) {
      const planes = this.planes[r]!;
      const pIndex = this.projIndex[r]!;
      const pSign = this.projSign[r]!;
      const base = r * P * proj;
      this.counts.fill(0);
      for (let t = 0; t < n; t++) {
        const off = t * d;
        let sig = 0;
        for (let h = 0; h < kSim; h++) {
          let s = 0;
          const po = h * d;
          for (let j = 0; j < d; j++) s += planes[po + j]! * tokens[off + j]!;
          sig = (sig << 1) | (s > 0 ? 1 : 0);
        }
        signatures[t] = sig;
        this.counts[sig]!++;
        const block = base + sig * proj;
        for (let j = 0; j < d; j++) raw[block + pIndex[j]!]! += pSign[j]! * tokens[off + j]!;
      }
      if (!document) continue;
      for (let p = 0; p < P; p++) {
        const block = base + p * proj;
        const c = this.counts[p]!;
        if (c > 0) {
          const inv = 1 / c;
          for (let j = 0; j < proj; j++) raw[block + j]! *= inv;
        } else if (this.params.fillEmptyPartitions && kSim > 0 && n > 0) {
          // The token whose sign pattern differs from p in the fewest hyperplanes (first such token on ties).
          let best = 0;
          let bestDist = 33;
          for (let t = 0; t < n; t++) {
            const dist = popcount32(signatures[t]! ^ p);
            if (dist < bestDist) {
              bestDist = dist;
              best = t;
            }
          }
          const off = best * d;
          for (let j = 0; j < d; j++) raw[block + pIndex[j]!]! += pSign[j]! * tokens[off + j]!;
        }
      }
    }
    if (this.sketchIndex === null) {
      out.set(raw);
      return out;
    }
    out.fill(0);
    const si = this.sketchIndex;
    const ss = this.sketchSign!;
    for (let i = 0; i < raw.length; i++) out[si[i]!]! += ss[i]! * raw[i]!;
    return out;
  }
}
