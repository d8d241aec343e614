/**
 * Learned sparse vectors from transformers. SPLADE (Formal et al., SIGIR 2021;
 * SPLADE v2): masked-LM logits, w_v = max over tokens of log(1 + ReLU(logit)),
 * which also fits decoder-based variants exported with an LM head (Mistral-SPLADE).
 * Term-weight models without expansion (uniCOIL, Lin & Ma 2021): one ReLU weight per
 * input token. Pruning by top-k and threshold, and the "literal residual" of PROSPER:
 * every literal input token keeps at least a minimum weight.
 */
import { QuarryError } from '../core/quarry-error.js';
import type { Encoder } from './encoder.js';
import { runBatches, specialIdsOf, vocabularyOf, type EncodeProgress, type TransformerBatchOptions } from './transformer-batches.js';
import { loadTransformerModel, type TransformerModel } from './transformer-model.js';

/** Sparse transformer encoder settings. */
export interface SparseTransformerOptions extends TransformerBatchOptions {
  /** `splade`: masked-LM expansion over the vocabulary; `term-weights`: one weight per input token. */
  mode?: 'splade' | 'term-weights';
  /** Keep only the k largest weights (0 = all). */
  topK?: number;
  /** Drop weights below this (default 0: keep every positive weight). */
  threshold?: number;
  /** Every literal (non-special) input token gets at least this weight (0 = off). */
  literalMinWeight?: number;
  queryPrefix?: string;
  documentPrefix?: string;
  dtype?: string;
}

/** A sparse vector keyed by vocabulary token, as sparse fields take it. */
export type TokenWeights = Record<string, number>;

/** Text to learned sparse vectors. */
export class TransformerSparseEncoder implements Encoder<TokenWeights> {
  private readonly vocab: string[];
  private readonly special: Set<number>;
  private readonly mode: 'splade' | 'term-weights';
  /** Per-vocabulary maximum logit of the text being encoded (reused). */
  private maxLogits = new Float32Array(0);

  private constructor(
    readonly model: TransformerModel,
    private readonly opts: SparseTransformerOptions,
  ) {
    this.vocab = vocabularyOf(model);
    this.special = specialIdsOf(model);
    this.mode = opts.mode ?? 'splade';
    for (const [name, v] of [
      ['topK', opts.topK],
      ['threshold', opts.threshold],
      ['literalMinWeight', opts.literalMinWeight],
    ] as const) {
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        throw new QuarryError('BAD_ARGUMENT', `${name} must be a number >= 0, got ${v}`, { field: name });
    }
  }

  /** Loads a model folder: a masked-LM head for `splade`, a per-token weight head for `term-weights`. */
  static async load(folder: string, opts: SparseTransformerOptions = {}): Promise<TransformerSparseEncoder> {
    return new TransformerSparseEncoder(
      await loadTransformerModel(folder, (opts.mode ?? 'splade') === 'splade' ? 'masked-lm' : 'base', opts.dtype),
      opts,
    );
  }

  /** The vocabulary size (the sparse dimension). */
  get vocabularySize(): number {
    return this.vocab.length;
  }

  encodeQueries(texts: readonly string[], onProgress?: EncodeProgress): Promise<TokenWeights[]> {
    return this.encode(
      texts.map((t) => (this.opts.queryPrefix ?? '') + t),
      onProgress,
    );
  }

  encodeDocuments(texts: readonly string[], onProgress?: EncodeProgress): Promise<TokenWeights[]> {
    return this.encode(
      texts.map((t) => (this.opts.documentPrefix ?? '') + t),
      onProgress,
    );
  }

  private async encode(texts: readonly string[], onProgress?: EncodeProgress): Promise<TokenWeights[]> {
    const out: TokenWeights[] = new Array<TokenWeights>(texts.length);
    await runBatches(
      this.model,
      texts,
      { ...this.opts, outputName: 'logits' },
      (b, first) => {
        const last = b.dims[b.dims.length - 1]!;
        for (let i = 0; i < b.batch; i++) {
          const weights = new Map<number, number>();
          const keep = (id: number, w: number): void => {
            if (w > (weights.get(id) ?? 0)) weights.set(id, w);
          };
          if (this.mode === 'splade') {
            // log(1 + ReLU) is increasing, so the max over tokens is taken on the logits first
            // and the logarithm applied once per vocabulary entry
            if (this.maxLogits.length < last) this.maxLogits = new Float32Array(last);
            const m = this.maxLogits;
            m.fill(0, 0, last);
            for (let t = 0; t < b.seq; t++) {
              if (b.mask[i * b.seq + t] !== 1) continue;
              const off = (i * b.seq + t) * last;
              for (let v = 0; v < last; v++) {
                const x = b.output[off + v]!;
                if (x > m[v]!) m[v] = x;
              }
            }
            for (let v = 0; v < last; v++) if (m[v]! > 0) weights.set(v, Math.log1p(m[v]!));
          } else {
            for (let t = 0; t < b.seq; t++) {
              if (b.mask[i * b.seq + t] !== 1) continue;
              const id = b.ids[i * b.seq + t]!;
              if (!this.special.has(id)) keep(id, Math.max(0, b.output[(i * b.seq + t) * last]!));
            }
          }
          const vec = this.prune(weights);
          // the literal residual is added after pruning: top-k and threshold never drop a literal token
          const literal = this.opts.literalMinWeight ?? 0;
          if (literal > 0) {
            for (let t = 0; t < b.seq; t++) {
              const id = b.ids[i * b.seq + t]!;
              if (b.mask[i * b.seq + t] !== 1 || this.special.has(id)) continue;
              const token = this.vocab[id] ?? String(id);
              vec[token] = Math.max(vec[token] ?? 0, Math.fround(Math.max(literal, weights.get(id) ?? 0)));
            }
          }
          out[first + i] = vec;
        }
      },
      onProgress,
    );
    return out;
  }

  private prune(weights: Map<number, number>): TokenWeights {
    const threshold = this.opts.threshold ?? 0;
    let entries = [...weights.entries()].filter(([, w]) => w > 0 && w >= threshold);
    entries.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const k = this.opts.topK ?? 0;
    if (k > 0) entries = entries.slice(0, k);
    const out: TokenWeights = {};
    for (const [id, w] of entries) out[this.vocab[id] ?? String(id)] = Math.fround(w);
    return out;
  }
}
