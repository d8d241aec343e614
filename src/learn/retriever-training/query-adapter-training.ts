/**
 * Query-side training against a frozen index (ADORE, Zhan et al., "Optimizing
 * Dense Retrieval Model Training with Hard Negatives", SIGIR 2021): the
 * documents' vectors stay as indexed; an affine map y = W·x + b on the query
 * embeddings is trained with a ranking loss, the hard negatives retrieved
 * afresh each epoch by the mapped queries from the index being served. The
 * map starts as the identity, so training can only move the queries from
 * where the encoder put them. Saved as a drift adapter of kind affine, so a
 * query leg applies it by name.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import { xorshift32 } from '../../kernels/xorshift.js';
import { AdamSlot } from '../adam.js';
import type { DriftAdapter } from '../drift/drift-adapter.js';
import { trainingLoss, type LossOptions } from '../losses/loss-registry.js';
import { NOT_RELEVANT, RELEVANT } from '../losses/ranking-loss.js';

/** A ranked list from the index. */
export interface RankedDocs {
  docs: Int32Array;
  scores: Float64Array;
}

/** The training queries and the frozen index. */
export interface QueryAdapterData {
  dim: number;
  /** Query embeddings, rows of `dim`, as the field's encoder gives them. */
  queries: Float32Array;
  /** Relevant document rows of each query. */
  positives: readonly Int32Array[];
  /** The documents' vectors as indexed, rows of `dim` (row numbers are document numbers). */
  docs: Float32Array;
  /** Scale mapped queries to unit length (cosine fields). */
  normalize: boolean;
  /** The index's top k document rows for a (mapped) query vector. */
  search(vector: Float32Array, k: number): RankedDocs;
  /** Validation: the metric (higher is better) of the rankings of its queries' mapped vectors. */
  validation?: { queries: Float32Array; measure(ranked: RankedDocs[]): number };
}

/** How to train the map. */
export interface QueryAdapterTrainingOptions {
  /** Losses to sum (default infonce; listwise-kl needs a teacher and is refused here). */
  loss?: readonly string[];
  lossOptions?: LossOptions;
  /** Passes over the queries (default 20). */
  epochs?: number;
  /** Queries per step (default 32). */
  batchSize?: number;
  /** Dynamic hard negatives per query per step (default 32), drawn from the top `negativeDepth` (default 50). */
  hardNegatives?: number;
  negativeDepth?: number;
  /** Adam's step size (default 0.0001). */
  learningRate?: number;
  /** Decay of the map toward the identity, per step (default 0). */
  identityDecay?: number;
  /** Epochs without a better validation metric before stopping (default 3). */
  patience?: number;
  seed?: number;
  progress?: ProgressFactory;
  onEpoch?: (report: { epoch: number; loss: number; metric?: number }) => void;
}

/** The trained map and how training went. */
export interface QueryAdapterResult {
  adapter: DriftAdapter;
  epochs: { epoch: number; loss: number; metric?: number }[];
  /** Validation metric of the identity map (the encoder alone) and of the kept map. */
  initial?: number;
  best?: { epoch: number; metric: number };
}

/** y = W·x + b, normalized when asked; returns the norm before normalization. */
function applyMap(
  w: Float32Array,
  b: Float32Array,
  x: Float32Array,
  xAt: number,
  dim: number,
  normalize: boolean,
  y: Float32Array,
): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    let v = b[i]!;
    const row = i * dim;
    for (let j = 0; j < dim; j++) v += w[row + j]! * x[xAt + j]!;
    y[i] = v;
    s += v * v;
  }
  const n = Math.sqrt(s);
  if (normalize && n > 0) for (let i = 0; i < dim; i++) y[i]! /= n;
  return n;
}

/** Trains an affine query map against the frozen index `data.docs`. */
export function trainQueryAdapter(data: QueryAdapterData, opts: QueryAdapterTrainingOptions = {}): QueryAdapterResult {
  const { dim, docs, queries, positives, normalize } = data;
  const loss = trainingLoss(opts.loss ?? ['infonce'], opts.lossOptions);
  if (loss.needsTeacher)
    throw new QuarryError('BAD_ARGUMENT', `loss ${loss.name} distils from a teacher; adapters train on judgments alone`, { field: 'loss' });
  const nq = queries.length / dim;
  if (!Number.isInteger(nq) || positives.length !== nq)
    throw new QuarryError('BAD_ARGUMENT', `${positives.length} positive lists for ${nq} query vectors`, { field: 'positives' });
  const usable = Int32Array.from({ length: nq }, (_, q) => q).filter((q) => positives[q]!.length > 0);
  if (usable.length === 0) throw new QuarryError('BAD_INPUT', 'no training query has a relevant document', { field: 'qrels' });
  const epochs = opts.epochs ?? 20;
  const batchSize = opts.batchSize ?? 32;
  const hard = opts.hardNegatives ?? 32;
  const depth = opts.negativeDepth ?? 50;
  const lr = opts.learningRate ?? 0.0001;
  const decay = opts.identityDecay ?? 0;
  const patience = opts.patience ?? 3;
  const rand = xorshift32(opts.seed ?? 1);
  const w = new Float32Array(dim * dim);
  for (let i = 0; i < dim; i++) w[i * dim + i] = 1;
  const b = new Float32Array(dim);
  const gw = new Float32Array(dim * dim);
  const gb = new Float32Array(dim);
  const adamW = new AdamSlot(w, gw);
  const adamB = new AdamSlot(b, gb);
  const relevant = positives.map((p) => new Set(p));
  const y = new Float32Array(dim);
  const dy = new Float32Array(dim);
  const cap = batchSize * (1 + hard);
  const cand = new Int32Array(cap);
  const scores = new Float64Array(cap);
  const labels = new Int8Array(cap);
  const grad = new Float64Array(cap);
  const result: QueryAdapterResult = { adapter: null as unknown as DriftAdapter, epochs: [] };

  const validate = (): number | undefined => {
    const v = data.validation;
    if (v === undefined) return undefined;
    const out: RankedDocs[] = [];
    for (let q = 0; q < v.queries.length / dim; q++) {
      const m = new Float32Array(dim);
      applyMap(w, b, v.queries, q * dim, dim, normalize, m);
      out.push(data.search(m, 100));
    }
    return v.measure(out);
  };
  let best: { epoch: number; metric: number; w: Float32Array; b: Float32Array } | null = null;
  const initial = validate();
  if (initial !== undefined) {
    result.initial = initial;
    best = { epoch: 0, metric: initial, w: w.slice(), b: b.slice() };
  }
  const steps = Math.ceil(usable.length / batchSize) * epochs;
  const bar = (opts.progress ?? noProgress)('training adapter', steps, 'queries');
  let step = 0;
  let seen = 0;
  let sinceBest = 0;
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      // dynamic negatives: what the index returns for the queries as mapped now
      const negatives: Int32Array[] = [];
      for (let q = 0; q < nq; q++) {
        if (positives[q]!.length === 0) {
          negatives.push(new Int32Array(0));
          continue;
        }
        applyMap(w, b, queries, q * dim, dim, normalize, y);
        negatives.push(data.search(y, depth + positives[q]!.length).docs.filter((d) => !relevant[q]!.has(d)));
      }
      for (let i = usable.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [usable[i], usable[j]] = [usable[j]!, usable[i]!];
      }
      let sum = 0;
      let batches = 0;
      for (let from = 0; from < usable.length; from += batchSize) {
        const to = Math.min(usable.length, from + batchSize);
        let n = 0;
        for (let i = from; i < to; i++) {
          const p = positives[usable[i]!]!;
          cand[n++] = p[Math.floor(rand() * p.length)]!;
        }
        for (let i = from; i < to; i++) {
          const negs = negatives[usable[i]!]!;
          for (let h = 0; h < hard && negs.length > 0; h++) cand[n++] = negs[Math.floor(rand() * negs.length)]!;
        }
        let batchLoss = 0;
        for (let i = from; i < to; i++) {
          const q = usable[i]!;
          const norm = applyMap(w, b, queries, q * dim, dim, normalize, y);
          for (let c = 0; c < n; c++) {
            let s = 0;
            const at = cand[c]! * dim;
            for (let j = 0; j < dim; j++) s += y[j]! * docs[at + j]!;
            scores[c] = s;
            labels[c] = relevant[q]!.has(cand[c]!) ? RELEVANT : NOT_RELEVANT;
          }
          batchLoss += loss.compute({ n, scores, labels, teacher: null }, grad);
          dy.fill(0);
          for (let c = 0; c < n; c++) {
            const g = grad[c]!;
            if (g === 0) continue;
            const at = cand[c]! * dim;
            for (let j = 0; j < dim; j++) dy[j]! += g * docs[at + j]!;
          }
          if (normalize && norm > 0) {
            let yd = 0;
            for (let j = 0; j < dim; j++) yd += y[j]! * dy[j]!;
            for (let j = 0; j < dim; j++) dy[j] = (dy[j]! - y[j]! * yd) / norm;
          }
          const xAt = q * dim;
          for (let r = 0; r < dim; r++) {
            const d = dy[r]!;
            if (d === 0) continue;
            gb[r]! += d;
            const row = r * dim;
            for (let j = 0; j < dim; j++) gw[row + j]! += d * queries[xAt + j]!;
          }
        }
        const count = to - from;
        adamW.step(lr, step + 1, 1 / count);
        adamB.step(lr, step + 1, 1 / count);
        if (decay > 0)
          for (let r = 0; r < dim; r++)
            for (let j = 0; j < dim; j++) {
              const k = r * dim + j;
              w[k]! -= lr * decay * (w[k]! - (r === j ? 1 : 0));
            }
        sum += batchLoss / count;
        batches++;
        seen += count;
        bar.update(++step, seen, `loss ${(sum / batches).toFixed(4)}`);
      }
      const report: { epoch: number; loss: number; metric?: number } = { epoch, loss: sum / Math.max(1, batches) };
      const metric = validate();
      if (metric !== undefined) {
        report.metric = metric;
        if (best === null || metric > best.metric) {
          best = { epoch, metric, w: w.slice(), b: b.slice() };
          sinceBest = 0;
        } else sinceBest++;
      }
      result.epochs.push(report);
      opts.onEpoch?.(report);
      if (metric !== undefined && sinceBest >= patience) break;
    }
  } finally {
    bar.stop();
  }
  if (best !== null) {
    w.set(best.w);
    b.set(best.b);
    result.best = { epoch: best.epoch, metric: best.metric };
  }
  result.adapter = { kind: 'affine', inputDim: dim, outputDim: dim, matrix: w, bias: b, mlp: null };
  return result;
}
