/**
 * Sentence embeddings from a transformer encoder: the last hidden states pooled by
 * the [CLS] token (BGE), the attention-masked mean (E5, GTE, KaLM-style), or the
 * last real token (decoder embedders), optionally L2-normalized, with query and
 * document prefixes (E5's "query: " / "passage: ", instruction prefixes).
 */
import { QuarryError } from '../core/quarry-error.js';
import type { Encoder } from './encoder.js';
import { runBatches, type EncodeProgress, type TransformerBatchOptions } from './transformer-batches.js';
import { loadTransformerModel, type TransformerModel } from './transformer-model.js';

/** How token states become one vector. */
export type Pooling = 'cls' | 'mean' | 'last-token';

/** Dense transformer encoder settings. */
export interface DenseTransformerOptions extends TransformerBatchOptions {
  pooling?: Pooling;
  /** L2-normalize the pooled vector (default true). */
  normalize?: boolean;
  queryPrefix?: string;
  documentPrefix?: string;
  /** ONNX variant (fp32 default; q8, fp16 where the folder has them). */
  dtype?: string;
}

/** Pools one sequence's states (seq x dim at `off`) into out, by the attention mask. */
export function poolStates(
  states: Float32Array,
  off: number,
  mask: Uint8Array,
  maskOff: number,
  seq: number,
  dim: number,
  pooling: Pooling,
  out: Float32Array,
): void {
  out.fill(0);
  if (pooling === 'cls') {
    for (let d = 0; d < dim; d++) out[d] = states[off + d]!;
    return;
  }
  if (pooling === 'last-token') {
    let last = 0;
    for (let t = 0; t < seq; t++) if (mask[maskOff + t] === 1) last = t;
    for (let d = 0; d < dim; d++) out[d] = states[off + last * dim + d]!;
    return;
  }
  let n = 0;
  for (let t = 0; t < seq; t++) {
    if (mask[maskOff + t] !== 1) continue;
    n++;
    for (let d = 0; d < dim; d++) out[d]! += states[off + t * dim + d]!;
  }
  if (n > 0) for (let d = 0; d < dim; d++) out[d]! /= n;
}

/** Text to dense vectors with a transformer. */
export class TransformerDenseEncoder implements Encoder<Float32Array> {
  readonly dim: number;
  private readonly pooling: Pooling;
  private readonly normalize: boolean;

  private constructor(
    readonly model: TransformerModel,
    private readonly opts: DenseTransformerOptions,
  ) {
    this.pooling = opts.pooling ?? 'mean';
    if (!['cls', 'mean', 'last-token'].includes(this.pooling))
      throw new QuarryError('BAD_ARGUMENT', `pooling must be cls, mean or last-token, got ${String(this.pooling)}`, { field: 'pooling' });
    this.normalize = opts.normalize ?? true;
    const hidden = model.config.hidden_size ?? model.config.d_model;
    this.dim = typeof hidden === 'number' ? hidden : 0;
  }

  /** Loads a model folder (offline). */
  static async load(folder: string, opts: DenseTransformerOptions = {}): Promise<TransformerDenseEncoder> {
    return new TransformerDenseEncoder(await loadTransformerModel(folder, 'base', opts.dtype), opts);
  }

  /** Query vectors (query prefix applied). */
  encodeQueries(texts: readonly string[], onProgress?: EncodeProgress): Promise<Float32Array[]> {
    return this.encode(
      texts.map((t) => (this.opts.queryPrefix ?? '') + t),
      onProgress,
    );
  }

  /** Document vectors (document prefix applied). */
  encodeDocuments(texts: readonly string[], onProgress?: EncodeProgress): Promise<Float32Array[]> {
    return this.encode(
      texts.map((t) => (this.opts.documentPrefix ?? '') + t),
      onProgress,
    );
  }

  private async encode(texts: readonly string[], onProgress?: EncodeProgress): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array<Float32Array>(texts.length);
    await runBatches(
      this.model,
      texts,
      this.opts,
      (b, first) => {
        const dim = b.dims[2]!;
        for (let i = 0; i < b.batch; i++) {
          const v = new Float32Array(dim);
          poolStates(b.output, i * b.seq * dim, b.mask, i * b.seq, b.seq, dim, this.pooling, v);
          if (this.normalize) {
            let s = 0;
            for (let d = 0; d < dim; d++) s += v[d]! * v[d]!;
            const len = Math.sqrt(s);
            if (len > 0) for (let d = 0; d < dim; d++) v[d]! /= len;
          }
          out[first + i] = v;
        }
      },
      onProgress,
    );
    return out;
  }
}
