/**
 * Cross-encoder reranking scores: (query, document) pairs through a sequence
 * classification model (monoBERT, Nogueira & Cho 2019; MiniLM/BGE rerankers), one
 * logit per pair (or the difference of the two logits of a binary classifier).
 */
import { QuarryError } from '../core/quarry-error.js';
import type { PairScorer } from './encoder.js';
import { runBatches, type EncodeProgress, type TransformerBatchOptions } from './transformer-batches.js';
import { loadTransformerModel, type TransformerModel } from './transformer-model.js';

/** Cross-encoder settings. */
export interface CrossEncoderOptions extends TransformerBatchOptions {
  /** `none` returns logits; `sigmoid` maps them to (0, 1). */
  activation?: 'none' | 'sigmoid';
  dtype?: string;
}

/** Scores (query, document) pairs. */
export class TransformerCrossEncoder implements PairScorer {
  private constructor(
    readonly model: TransformerModel,
    private readonly opts: CrossEncoderOptions,
  ) {}

  /** Loads a sequence-classification model folder (offline). */
  static async load(folder: string, opts: CrossEncoderOptions = {}): Promise<TransformerCrossEncoder> {
    if (opts.activation !== undefined && opts.activation !== 'none' && opts.activation !== 'sigmoid')
      throw new QuarryError('BAD_ARGUMENT', `activation must be none or sigmoid, got ${String(opts.activation)}`, { field: 'activation' });
    return new TransformerCrossEncoder(await loadTransformerModel(folder, 'sequence-classification', opts.dtype), opts);
  }

  /** Relevance scores of `documents` for `query`, in input order. */
  async score(query: string, documents: readonly string[], onProgress?: EncodeProgress): Promise<Float32Array> {
    const out = new Float32Array(documents.length);
    await runBatches(
      this.model,
      documents.map(() => query),
      { ...this.opts, pairs: documents, outputName: 'logits' },
      (b, first) => {
        const labels = b.dims[b.dims.length - 1]!;
        for (let i = 0; i < b.batch; i++) {
          let s = labels >= 2 ? b.output[i * labels + 1]! - b.output[i * labels]! : b.output[i * labels]!;
          if (this.opts.activation === 'sigmoid') s = 1 / (1 + Math.exp(-s));
          out[first + i] = s;
        }
      },
      onProgress,
    );
    return out;
  }
}
