/**
 * Trains a static encoder for retrieval, in two phases. Pre-training on the
 * corpus alone (ICT and BFS pairs, in-batch negatives). Fine-tuning on judged
 * queries, with hard negatives that are static (STAR, Zhan et al., SIGIR
 * 2021: mined once from an index such as BM25) and/or dynamic (ADORE: mined
 * again each epoch from the model's own exact index), false negatives
 * filtered by a teacher's scores, and, with `listwise-kl`, distillation from
 * that teacher. A validation metric after each fine-tuning epoch drives early
 * stopping; the best epoch's parameters are kept.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import { xorshift32 } from '../../kernels/xorshift.js';
import { IGNORED, RELEVANT } from '../losses/ranking-loss.js';
import { trainingLoss, type LossOptions } from '../losses/loss-registry.js';
import { RowGradients } from '../static-encoder/row-gradients.js';
import { SparseRowAdam, scheduledRate } from '../static-encoder/sparse-adam.js';
import { TrainingKernels } from '../static-encoder/training-kernels.js';
import type { StaticEncoderModel } from '../static-encoder/static-encoder-model.js';
import type { TokenizedTexts } from '../static-encoder/tokenized-texts.js';
import { encodeTexts, exactTopK } from './exact-dense-search.js';
import type { PairTeacher } from './pair-teacher.js';
import { pretrainingDocs, pretrainingPair, type PretrainingPair, type PretrainingTask } from './pretraining-tasks.js';
import { labelCandidates, TrainingBatch } from './training-batch.js';

/** How deep in a ranking hard negatives are drawn by default. */
export const DEFAULT_NEGATIVE_DEPTH = 50;
/** Candidates ranked beyond the negative depth, so judged relevant ones taken out still leave it full. */
export const CANDIDATE_MARGIN = 16;

/** Where hard negatives come from in fine-tuning. */
export type NegativeSource = 'static' | 'dynamic';

/** Queries with judgments to fine-tune on. */
export interface JudgedQueries {
  queries: TokenizedTexts;
  /** Relevant documents of each query (indices into the corpus). */
  positives: readonly Int32Array[];
  /** Each query's ranked candidates from another index (e.g. BM25), for static hard negatives. */
  staticCandidates?: readonly Int32Array[];
}

/** A validation split: the metric of a ranking of all documents for each of its queries. */
export interface Validation {
  queries: TokenizedTexts;
  /** How deep the ranking given to `measure` goes. */
  depth: number;
  /** The metric (higher is better) of the ranked documents of each query. */
  measure(ranked: { docs: Int32Array[]; scores: Float64Array[] }): number;
}

/** What to train and how. */
export interface RetrieverTrainingOptions {
  /** Pre-training tasks (default both; none when `pretrainEpochs` is 0). */
  tasks?: readonly PretrainingTask[];
  /** Passes of pre-training over the corpus (default 1 with judgments, 3 without). */
  pretrainEpochs?: number;
  /** Passes of fine-tuning over the judged queries (default 10). */
  epochs?: number;
  /** Losses to sum, by name (default infonce). */
  loss?: readonly string[];
  lossOptions?: LossOptions;
  /** Hard negative sources in fine-tuning (default static when candidates are given). */
  negatives?: readonly NegativeSource[];
  /** Hard negatives per query per step (default 4). */
  hardNegatives?: number;
  /** Hard negatives are drawn from the top `negativeDepth` candidates (default 50). */
  negativeDepth?: number;
  /** Scores training pairs: needed by listwise-kl and by false-negative filtering. */
  teacher?: PairTeacher;
  /** A negative is ignored as a likely false negative when the teacher scores it at least `ratio` × its query's positive, or at least `score`. */
  falseNegatives?: { ratio?: number; score?: number };
  /** Queries per step (default 64). */
  batchSize?: number;
  /** Peak learning rate of the embedding rows (default 0.003) and of the pooling weights (default 0.05). */
  learningRate?: number;
  weightLearningRate?: number;
  /** Decoupled weight decay of the rows (default 0). */
  weightDecay?: number;
  /** Share of each phase's steps spent warming up (default 0.05). */
  warmup?: number;
  /** Fine-tuning epochs without a better validation metric before stopping (default 3). */
  patience?: number;
  seed?: number;
  /** Run the hot loops in the WebAssembly SIMD kernels (default true where they are available). */
  kernels?: boolean;
  progress?: ProgressFactory;
  /** Called after each epoch. */
  onEpoch?: (report: EpochReport) => void;
}

/** One epoch's figures. */
export interface EpochReport {
  phase: 'pretrain' | 'finetune';
  epoch: number;
  /** Mean loss over the epoch's steps. */
  loss: number;
  /** The validation metric after the epoch (fine-tuning with a validation split). */
  metric?: number;
  seconds: number;
}

/** What training did. */
export interface TrainingReport {
  epochs: EpochReport[];
  /** The validation metric before fine-tuning (when validated). */
  initial?: number;
  /** The best validation metric and its epoch (when validated; epoch 0 is before fine-tuning). */
  best?: { epoch: number; metric: number };
  /** True when early stopping ended fine-tuning. */
  stoppedEarly: boolean;
}

/** Draws a uniform integer in [0, n). */
const pick = (rand: () => number, n: number): number => Math.min(n - 1, Math.floor(rand() * n));

function shuffle(a: Int32Array, rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = pick(rand, i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Trains `model` in place on `corpus` (and `judged`, when given); returns each epoch's figures. */
export async function trainStaticEncoder(
  model: StaticEncoderModel,
  corpus: TokenizedTexts,
  judged: JudgedQueries | null,
  validation: Validation | null,
  opts: RetrieverTrainingOptions = {},
): Promise<TrainingReport> {
  const rand = xorshift32(opts.seed ?? 1);
  const batchSize = opts.batchSize ?? 64;
  const loss = trainingLoss(opts.loss ?? ['infonce'], opts.lossOptions);
  const teacher = opts.teacher ?? null;
  if (loss.needsTeacher && teacher === null)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `loss ${loss.name} distils from a teacher, and none is given`,
      { field: 'teacher' },
      'give a teacher (e.g. bm25)',
    );
  if (loss.needsTeacher && judged === null)
    throw new QuarryError(
      'BAD_ARGUMENT',
      `loss ${loss.name} needs judged queries`,
      { field: 'loss' },
      'give queries and qrels, or choose infonce',
    );
  const tasks = opts.tasks ?? ['ict', 'bfs'];
  const pretrainEpochs = tasks.length === 0 ? 0 : (opts.pretrainEpochs ?? (judged === null ? 3 : 1));
  const epochs = judged === null ? 0 : (opts.epochs ?? 10);
  const hardNegatives = opts.hardNegatives ?? 4;
  const depth = opts.negativeDepth ?? DEFAULT_NEGATIVE_DEPTH;
  const negatives = opts.negatives ?? (judged?.staticCandidates !== undefined ? ['static'] : []);
  if (negatives.includes('static') && judged !== null && judged.staticCandidates === undefined)
    throw new QuarryError('BAD_ARGUMENT', 'static negatives need each query’s candidates from another index', { field: 'negatives' });
  const kernels =
    opts.kernels === false ? null : TrainingKernels.create(model.vocabSize, model.dim, batchSize, batchSize * (1 + hardNegatives));
  if (kernels !== null) model.useKernels(kernels);
  const grads = new RowGradients(model.vocabSize, model.dim, kernels);
  const adam = new SparseRowAdam(model.embeddings, model.weights, model.dim);
  const rowRate = opts.learningRate ?? 0.003;
  const weightRate = opts.weightLearningRate ?? 0.05;
  const decay = opts.weightDecay ?? 0;
  const warmupShare = opts.warmup ?? 0.05;
  const report: TrainingReport = { epochs: [], stoppedEarly: false };

  // pre-training: one example per (document, task) per epoch, in-batch negatives only
  const docs = pretrainingDocs(corpus);
  if (pretrainEpochs > 0 && docs.length < 2)
    throw new QuarryError(
      'BAD_INPUT',
      `pre-training needs documents of two segments or more (a title and a body, or two sentences); the corpus has ${docs.length}`,
      { field: 'corpus' },
      'give a corpus of passages, or judged queries and no pre-training tasks',
    );
  const examples = new Int32Array(docs.length * tasks.length);
  const stepsPerPretrainEpoch = Math.ceil(examples.length / batchSize);
  const judgedQueries =
    judged === null ? new Int32Array(0) : Int32Array.from(judged.positives.keys()).filter((q) => judged.positives[q]!.length > 0);
  const stepsPerEpoch = Math.ceil(judgedQueries.length / batchSize);
  const totalSteps = stepsPerPretrainEpoch * pretrainEpochs + stepsPerEpoch * epochs;
  const bar = (opts.progress ?? noProgress)('training', totalSteps, 'examples');
  let stepsDone = 0;
  let examplesDone = 0;
  const batch = new TrainingBatch(batchSize, batchSize * (1 + hardNegatives), model.dim, kernels);
  const pair: PretrainingPair = { doc: 0, queryStart: 0, queryEnd: 0, skipStart: -1, skipEnd: -1 };
  try {
    // distillation needs judged queries: pre-training keeps the other losses (infonce when none is left)
    const undistilled = (opts.loss ?? ['infonce']).filter((n) => n !== 'listwise-kl');
    const pretrainLoss = trainingLoss(undistilled.length > 0 ? undistilled : ['infonce'], opts.lossOptions);
    for (let epoch = 1; epoch <= pretrainEpochs; epoch++) {
      const t0 = performance.now();
      examples.forEach((_, i) => (examples[i] = i));
      shuffle(examples, rand);
      let sum = 0;
      for (let s = 0; s < stepsPerPretrainEpoch; s++) {
        batch.clear();
        const from = s * batchSize;
        const to = Math.min(examples.length, from + batchSize);
        for (let i = from; i < to; i++) {
          const e = examples[i]!;
          pretrainingPair(corpus, docs[e % docs.length]!, tasks[Math.floor(e / docs.length)]!, rand, pair);
          batch.addQuery(corpus.tokens, pair.queryStart, pair.queryEnd);
          batch.addCandidate(pair.doc, corpus.starts[pair.doc]!, corpus.starts[pair.doc + 1]!, pair.skipStart, pair.skipEnd);
        }
        for (let q = 0; q < batch.queries; q++) {
          const doc = batch.candidateDoc[q]!;
          labelCandidates(batch, q, (d) => d === doc);
        }
        sum += batch.step(model, corpus.tokens, pretrainLoss, grads);
        const rate = scheduledRate(
          1,
          (epoch - 1) * stepsPerPretrainEpoch + s,
          stepsPerPretrainEpoch * pretrainEpochs,
          Math.ceil(warmupShare * stepsPerPretrainEpoch * pretrainEpochs),
        );
        adam.step(grads, rowRate * rate, weightRate * rate, decay);
        examplesDone += to - from;
        bar.update(++stepsDone, examplesDone, `loss ${(sum / (s + 1)).toFixed(4)}`);
      }
      const r: EpochReport = {
        phase: 'pretrain',
        epoch,
        loss: sum / Math.max(1, stepsPerPretrainEpoch),
        seconds: (performance.now() - t0) / 1000,
      };
      report.epochs.push(r);
      opts.onEpoch?.(r);
    }

    if (judged === null || epochs === 0) return report;
    const relevant = judged.positives.map((p) => new Set(p));
    let best: { epoch: number; metric: number; embeddings: Float32Array; weights: Float32Array } | null = null;
    if (validation !== null) {
      const metric = validate(model, corpus, validation);
      report.initial = metric;
      best = { epoch: 0, metric, embeddings: model.embeddings.slice(), weights: model.weights.slice() };
    }
    let sinceBest = 0;
    const teacherRow = new Float64Array(batch.capacity);
    const patience = opts.patience ?? 3;
    const fnRatio = opts.falseNegatives?.ratio;
    const fnScore = opts.falseNegatives?.score;
    const filterFalseNegatives = fnRatio !== undefined || fnScore !== undefined;
    if (filterFalseNegatives && teacher === null)
      throw new QuarryError('BAD_ARGUMENT', 'false-negative filtering scores negatives with a teacher, and none is given', {
        field: 'falseNegatives',
      });
    const lists = (source: readonly Int32Array[], q: number): Int32Array => {
      const all = source[q]!;
      const out: number[] = [];
      for (let i = 0; i < all.length && out.length < depth; i++) if (!relevant[q]!.has(all[i]!)) out.push(all[i]!);
      return Int32Array.from(out);
    };
    const staticLists = negatives.includes('static') ? judged.staticCandidates!.map((_, q) => lists(judged.staticCandidates!, q)) : null;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      let dynamicLists: Int32Array[] | null = null;
      if (negatives.includes('dynamic')) {
        const top = exactTopK(encodeTexts(model, judged.queries), encodeTexts(model, corpus), model.dim, depth + CANDIDATE_MARGIN);
        dynamicLists = top.docs.map((_, q) => lists(top.docs, q));
      }
      shuffle(judgedQueries, rand);
      let sum = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        batch.clear();
        const from = s * batchSize;
        const to = Math.min(judgedQueries.length, from + batchSize);
        for (let i = from; i < to; i++) {
          const q = judgedQueries[i]!;
          batch.addQuery(judged.queries.tokens, judged.queries.starts[q]!, judged.queries.starts[q + 1]!);
          const pos = judged.positives[q]!;
          const d = pos[pick(rand, pos.length)]!;
          batch.addCandidate(d, corpus.starts[d]!, corpus.starts[d + 1]!);
        }
        for (let i = from; i < to; i++) {
          const q = judgedQueries[i]!;
          for (let h = 0; h < hardNegatives; h++) {
            const useDynamic = dynamicLists !== null && (staticLists === null || h % 2 === 1);
            const list = useDynamic ? dynamicLists![q]! : staticLists !== null ? staticLists[q]! : null;
            if (list === null || list.length === 0) continue;
            const d = list[pick(rand, list.length)]!;
            batch.addCandidate(d, corpus.starts[d]!, corpus.starts[d + 1]!);
          }
        }
        for (let b = 0; b < batch.queries; b++) {
          const q = judgedQueries[from + b]!;
          labelCandidates(batch, b, (d) => relevant[q]!.has(d));
          if (teacher === null || (!loss.needsTeacher && !filterFalseNegatives)) continue;
          await teacher.score(q, batch.candidateDoc, batch.candidates, teacherRow);
          const row = b * batch.capacity;
          batch.teacher.set(teacherRow.subarray(0, batch.candidates), row);
          if (!filterFalseNegatives) continue;
          const threshold = Math.min(fnScore ?? Infinity, fnRatio !== undefined ? fnRatio * teacherRow[b]! : Infinity);
          for (let c = 0; c < batch.candidates; c++)
            if (batch.labels[row + c] !== RELEVANT && teacherRow[c]! >= threshold) batch.labels[row + c] = IGNORED;
        }
        sum += batch.step(model, corpus.tokens, loss, grads);
        const rate = scheduledRate(
          1,
          (epoch - 1) * stepsPerEpoch + s,
          stepsPerEpoch * epochs,
          Math.ceil(warmupShare * stepsPerEpoch * epochs),
        );
        adam.step(grads, rowRate * rate, weightRate * rate, decay);
        examplesDone += to - from;
        bar.update(++stepsDone, examplesDone, `loss ${(sum / (s + 1)).toFixed(4)}`);
      }
      const r: EpochReport = { phase: 'finetune', epoch, loss: sum / Math.max(1, stepsPerEpoch), seconds: 0 };
      if (validation !== null) {
        r.metric = validate(model, corpus, validation);
        if (best === null || r.metric > best.metric) {
          best = { epoch, metric: r.metric, embeddings: model.embeddings.slice(), weights: model.weights.slice() };
          sinceBest = 0;
        } else sinceBest++;
      }
      r.seconds = (performance.now() - t0) / 1000;
      report.epochs.push(r);
      opts.onEpoch?.(r);
      if (validation !== null && sinceBest >= patience && epoch < epochs) {
        report.stoppedEarly = true;
        break;
      }
    }
    if (best !== null) {
      model.embeddings.set(best.embeddings);
      model.weights.set(best.weights);
      report.best = { epoch: best.epoch, metric: best.metric };
    }
    return report;
  } finally {
    bar.stop();
  }
}

/** The validation metric of the model as it is. */
export function validate(model: StaticEncoderModel, corpus: TokenizedTexts, validation: Validation): number {
  const top = exactTopK(encodeTexts(model, validation.queries), encodeTexts(model, corpus), model.dim, validation.depth);
  return validation.measure(top);
}
