/**
 * A binary field's binarizer trained for ranking, after BEBR (Gan et al., "Binary Embedding-based
 * Retrieval at Tencent", KDD 2023): each bit plane's bits come from a small MLP of the residual the
 * planes before it left (PlaneEncoder), and the encoders and the planes' scales are trained so that
 * the scores the codes give reproduce the float index's ranking (listwise distillation as in
 * Distill-VQ: the KL divergence from the softmax of the exact scores to that of the code scores over
 * each query's exact top rows and the rows the current codes rank high). Rows keep the placement a
 * binary index gives them (the random rotation and the nearest k-means centre), so the trained
 * binarizer is scored by the same bit-plane kernels and the same per-row corrections.
 *
 * The start is the fitted sign binarizer (an encoder whose second layer is zero codes exactly as it
 * does), every epoch re-encodes all rows, and the binarizer kept is the one with the best validation
 * measure, the start included.
 */
import { QuarryError } from '../../core/quarry-error.js';
import type { ProgressFactory } from '../../core/progress.js';
import { xorshift32 } from '../../kernels/xorshift.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { kmeans } from '../../quantize/kmeans.js';
import { NearestCentroids } from '../../quantize/nearest-centroids.js';
import { RowEmbedding, sharedOrthonormalColumns } from '../../quantize/random-rotation.js';
import {
  encodeResidualBits,
  fitResidualBinarizer,
  meanCentre,
  planeWeights,
  planeWords,
  residualRowTerms,
  type ResidualBinarizer,
  type RowReader,
} from '../../quantize/residual-binarizer.js';
import { initialPlaneEncoder, type PlaneEncoder } from '../../quantize/plane-encoder.js';
import { AdamSlot } from '../adam.js';
import { listwiseKlLoss } from '../losses/listwise-kl.js';
import { NOT_RELEVANT } from '../losses/ranking-loss.js';
import { exactNeighbours, type CodeMetric } from './exact-neighbours.js';
import { PlaneGraph, binarizerGradients, codeEstimate } from './plane-graph.js';
import { runEpochs, type TrainingEpoch } from './epoch-loop.js';

/**
 * A recurrent binarizer for a binary field: how rows are placed (the rotation into coded space and
 * the centres, in the field's space, each row is coded relative to its nearest of) and how they are
 * coded (the binarizer in coded space, with its encoder).
 */
export interface TrainedBinarizer {
  /** The field's dimensions. */
  dim: number;
  /** Orthonormal columns (coded dimensions x dim, row-major), or null when rows are coded as they are. */
  rotation: Float32Array | null;
  /** k centres of `dim` in the field's space (for cosine fields: of the unit-length rows). */
  centres: Float32Array;
  /** Centres (embedded), encoder and decoder in coded space. */
  binarizer: ResidualBinarizer & { encoder: PlaneEncoder; decoder: Float32Array };
}

/** How the starting binarizer is laid out (as a binary index's params lay out its fitted one). */
export interface BinarizerLayout {
  planes: number;
  /** k-means centres (0: the mean of the rows). */
  centroids: number;
  /** Code a random orthonormal embedding into dim rounded up to a multiple of 32. */
  rotate: boolean;
  seed: number;
  /** Hidden units of each plane's encoder (default 64). */
  hidden?: number;
}

/** Dimensions the codes of a `dim`-d field have: every bit of its code words when rotated. */
export function binarizerCodeDim(dim: number, rotate: boolean): number {
  return rotate ? Math.ceil(dim / 32) * 32 : dim;
}

/** Reads row r of `rows` in coded space (embedded when there is a rotation). */
export function codedRowReader(rows: Float32Array, dim: number, rotation: Float32Array | null): RowReader {
  if (rotation === null)
    return (r, out) => {
      for (let d = 0; d < dim; d++) out[d] = rows[r * dim + d]!;
    };
  const embedding = new RowEmbedding(rotation, rotation.length / dim, dim);
  return (r, out) => embedding.embed(rows, r * dim, out);
}

/** Each row's nearest centre (of k rows of `dim`), or null for a single centre. */
export function nearestCentres(rows: Float32Array, dim: number, centres: Float32Array): Uint16Array | null {
  const k = centres.length / dim;
  if (k <= 1) return null;
  const n = rows.length / dim;
  const nearest = new Int32Array(n);
  new NearestCentroids(rows, dim, k * dim).assign(0, dim, centres, k, nearest, new Float32Array(n));
  return Uint16Array.from(nearest);
}

/** Centres embedded into coded space. */
export function embedCentres(centres: Float32Array, dim: number, rotation: Float32Array | null): Float32Array {
  if (rotation === null) return centres.slice();
  const codeDim = rotation.length / dim;
  const k = centres.length / dim;
  const out = new Float32Array(k * codeDim);
  // the embedding a binary index's build uses (kernel or not), so that centres round alike
  const embedding = new RowEmbedding(rotation, codeDim, dim);
  for (let c = 0; c < k; c++) embedding.embed(centres, c * dim, out, c * codeDim);
  return out;
}

/**
 * The fitted binarizer a binary index with `layout` would build on `rows` (k-means centres, mean
 * absolute residual scales) with an encoder that codes exactly as it does: training's start.
 */
export function initialTrainedBinarizer(rows: Float32Array, dim: number, layout: BinarizerLayout): TrainedBinarizer {
  const n = rows.length / dim;
  const k = Math.min(layout.centroids, n);
  const centres = k > 0 ? kmeans(rows, dim, { k, seed: layout.seed, iterations: 10 }).centroids : meanCentre(rows, dim);
  const codeDim = binarizerCodeDim(dim, layout.rotate);
  // the seed a binary index draws its rotation with, so that a trained binarizer places rows as it would
  const rotation = layout.rotate ? sharedOrthonormalColumns(codeDim, dim, (layout.seed ^ 0x5bd1e995) >>> 0).slice() : null;
  const assign = centres.length / dim > 1 ? nearestCentres(rows, dim, centres) : null;
  const coded = embedCentres(centres, dim, rotation);
  const fitted = fitResidualBinarizer(codedRowReader(rows, dim, rotation), n, codeDim, layout.planes, coded, assign);
  const encoder = initialPlaneEncoder(layout.planes, codeDim, layout.hidden ?? 64, layout.seed);
  // the decoder starts as the fitted scales: D_t = diag(scale_t)
  const decoder = new Float32Array(layout.planes * codeDim * codeDim);
  for (let t = 0; t < layout.planes; t++)
    for (let d = 0; d < codeDim; d++) decoder[(t * codeDim + d) * codeDim + d] = fitted.scales[t * codeDim + d]!;
  return { dim, rotation, centres, binarizer: { ...fitted, encoder, decoder } };
}

/** The rows to code and the queries to train on. */
export interface BinarizerTrainingData {
  dim: number;
  /** `dot` for cosine (rows and queries unit length) and inner-product fields, `l2` for distance fields. */
  metric: CodeMetric;
  rows: Float32Array;
  /** Training queries, rows of `dim`. */
  queries: Float32Array;
  /** The row each training query was drawn from, when queries are sampled from the rows (left out of its candidates). */
  queryRows?: Int32Array;
  /** Held-out queries the kept binarizer is chosen on (recall@10 against the float top 10). */
  validation: { queries: Float32Array };
}

/** How to train. */
export interface BinarizerTrainingOptions {
  initial: TrainedBinarizer;
  /** Whether the index scores with RaBitQ's per-row corrections (the binary default) or the plain reconstruction. */
  correction: boolean;
  /** Passes over the training queries (default 5). */
  epochs?: number;
  /** Queries per step (default 16). */
  batchSize?: number;
  /**
   * Adam's step size (default 0.00002): Adam moves every entry of the decoders and encoders by about
   * this much per step whatever its gradient, and larger steps scrambled the start's codes faster
   * than the loss could steer them (see the compress benchmark's log).
   */
  learningRate?: number;
  /** Softmax temperature (default 0.05 times the rows' mean squared length). */
  temperature?: number;
  /** Exact top rows per query in its candidate list (default 100). */
  teacherDepth?: number;
  /** Rows the current codes rank highest per query, added to its candidates (default 50). */
  studentDepth?: number;
  /** Exact top rows the codes' own ranking is taken from, in training and default validation (default 1,000). */
  poolDepth?: number;
  /** Epochs without a better validation measure before stopping (default 2). */
  patience?: number;
  /**
   * The validation measure of a binarizer (higher is better): by default recall@10 of the codes'
   * own top 10 among each validation query's exact top `poolDepth` rows; a caller that can build
   * the index measures it exactly.
   */
  measure?: (b: TrainedBinarizer) => number;
  seed?: number;
  progress?: ProgressFactory;
  onEpoch?: (report: BinarizerTrainingEpoch) => void;
}

/** One epoch's mean loss and the validation measure after it. */
export type BinarizerTrainingEpoch = TrainingEpoch;

/** The kept binarizer and how training went. */
export interface BinarizerTrainingResult {
  binarizer: TrainedBinarizer;
  initialMetric: number;
  best: { epoch: number; metric: number };
  epochs: BinarizerTrainingEpoch[];
  seconds: number;
}

/** All rows coded with a binarizer: codes and the per-row terms the estimate uses. */
export interface CodedRows {
  codes: Uint32Array;
  corrections: Float32Array;
  offsets: Float32Array;
}

/** Codes every row with `b` (and the per-row correction terms), as a binary index built with it does. */
export function codeRows(b: TrainedBinarizer, read: RowReader, n: number, assign: Uint16Array | null): CodedRows {
  const codes = encodeResidualBits(b.binarizer, read, n, assign);
  const terms = residualRowTerms(b.binarizer, read, n, codes, assign);
  return { codes, ...terms };
}

/**
 * Scores rows of a pool from their codes as a binary index does (without quantizing the query):
 * per-plane weights D_tᵀ q once per query, then a signed sum per row.
 */
export class PoolScorer {
  private readonly weights: Float32Array;
  private readonly qc: Float32Array;

  constructor(
    private readonly b: ResidualBinarizer,
    private readonly assign: Uint16Array | null,
    private readonly correction: boolean,
  ) {
    this.weights = new Float32Array(b.planes * b.dim);
    this.qc = new Float32Array(b.centres.length / b.dim);
  }

  /** Prepares query `q` (coded space). */
  prepare(q: Float32Array): void {
    const { dim, centres } = this.b;
    planeWeights(this.b, q, this.weights);
    for (let c = 0; c < this.qc.length; c++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q[d]! * centres[c * dim + d]!;
      this.qc[c] = s;
    }
  }

  /** The estimate of <q, row r> from the coded rows. */
  score(coded: CodedRows, r: number): number {
    const { dim, planes } = this.b;
    const words = planeWords(dim);
    const w = this.weights;
    let s = 0;
    for (let t = 0; t < planes; t++) {
      const base = (r * planes + t) * words;
      for (let d = 0; d < dim; d++) {
        const bit = (coded.codes[base + (d >>> 5)]! >>> (d & 31)) & 1;
        s += bit === 1 ? w[t * dim + d]! : -w[t * dim + d]!;
      }
    }
    const centre = this.qc[this.assign === null ? 0 : this.assign[r]!]!;
    return this.correction ? coded.corrections[r]! * s + coded.offsets[r]! + centre : s + centre;
  }
}

function checkData(data: BinarizerTrainingData, opts: BinarizerTrainingOptions): void {
  const { dim, rows, queries } = data;
  const bad = (field: string, why: string): never => {
    throw new QuarryError('BAD_ARGUMENT', why, { field });
  };
  if (rows.length === 0 || rows.length % dim !== 0) bad('rows', `${rows.length} values are not whole ${dim}-d rows`);
  if (queries.length === 0 || queries.length % dim !== 0) bad('queries', `training queries must be rows of ${dim} values`);
  if (data.validation.queries.length === 0 || data.validation.queries.length % dim !== 0)
    bad('validation', `validation queries must be rows of ${dim} values`);
  if (opts.initial.dim !== dim) bad('initial', `the starting binarizer is for ${opts.initial.dim}-d rows, the rows are ${dim}-d`);
}

/** Copies of the trainable arrays (the placement is shared: training never changes it). */
function cloneBinarizer(b: TrainedBinarizer): TrainedBinarizer {
  const e = b.binarizer.encoder;
  return {
    ...b,
    binarizer: {
      ...b.binarizer,
      decoder: b.binarizer.decoder.slice(),
      encoder: { ...e, w1: e.w1.slice(), b1: e.b1.slice(), w2: e.w2.slice(), b2: e.b2.slice() },
    },
  };
}

/** Trains a binary field's binarizer for ranking (see the file's header). */
export function trainBinarizer(data: BinarizerTrainingData, opts: BinarizerTrainingOptions): BinarizerTrainingResult {
  checkData(data, opts);
  const started = performance.now();
  const { dim, metric, rows, queries } = data;
  const n = rows.length / dim;
  const nq = queries.length / dim;
  const epochs = opts.epochs ?? 5;
  const batchSize = opts.batchSize ?? 16;
  const lr = opts.learningRate ?? 0.00002;
  const teacherDepth = Math.min(n, opts.teacherDepth ?? 100);
  const studentDepth = Math.min(n, opts.studentDepth ?? 50);
  const poolDepth = Math.min(n, Math.max(opts.poolDepth ?? 1000, teacherDepth));
  const patience = opts.patience ?? 2;
  const rand = xorshift32(opts.seed ?? 1);
  let meanSq = 0;
  for (let i = 0; i < rows.length; i++) meanSq += rows[i]! * rows[i]!;
  meanSq /= n;
  const temperature = opts.temperature ?? 0.05 * (meanSq > 0 ? meanSq : 1);
  const loss = listwiseKlLoss(temperature, temperature);

  const model = cloneBinarizer(opts.initial);
  const b = model.binarizer;
  const e = b.encoder;
  const codeDim = b.dim;
  const grads = binarizerGradients(e);
  const slots = [
    new AdamSlot(b.decoder, grads.decoder),
    new AdamSlot(e.w1, grads.w1),
    new AdamSlot(e.b1, grads.b1),
    new AdamSlot(e.w2, grads.w2),
    new AdamSlot(e.b2, grads.b2),
  ];
  const read = codedRowReader(rows, dim, model.rotation);
  const embedQuery = codedRowReader(queries, dim, model.rotation);
  const assign = nearestCentres(rows, dim, model.centres);
  const l2 = metric === 'l2';
  const normsSq = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += rows[r * dim + d]! ** 2;
    normsSq[r] = s;
  }

  // the exact top rows of every query: the teacher's candidates and the pool the codes rank within
  const pools = exactNeighbours(rows, queries, dim, metric, poolDepth);
  const vq = data.validation.queries;
  const vPools = exactNeighbours(rows, vq, dim, metric, poolDepth);
  const embedValidation = codedRowReader(vq, dim, model.rotation);

  const scorer = new PoolScorer(b, assign, opts.correction);
  const heap = new TopKHeap(Math.max(studentDepth, 10));
  const qr = new Float32Array(codeDim);
  const poolMeasure = (m: TrainedBinarizer): number => {
    const coded = codeRows(m, read, n, assign);
    const s = new PoolScorer(m.binarizer, assign, opts.correction);
    let sum = 0;
    const top = new TopKHeap(10);
    for (let v = 0; v < vq.length / dim; v++) {
      embedValidation(v, qr);
      s.prepare(qr);
      top.clear();
      const pool = vPools.docs[v]!;
      for (const r of pool) {
        const est = s.score(coded, r);
        top.offer(l2 ? 2 * est - normsSq[r]! : est, r);
      }
      const want = new Set(pool.subarray(0, 10));
      let hit = 0;
      for (const d of top.drain().docs) if (want.has(d)) hit++;
      sum += hit / Math.max(1, want.size);
    }
    return sum / (vq.length / dim);
  };
  const measure = opts.measure ?? poolMeasure;

  const graph = new PlaneGraph(b.planes, codeDim, e.hidden);
  const residual = new Float32Array(codeDim);
  const gx = new Float32Array(codeDim);
  const maxCand = teacherDepth + studentDepth;
  const cand = new Int32Array(maxCand);
  const scores = new Float64Array(maxCand);
  const teach = new Float64Array(maxCand);
  const labels = new Int8Array(maxCand).fill(NOT_RELEVANT);
  const grad = new Float64Array(maxCand);
  const seen = new Set<number>();
  const candidateScore = (r: number, x: Float32Array | null): number => {
    // forward for row r; the estimate, and into gx its gradient with respect to x̂ when x is given
    read(r, residual);
    const c = (assign === null ? 0 : assign[r]!) * codeDim;
    for (let d = 0; d < codeDim; d++) residual[d]! -= b.centres[c + d]!;
    graph.forward(e, b.decoder, residual);
    const est = codeEstimate(qr, b.centres, c, residual, graph.xhat, opts.correction, x);
    return l2 ? 2 * est - normsSq[r]! : est;
  };

  const trainQuery = (qi: number, coded: CodedRows): number => {
    embedQuery(qi, qr);
    scorer.prepare(qr);
    const pool = pools.docs[qi]!;
    const poolScores = pools.scores[qi]!;
    heap.clear();
    for (const r of pool) {
      const est = scorer.score(coded, r);
      const s = l2 ? 2 * est - normsSq[r]! : est;
      if (heap.size < studentDepth || s > heap.threshold()) heap.offer(s, r);
    }
    const student = heap.drain().docs;
    seen.clear();
    if (data.queryRows !== undefined) seen.add(data.queryRows[qi]!);
    let count = 0;
    const exact = new Map<number, number>();
    for (let i = 0; i < pool.length; i++) exact.set(pool[i]!, poolScores[i]!);
    const add = (r: number): void => {
      if (seen.has(r) || count >= maxCand) return;
      seen.add(r);
      cand[count] = r;
      teach[count++] = exact.get(r)!;
    };
    for (let i = 0; i < teacherDepth; i++) add(pool[i]!);
    for (const r of student) add(r);
    for (let c = 0; c < count; c++) scores[c] = candidateScore(cand[c]!, null);
    const value = loss.compute({ n: count, scores, labels, teacher: teach }, grad);
    for (let c = 0; c < count; c++) {
      const g = grad[c]!;
      if (g === 0) continue;
      candidateScore(cand[c]!, gx);
      const w = l2 ? 2 * g : g;
      for (let d = 0; d < codeDim; d++) gx[d]! *= w;
      graph.backward(e, b.decoder, gx, grads);
    }
    return value;
  };

  let coded: CodedRows | null = null;
  const loop = runEpochs({
    queries: nq,
    epochs,
    batchSize,
    learningRate: lr,
    patience,
    slots,
    rand,
    trainQuery: (qi) => trainQuery(qi, coded!),
    beforeEpoch: () => {
      coded = codeRows(model, read, n, assign);
    },
    measure: () => measure(model),
    snapshot: () => cloneBinarizer(model),
    label: 'training bebr binarizer',
    progress: opts.progress,
    onEpoch: opts.onEpoch,
  });
  return {
    binarizer: loop.best.state,
    initialMetric: loop.initialMetric,
    best: { epoch: loop.best.epoch, metric: loop.best.metric },
    epochs: loop.epochs,
    seconds: (performance.now() - started) / 1000,
  };
}
