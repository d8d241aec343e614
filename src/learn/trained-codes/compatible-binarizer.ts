/**
 * Backward-compatible query codes, after BEBR's backward-compatible training (Gan et al., KDD 2023;
 * the idea of Shen et al., "Towards Backward-Compatible Representation Learning", CVPR 2020): when
 * a new model replaces an old one, its queries should search the index of the old model's codes
 * until the documents are coded again. The new model's query q is mapped into the old codes'
 * space (an affine map, started from the least-squares fit on paired queries), coded into bit
 * planes by trained plane encoders against the old binarizer's centres and decoders (frozen: the
 * index is not touched), and scored symmetrically against the old codes. Training distils, for
 * each query, the old model's own float ranking of the old rows (what the old index was built to
 * approximate) into the scores of the new query's codes.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { xorshift32 } from '../../kernels/xorshift.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import {
  codeResidualPlanes,
  nearestCentreOf,
  planeScratch,
  planeWords,
  reconstructResidual,
  type ResidualBinarizer,
} from '../../quantize/residual-binarizer.js';
import { initialPlaneEncoder } from '../../quantize/plane-encoder.js';
import { AdamSlot } from '../adam.js';
import { choleskySolve } from '../cholesky.js';
import { listwiseKlLoss } from '../losses/listwise-kl.js';
import { NOT_RELEVANT } from '../losses/ranking-loss.js';
import {
  PoolScorer,
  codeRows,
  codedRowReader,
  nearestCentres,
  type BinarizerTrainingOptions,
  type CodedRows,
  type TrainedBinarizer,
} from './binarizer-training.js';
import { exactNeighbours } from './exact-neighbours.js';
import { PlaneGraph, binarizerGradients } from './plane-graph.js';
import { runEpochs, type TrainingEpoch } from './epoch-loop.js';

/** A new model's query coder for an old binarizer's index. */
export interface CompatibleQueryBinarizer {
  /** Dimensions of the new model's queries. */
  dim: number;
  /** y = matrix · q + bias into the old codes' space (coded x dim, row-major). */
  matrix: Float32Array;
  bias: Float32Array;
  /** The old binarizer's centres, scales and decoders with the query's own plane encoders. */
  binarizer: ResidualBinarizer;
}

/** A query code: the old binarizer's centre and the query's bit planes. */
export interface CompatibleQueryCode {
  centre: number;
  planes: Uint32Array;
}

/** Codes a new model's query for the old index (the code a binary index's searchQueryCode takes). */
export function encodeCompatibleQuery(c: CompatibleQueryBinarizer, q: Float32Array): CompatibleQueryCode {
  const b = c.binarizer;
  const y = mapQuery(c, q, 0, new Float32Array(b.dim));
  const centre = nearestCentreOf(b, y);
  for (let d = 0; d < b.dim; d++) y[d]! -= b.centres[centre * b.dim + d]!;
  const planes = new Uint32Array(b.planes * planeWords(b.dim));
  codeResidualPlanes(b, y, planes, 0, planeScratch(b));
  return { centre, planes };
}

function mapQuery(c: CompatibleQueryBinarizer, q: Float32Array, at: number, out: Float32Array): Float32Array {
  const { dim, matrix, bias } = c;
  for (let i = 0; i < out.length; i++) {
    let s = bias[i]!;
    for (let j = 0; j < dim; j++) s += matrix[i * dim + j]! * q[at + j]!;
    out[i] = s;
  }
  return out;
}

/** What backward-compatible training learns from. */
export interface CompatibleTrainingData {
  /** The old model's rows, as the old index holds them (unit length for cosine fields), rows of `oldDim`. */
  oldRows: Float32Array;
  oldDim: number;
  /** The old binarizer the index was coded with (a fitted one: initialTrainedBinarizer). */
  old: TrainedBinarizer;
  /** The same queries embedded by the old model (oldDim) and by the new one (newDim), in the same order. */
  oldQueries: Float32Array;
  newQueries: Float32Array;
  newDim: number;
  /** Held-out pairs the kept coder is chosen on. */
  validation: { oldQueries: Float32Array; newQueries: Float32Array };
}

/** How to train. */
export interface CompatibleTrainingOptions extends Pick<
  BinarizerTrainingOptions,
  | 'correction'
  | 'epochs'
  | 'batchSize'
  | 'temperature'
  | 'teacherDepth'
  | 'studentDepth'
  | 'poolDepth'
  | 'patience'
  | 'seed'
  | 'progress'
  | 'onEpoch'
> {
  /** Hidden units of each plane's encoder (default 64). */
  hidden?: number;
  /** Adam's step size (default 0.0001: only the query side moves, against fixed codes). */
  learningRate?: number;
}

/** The kept coder and the recall figures that say what compatibility costs. */
export interface CompatibleTrainingResult {
  coder: CompatibleQueryBinarizer;
  /**
   * Validation recall@10 against the old float index's top 10 of each old query (among its exact
   * top poolDepth rows): old queries' own codes (the old system), new queries through the
   * least-squares map alone (the start), and new queries through the kept coder.
   */
  oldQueryRecall: number;
  initialMetric: number;
  best: { epoch: number; metric: number };
  epochs: TrainingEpoch[];
  seconds: number;
}

/** The least-squares affine map from new queries to the old coded space (ridge 1e-3 times the mean square). */
function leastSquaresMap(
  newQ: Float32Array,
  newDim: number,
  target: Float32Array,
  coded: number,
): { matrix: Float32Array; bias: Float32Array } {
  const nq = newQ.length / newDim;
  const a = newDim + 1;
  const xtx = new Float64Array(a * a);
  const xty = new Float64Array(a * coded);
  const x = new Float64Array(a);
  let meanSq = 0;
  for (let i = 0; i < newQ.length; i++) meanSq += newQ[i]! * newQ[i]!;
  meanSq /= Math.max(1, nq);
  for (let r = 0; r < nq; r++) {
    for (let j = 0; j < newDim; j++) x[j] = newQ[r * newDim + j]!;
    x[newDim] = 1;
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < a; j++) xtx[i * a + j]! += x[i]! * x[j]!;
      for (let c = 0; c < coded; c++) xty[i * coded + c]! += x[i]! * target[r * coded + c]!;
    }
  }
  for (let i = 0; i < newDim; i++) xtx[i * a + i]! += 1e-3 * Math.max(meanSq, 1e-12) * nq;
  const w = choleskySolve(xtx, a, xty, coded);
  const matrix = new Float32Array(coded * newDim);
  const bias = new Float32Array(coded);
  for (let c = 0; c < coded; c++) {
    for (let j = 0; j < newDim; j++) matrix[c * newDim + j] = w[j * coded + c]!;
    bias[c] = w[newDim * coded + c]!;
  }
  return { matrix, bias };
}

function checkData(d: CompatibleTrainingData): void {
  const bad = (field: string, why: string): never => {
    throw new QuarryError('BAD_ARGUMENT', why, { field });
  };
  if (d.oldRows.length === 0 || d.oldRows.length % d.oldDim !== 0) bad('oldRows', `the old rows are not whole ${d.oldDim}-d rows`);
  if (d.old.dim !== d.oldDim) bad('old', `the old binarizer is for ${d.old.dim}-d rows, the old rows are ${d.oldDim}-d`);
  const nq = d.oldQueries.length / d.oldDim;
  if (!Number.isInteger(nq) || nq < 2 || d.newQueries.length !== nq * d.newDim)
    bad('newQueries', 'give the same queries (at least 2) embedded by the old model and by the new one, in the same order');
  const nv = d.validation.oldQueries.length / d.oldDim;
  if (!Number.isInteger(nv) || nv < 1 || d.validation.newQueries.length !== nv * d.newDim)
    bad('validation', 'give the validation queries embedded by both models, in the same order');
}

/** Trains a new model's query coder for an old binary index (see the file's header). */
export function trainCompatibleQueryBinarizer(data: CompatibleTrainingData, opts: CompatibleTrainingOptions): CompatibleTrainingResult {
  checkData(data);
  const started = performance.now();
  const { oldRows, oldDim, old, newDim } = data;
  const n = oldRows.length / oldDim;
  const nq = data.oldQueries.length / oldDim;
  const ob = old.binarizer;
  const coded = ob.dim;
  const epochs = opts.epochs ?? 5;
  const batchSize = opts.batchSize ?? 16;
  const lr = opts.learningRate ?? 0.0001;
  const teacherDepth = Math.min(n, opts.teacherDepth ?? 100);
  const studentDepth = Math.min(n, opts.studentDepth ?? 50);
  const poolDepth = Math.min(n, Math.max(opts.poolDepth ?? 1000, teacherDepth));
  const patience = opts.patience ?? 2;
  const rand = xorshift32(opts.seed ?? 1);
  let meanSq = 0;
  for (let i = 0; i < oldRows.length; i++) meanSq += oldRows[i]! ** 2;
  meanSq /= n;
  const temperature = opts.temperature ?? 0.05 * (meanSq > 0 ? meanSq : 1);
  const loss = listwiseKlLoss(temperature, temperature);

  // the old index: codes of the old rows, and what each pool row's estimate needs
  const readOld = codedRowReader(oldRows, oldDim, old.rotation);
  const assign = nearestCentres(oldRows, oldDim, old.centres);
  const codes: CodedRows = codeRows(old, readOld, n, assign);
  const embedOld = codedRowReader(data.oldQueries, oldDim, old.rotation);
  const target = new Float32Array(nq * coded);
  const tmp = new Float32Array(coded);
  for (let q = 0; q < nq; q++) {
    embedOld(q, tmp);
    target.set(tmp, q * coded);
  }
  const start = leastSquaresMap(data.newQueries, newDim, target, coded);
  const encoder = initialPlaneEncoder(ob.planes, coded, opts.hidden ?? 64, opts.seed ?? 1);
  const decoder = ob.decoder ?? diagonalDecoder(ob);
  const coder: CompatibleQueryBinarizer = {
    dim: newDim,
    matrix: start.matrix,
    bias: start.bias,
    binarizer: { ...ob, encoder, decoder },
  };
  const grads = binarizerGradients(encoder);
  const gMatrix = new Float32Array(coder.matrix.length);
  const gBias = new Float32Array(coder.bias.length);
  const slots = [
    new AdamSlot(encoder.w1, grads.w1),
    new AdamSlot(encoder.b1, grads.b1),
    new AdamSlot(encoder.w2, grads.w2),
    new AdamSlot(encoder.b2, grads.b2),
    new AdamSlot(coder.matrix, gMatrix),
    new AdamSlot(coder.bias, gBias),
  ];

  const pools = exactNeighbours(oldRows, data.oldQueries, oldDim, 'dot', poolDepth);
  const vPools = exactNeighbours(oldRows, data.validation.oldQueries, oldDim, 'dot', poolDepth);
  const scorer = new PoolScorer(coder.binarizer, assign, opts.correction);
  const graph = new PlaneGraph(ob.planes, coded, encoder.hidden);
  const y = new Float32Array(coded);
  const qhat = new Float32Array(coded);
  const xhat = new Float64Array(coded);
  const gq = new Float32Array(coded);
  const heap = new TopKHeap(Math.max(studentDepth, 10));

  /** The new query's code reconstruction (coded space) into qhat, keeping the graph for backward. */
  const forward = (newQ: Float32Array, qi: number): number => {
    mapQuery(coder, newQ, qi * newDim, y);
    const centre = nearestCentreOf(coder.binarizer, y);
    for (let d = 0; d < coded; d++) y[d]! -= ob.centres[centre * coded + d]!;
    const x = graph.forward(encoder, decoder, y);
    for (let d = 0; d < coded; d++) qhat[d] = ob.centres[centre * coded + d]! + x[d]!;
    return centre;
  };
  const recallOf = (queryVec: (v: number) => Float32Array): number => {
    const nv = data.validation.oldQueries.length / oldDim;
    let sum = 0;
    const top = new TopKHeap(10);
    for (let v = 0; v < nv; v++) {
      scorer.prepare(queryVec(v));
      top.clear();
      const pool = vPools.docs[v]!;
      for (const r of pool) top.offer(scorer.score(codes, r), r);
      const want = new Set(pool.subarray(0, 10));
      let hit = 0;
      for (const d of top.drain().docs) if (want.has(d)) hit++;
      sum += hit / Math.max(1, want.size);
    }
    return sum / nv;
  };
  const embedValidationOld = codedRowReader(data.validation.oldQueries, oldDim, old.rotation);
  // the old system: old queries searched by their own codes (symmetric), as the old index would
  const oldCoder: CompatibleQueryBinarizer = { dim: coded, matrix: identity(coded), bias: new Float32Array(coded), binarizer: ob };
  const oldQueryRecall = recallOf((v) => {
    embedValidationOld(v, tmp);
    return decodeCode(ob, encodeCompatibleQuery(oldCoder, tmp), qhat);
  });
  const measure = (): number =>
    recallOf((v) => {
      forward(data.validation.newQueries, v);
      return qhat;
    });

  const maxCand = teacherDepth + studentDepth;
  const cand = new Int32Array(maxCand);
  const scores = new Float64Array(maxCand);
  const teach = new Float64Array(maxCand);
  const labels = new Int8Array(maxCand).fill(NOT_RELEVANT);
  const grad = new Float64Array(maxCand);
  const seen = new Set<number>();

  const trainQuery = (qi: number): number => {
    forward(data.newQueries, qi);
    scorer.prepare(qhat);
    const pool = pools.docs[qi]!;
    const exact = pools.scores[qi]!;
    const rank = new Map<number, number>();
    pool.forEach((r, i) => rank.set(r, i));
    heap.clear();
    for (const r of pool) {
      const s = scorer.score(codes, r);
      if (heap.size < studentDepth || s > heap.threshold()) heap.offer(s, r);
    }
    seen.clear();
    let count = 0;
    const add = (r: number): void => {
      if (seen.has(r) || count >= maxCand) return;
      seen.add(r);
      cand[count] = r;
      teach[count++] = exact[rank.get(r)!]!;
    };
    for (let i = 0; i < teacherDepth; i++) add(pool[i]!);
    for (const r of heap.drain().docs) add(r);
    for (let c = 0; c < count; c++) scores[c] = scorer.score(codes, cand[c]!);
    const value = loss.compute({ n: count, scores, labels, teacher: teach }, grad);
    // d estimate_j / d q̂ = f_j x̂_j + c_j (corrected) or x̂_j + c_j (plain)
    gq.fill(0);
    for (let c = 0; c < count; c++) {
      const g = grad[c]!;
      if (g === 0) continue;
      const r = cand[c]!;
      reconstructResidual(ob, codes.codes, r, xhat);
      const f = opts.correction ? codes.corrections[r]! : 1;
      const centre = (assign === null ? 0 : assign[r]!) * coded;
      for (let d = 0; d < coded; d++) gq[d]! += g * (f * xhat[d]! + ob.centres[centre + d]!);
    }
    // q̂ = centre + x̂(y - centre): the gradient reaches the encoders and, through the input, the map
    const decoderGrad = grads.decoder;
    graph.backward(encoder, decoder, gq, grads);
    decoderGrad.fill(0);
    const gy = graph.inputGradient;
    for (let i = 0; i < coded; i++) {
      const v = gy[i]!;
      if (v === 0) continue;
      gBias[i]! += v;
      for (let j = 0; j < newDim; j++) gMatrix[i * newDim + j]! += v * data.newQueries[qi * newDim + j]!;
    }
    return value;
  };

  const snapshot = (): CompatibleQueryBinarizer => ({
    dim: newDim,
    matrix: coder.matrix.slice(),
    bias: coder.bias.slice(),
    binarizer: {
      ...coder.binarizer,
      encoder: { ...encoder, w1: encoder.w1.slice(), b1: encoder.b1.slice(), w2: encoder.w2.slice(), b2: encoder.b2.slice() },
    },
  });
  const loop = runEpochs({
    queries: nq,
    epochs,
    batchSize,
    learningRate: lr,
    patience,
    slots,
    rand,
    trainQuery,
    measure,
    snapshot,
    label: 'training compatible query codes',
    progress: opts.progress,
    onEpoch: opts.onEpoch,
  });
  return {
    coder: loop.best.state,
    oldQueryRecall,
    initialMetric: loop.initialMetric,
    best: { epoch: loop.best.epoch, metric: loop.best.metric },
    epochs: loop.epochs,
    seconds: (performance.now() - started) / 1000,
  };
}

function identity(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function diagonalDecoder(b: ResidualBinarizer): Float32Array {
  const { dim, planes, scales } = b;
  const out = new Float32Array(planes * dim * dim);
  for (let t = 0; t < planes; t++) for (let d = 0; d < dim; d++) out[(t * dim + d) * dim + d] = scales[t * dim + d]!;
  return out;
}

function decodeCode(b: ResidualBinarizer, code: CompatibleQueryCode, out: Float32Array): Float32Array {
  const x = new Float64Array(b.dim);
  reconstructResidual(b, code.planes, 0, x);
  for (let d = 0; d < b.dim; d++) out[d] = b.centres[code.centre * b.dim + d]! + x[d]!;
  return out;
}
