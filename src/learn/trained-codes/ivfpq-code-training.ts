/**
 * IVF-PQ codes trained for ranking instead of reconstruction: JPQ (Zhan et al., "Jointly
 * Optimizing Query Encoder and Product Quantization to Improve Retrieval Performance", CIKM
 * 2021) and Distill-VQ (Xiao et al., "Distill-VQ: Learning Retrieval Oriented Vector
 * Quantization By Distilling Knowledge from Dense Embeddings", SIGIR 2022).
 *
 * Both start from the k-means quantizer and move its coarse centroids and sub-centroids by
 * the gradient of a ranking loss on the scores the codes give (q · (cell centroid + the
 * sub-centroids of the codes)). JPQ learns from judgments: each query's relevant rows against
 * the hard negatives the current codes retrieve (dynamic negatives), with an affine query map
 * trained jointly, as JPQ trains the query encoder while documents keep their codes. Distill-VQ
 * needs no labels: the teacher is the float index, and the loss is the KL divergence from the
 * softmax of the exact scores to that of the code scores over the exact top rows and the rows
 * the codes rank high. A second term of the same loss on the cell centroids alone trains the
 * cells the search probes.
 *
 * Codes are the nearest centroids throughout: each epoch starts by re-encoding every row with
 * the current quantizer, so that what training scores is what an index built (or merged) with
 * the trained quantizer stores. The quantizer kept is the one with the best validation measure
 * (recall@10 against the float index's top 10, or nDCG@10 of the judged rows when the validation
 * queries have judgments),
 * the k-means start included, so training never returns codes worse on it than k-means'.
 */
import { QuarryError } from '../../core/quarry-error.js';
import type { ProgressFactory } from '../../core/progress.js';
import { xorshift32 } from '../../kernels/xorshift.js';
import { TopKHeap } from '../../kernels/top-k-heap.js';
import { encodeIvfPq, groupByCell, type IvfProductQuantizer } from '../../quantize/ivf-product-quantizer.js';
import { addProductReconstruction, productQuantizer } from '../../quantize/product-quantizer.js';
import { AdamSlot } from '../adam.js';
import { listwiseKlLoss } from '../losses/listwise-kl.js';
import { trainingLoss } from '../losses/loss-registry.js';
import { NOT_RELEVANT, RELEVANT, type RankingLoss } from '../losses/ranking-loss.js';
import { exactNeighbours, type CodeMetric } from './exact-neighbours.js';
import { runEpochs, type TrainingEpoch } from './epoch-loop.js';

/** What each code-training method is, for help texts and docs. */
export const CODE_TRAINING_METHODS = {
  jpq: 'JPQ: centroids and a query map trained on judgments against the negatives the codes retrieve (Zhan et al. 2021)',
  'distill-vq': "Distill-VQ: centroids trained to reproduce the float index's ranking, no judgments needed (Xiao et al. 2022)",
} as const;

/** A code-training method's name. */
export type CodeTrainingMethod = keyof typeof CODE_TRAINING_METHODS;

/** An affine map y = matrix · x + bias on queries (dim x dim, row-major). */
export interface QueryMap {
  matrix: Float32Array;
  bias: Float32Array;
}

/** The rows to encode and the queries to train on. */
export interface CodeTrainingData {
  dim: number;
  /** `dot` for cosine (rows and queries unit length) and inner-product fields, `l2` for distance fields. */
  metric: CodeMetric;
  /** The field's float rows, as the index holds them. */
  rows: Float32Array;
  /** Training queries, rows of `dim` (unit length for cosine fields). */
  queries: Float32Array;
  /** The row each training query was drawn from, when queries are sampled from the rows (left out of its candidates). */
  queryRows?: Int32Array;
  /** JPQ: the relevant rows of each training query. */
  positives?: readonly Int32Array[];
  /** Held-out queries the kept quantizer is chosen on, with their relevant rows (default: the float index's top 10). */
  validation: { queries: Float32Array; positives?: readonly Int32Array[] };
}

/** How to train. */
export interface CodeTrainingOptions {
  method: CodeTrainingMethod;
  /** The quantizer training starts from (k-means'); its anisotropy, if any, is how rows are encoded throughout. */
  initial: IvfProductQuantizer;
  /** Passes over the training queries (default 10). */
  epochs?: number;
  /** Queries per step (default 32). */
  batchSize?: number;
  /** Adam's step size (default 0.0005). */
  learningRate?: number;
  /** Softmax temperature of the losses (default 0.05 times the rows' mean squared length). */
  temperature?: number;
  /** Distill-VQ: exact top rows per query in its candidate list (default 100). */
  teacherDepth?: number;
  /** Rows the current codes rank highest, per query: Distill-VQ's extra candidates, JPQ's negative pool (default 50). */
  studentDepth?: number;
  /** JPQ: negatives drawn from the pool per query per step (default 32). */
  hardNegatives?: number;
  /** Cells searched for the codes' own rankings in training and validation (default 32). */
  nprobe?: number;
  /** Train an affine query map with the codes (default: JPQ yes, Distill-VQ no). */
  queryMap?: boolean;
  /** JPQ's losses (default infonce; see loss-registry.ts). */
  loss?: readonly string[];
  /** Add the loss of the cell centroids' scores alone, which trains the cells a search probes (default true). */
  cellLoss?: boolean;
  /** Epochs without a better validation measure before stopping (default 3). */
  patience?: number;
  seed?: number;
  progress?: ProgressFactory;
  onEpoch?: (report: CodeTrainingEpoch) => void;
}

/** One epoch's mean loss and the validation measure of the codes after it. */
export type CodeTrainingEpoch = TrainingEpoch;

/** The trained quantizer and how training went. */
export interface CodeTrainingResult {
  quantizer: IvfProductQuantizer;
  queryMap: QueryMap | null;
  /**
   * What validation measured (no rescoring, `nprobe` cells): recall@10 against the float index's
   * top 10, or nDCG@10 of the judged rows when the validation queries have judgments.
   */
  measure: 'recall@10' | 'nDCG@10';
  /** The measure for the starting quantizer and for the kept one. */
  initialMetric: number;
  best: { epoch: number; metric: number };
  epochs: CodeTrainingEpoch[];
  seconds: number;
}

/** Rows grouped by cell, with their codes: what the codes' own search scans. */
interface EncodedLists {
  cells: Int32Array;
  codes: Uint8Array;
  offsets: Uint32Array;
  ids: Int32Array;
  listCodes: Uint8Array;
}

function encodeLists(q: IvfProductQuantizer, rows: Float32Array): EncodedLists {
  const encoded = encodeIvfPq(q, rows);
  const lists = groupByCell(encoded, q.coarse.k, q.pq.m);
  return { cells: encoded.cells, codes: encoded.codes, offsets: lists.offsets, ids: lists.ids, listCodes: lists.codes };
}

/** The codes' own top `depth` for query vector y: nprobe best cells, then distance tables over their lists. */
class CodeSearch {
  private readonly cellScores: Float32Array;
  private readonly lut: Float32Array;
  private readonly resid: Float32Array;
  private readonly cellHeap: TopKHeap;

  constructor(
    private readonly q: IvfProductQuantizer,
    private readonly metric: CodeMetric,
    nprobe: number,
  ) {
    this.cellScores = new Float32Array(q.coarse.k);
    this.lut = new Float32Array(q.pq.m * 256);
    this.resid = new Float32Array(q.coarse.dim);
    this.cellHeap = new TopKHeap(Math.min(nprobe, q.coarse.k));
  }

  search(y: Float32Array, lists: EncodedLists, heap: TopKHeap): void {
    const { coarse, pq } = this.q;
    const { dim, k: nlist, centroids: cc } = coarse;
    const { m, starts, centroids: pc, ksub } = pq;
    const l2 = this.metric === 'l2';
    const cells = this.cellHeap;
    cells.clear();
    for (let c = 0; c < nlist; c++) {
      let s = 0;
      if (l2) {
        for (let j = 0; j < dim; j++) {
          const d = y[j]! - cc[c * dim + j]!;
          s -= d * d;
        }
      } else for (let j = 0; j < dim; j++) s += y[j]! * cc[c * dim + j]!;
      this.cellScores[c] = s;
      cells.offer(s, c);
    }
    const probe = cells.drain();
    const lut = this.lut;
    const table = (src: Float32Array): void => {
      for (let s = 0; s < m; s++) {
        const from = starts[s]!;
        const len = starts[s + 1]! - from;
        for (let c = 0; c < ksub; c++) {
          const at = 256 * from + c * len;
          let v = 0;
          if (l2) {
            for (let j = 0; j < len; j++) {
              const d = src[from + j]! - pc[at + j]!;
              v -= d * d;
            }
          } else for (let j = 0; j < len; j++) v += src[from + j]! * pc[at + j]!;
          lut[s * 256 + c] = v;
        }
      }
    };
    if (!l2) table(y);
    heap.clear();
    const codes = lists.listCodes;
    for (let p = 0; p < probe.docs.length; p++) {
      const cell = probe.docs[p]!;
      if (l2) {
        for (let j = 0; j < dim; j++) this.resid[j] = y[j]! - cc[cell * dim + j]!;
        table(this.resid);
      }
      const base = l2 ? 0 : this.cellScores[cell]!;
      for (let i = lists.offsets[cell]!; i < lists.offsets[cell + 1]!; i++) {
        let score = base;
        const off = i * m;
        for (let s = 0; s < m; s++) score += lut[s * 256 + codes[off + s]!]!;
        if (heap.size < heap.k || score > heap.threshold()) heap.offer(score, lists.ids[i]!);
      }
    }
  }
}

/** A candidate's score: y · x (inner products; cosine rows are unit length) or -|y - x|² (l2), x at `xAt`. */
export function candidateScore(metric: CodeMetric, y: Float32Array, x: Float32Array, xAt: number, dim: number): number {
  let s = 0;
  if (metric === 'l2') {
    for (let j = 0; j < dim; j++) {
      const d = y[j]! - x[xAt + j]!;
      s -= d * d;
    }
  } else for (let j = 0; j < dim; j++) s += y[j]! * x[xAt + j]!;
  return s;
}

/**
 * Adds `weight` times the gradient of candidateScore with respect to x (into gx at gxAt) and to
 * y (into gy): y and x for inner products; 2 (y - x) and -2 (y - x) for negated squared distances.
 */
export function addCandidateGradient(
  metric: CodeMetric,
  weight: number,
  y: Float32Array,
  x: Float32Array,
  xAt: number,
  dim: number,
  gx: Float32Array,
  gxAt: number,
  gy: Float32Array,
): void {
  if (weight === 0) return;
  if (metric === 'l2') {
    for (let j = 0; j < dim; j++) {
      const d = 2 * weight * (y[j]! - x[xAt + j]!);
      gx[gxAt + j]! += d;
      gy[j]! -= d;
    }
  } else
    for (let j = 0; j < dim; j++) {
      gx[gxAt + j]! += weight * y[j]!;
      gy[j]! += weight * x[xAt + j]!;
    }
}

/**
 * The codes' own top 10 of each validation query scored against its targets: the share of them
 * found (recall@10, targets the float index's top 10) or, for judged targets, nDCG@10 with binary
 * gains, which sees a relevant row move up within the ten.
 */
function validationMeasure(
  judged: boolean,
  search: CodeSearch,
  lists: EncodedLists,
  map: QueryMap | null,
  vq: Float32Array,
  targets: readonly Int32Array[],
  dim: number,
  y: Float32Array,
): number {
  const heap = new TopKHeap(10);
  let sum = 0;
  let counted = 0;
  for (let v = 0; v < vq.length / dim; v++) {
    const want = targets[v]!;
    if (want.length === 0) continue;
    applyMap(map, vq, v * dim, dim, y);
    search.search(y, lists, heap);
    const wanted = new Set(want);
    const top = heap.drain().docs;
    if (judged) {
      let dcg = 0;
      let ideal = 0;
      for (let i = 0; i < top.length; i++) if (wanted.has(top[i]!)) dcg += 1 / Math.log2(i + 2);
      for (let i = 0; i < Math.min(10, wanted.size); i++) ideal += 1 / Math.log2(i + 2);
      sum += dcg / ideal;
    } else {
      let hit = 0;
      for (const d of top) if (wanted.has(d)) hit++;
      sum += hit / Math.min(10, wanted.size);
    }
    counted++;
  }
  return counted === 0 ? 0 : sum / counted;
}

/**
 * The anisotropy η (of `candidates`) whose codes, with the starting quantizer, reach the best
 * validation measure without rescoring (ties to the smaller η): how much the parallel error
 * matters depends on the data (how close a query's neighbours are), so it is measured.
 */
export function chooseAnisotropy(
  data: CodeTrainingData,
  initial: IvfProductQuantizer,
  candidates: readonly number[],
  nprobe = 32,
): { anisotropy: number; metrics: { anisotropy: number; metric: number }[] } {
  const { dim, metric, rows } = data;
  const vq = data.validation.queries;
  const targets =
    data.validation.positives !== undefined ? [...data.validation.positives] : exactNeighbours(rows, vq, dim, metric, 10).docs;
  const judged = data.validation.positives !== undefined;
  const metrics = candidates.map((eta) => {
    const q = { ...initial, anisotropy: eta };
    const search = new CodeSearch(q, metric, nprobe);
    return {
      anisotropy: eta,
      metric: validationMeasure(judged, search, encodeLists(q, rows), null, vq, targets, dim, new Float32Array(dim)),
    };
  });
  let best = metrics[0]!;
  for (const r of metrics) if (r.metric > best.metric) best = r;
  return { anisotropy: best.anisotropy, metrics };
}

function applyMap(map: QueryMap | null, x: Float32Array, xAt: number, dim: number, y: Float32Array): void {
  if (map === null) {
    y.set(x.subarray(xAt, xAt + dim));
    return;
  }
  for (let i = 0; i < dim; i++) {
    let v = map.bias[i]!;
    const row = i * dim;
    for (let j = 0; j < dim; j++) v += map.matrix[row + j]! * x[xAt + j]!;
    y[i] = v;
  }
}

function copyQuantizer(q: IvfProductQuantizer): IvfProductQuantizer {
  return {
    coarse: { ...q.coarse, centroids: q.coarse.centroids.slice() },
    pq: productQuantizer(q.pq.dim, q.pq.m, q.pq.ksub, q.pq.centroids.slice()),
    ...(q.anisotropy !== undefined ? { anisotropy: q.anisotropy } : {}),
  };
}

function checkData(data: CodeTrainingData, opts: CodeTrainingOptions): void {
  const { dim, rows, queries } = data;
  const bad = (field: string, why: string, hint?: string): never => {
    throw new QuarryError('BAD_ARGUMENT', why, { field }, hint);
  };
  if (!(opts.method in CODE_TRAINING_METHODS))
    bad('method', `unknown code-training method "${opts.method}"`, `choose from ${Object.keys(CODE_TRAINING_METHODS).join(', ')}`);
  if (rows.length === 0 || rows.length % dim !== 0) bad('rows', `${rows.length} values are not whole ${dim}-d rows`);
  if (queries.length === 0 || queries.length % dim !== 0) bad('queries', `training queries must be rows of ${dim} values`);
  if (data.validation.queries.length === 0 || data.validation.queries.length % dim !== 0)
    bad('validation', `validation queries must be rows of ${dim} values`);
  if (opts.initial.coarse.dim !== dim || opts.initial.pq.dim !== dim)
    bad('initial', `the starting quantizer is ${opts.initial.coarse.dim}-d, the rows ${dim}-d`);
  if (opts.method === 'jpq') {
    const p = data.positives;
    if (p === undefined || p.length !== queries.length / dim)
      bad('positives', 'JPQ learns from judgments: give the relevant rows of every training query', 'or use distill-vq, which needs none');
    if (!p!.some((list) => list.length > 0)) bad('positives', 'no training query has a relevant row');
  }
}

/** Trains the quantizer of an IVF-PQ field for ranking (see the file's header). */
export function trainIvfPqCodes(data: CodeTrainingData, opts: CodeTrainingOptions): CodeTrainingResult {
  checkData(data, opts);
  const started = performance.now();
  const { dim, metric, rows, queries } = data;
  const n = rows.length / dim;
  const nq = queries.length / dim;
  const method = opts.method;
  const epochs = opts.epochs ?? 10;
  const batchSize = opts.batchSize ?? 32;
  const lr = opts.learningRate ?? 0.0005;
  const teacherDepth = Math.min(n, opts.teacherDepth ?? 100);
  const studentDepth = Math.min(n, opts.studentDepth ?? 50);
  const hardNegatives = opts.hardNegatives ?? 32;
  const nprobe = opts.nprobe ?? 32;
  const patience = opts.patience ?? 3;
  const rand = xorshift32(opts.seed ?? 1);
  let meanSq = 0;
  for (let i = 0; i < rows.length; i++) meanSq += rows[i]! * rows[i]!;
  meanSq /= n;
  const temperature = opts.temperature ?? 0.05 * (meanSq > 0 ? meanSq : 1);
  const loss: RankingLoss =
    method === 'jpq' ? trainingLoss(opts.loss ?? ['infonce'], { temperature }) : listwiseKlLoss(temperature, temperature);
  if (method === 'jpq' && loss.needsTeacher)
    throw new QuarryError('BAD_ARGUMENT', `loss ${loss.name} distils from a teacher; JPQ trains on judgments`, { field: 'loss' });
  const cellLoss: RankingLoss = method === 'jpq' ? loss : listwiseKlLoss(temperature, temperature);

  const cellTerm = opts.cellLoss ?? true;
  const q = copyQuantizer(opts.initial);
  const { coarse, pq } = q;
  const { m, starts } = pq;
  const cc = coarse.centroids;
  const pc = pq.centroids;
  const gC = new Float32Array(cc.length);
  const gP = new Float32Array(pc.length);
  const slots = [new AdamSlot(cc, gC), new AdamSlot(pc, gP)];
  let map: QueryMap | null = null;
  let gW: Float32Array | null = null;
  let gB: Float32Array | null = null;
  if (opts.queryMap ?? method === 'jpq') {
    map = { matrix: new Float32Array(dim * dim), bias: new Float32Array(dim) };
    for (let i = 0; i < dim; i++) map.matrix[i * dim + i] = 1;
    gW = new Float32Array(dim * dim);
    gB = new Float32Array(dim);
    slots.push(new AdamSlot(map.matrix, gW), new AdamSlot(map.bias, gB));
  }

  // labels: judgments (JPQ), or the float index's top rows (Distill-VQ's teacher; validation without judgments)
  const teacher = method === 'distill-vq' ? exactNeighbours(rows, queries, dim, metric, teacherDepth) : null;
  const vq = data.validation.queries;
  const vTargets: Int32Array[] =
    data.validation.positives !== undefined ? [...data.validation.positives] : exactNeighbours(rows, vq, dim, metric, 10).docs;
  const relevant = data.positives?.map((p) => new Set(p)) ?? null;

  const search = new CodeSearch(q, metric, nprobe);
  const studentHeap = new TopKHeap(studentDepth);
  const y = new Float32Array(dim);
  const dy = new Float32Array(dim);
  const gx = new Float32Array(dim);
  const maxCand = teacherDepth + studentDepth + 64;
  const cand = new Int32Array(maxCand);
  const scores = new Float64Array(maxCand);
  const cellScores = new Float64Array(maxCand);
  const teach = new Float64Array(maxCand);
  const labels = new Int8Array(maxCand);
  const grad = new Float64Array(maxCand);
  const cellGrad = new Float64Array(maxCand);
  const seen = new Set<number>();

  const judged = data.validation.positives !== undefined;
  const validate = (lists: EncodedLists): number => validationMeasure(judged, search, lists, map, vq, vTargets, dim, y);

  // each candidate's reconstruction from the codes (the cell's centroid plus the residual's
  // sub-centroids), kept between the scores and the gradients
  const xhats = new Float32Array(maxCand * dim);
  const reconstruct = (lists: EncodedLists, d: number, at: number): void => {
    const cell = lists.cells[d]!;
    xhats.set(cc.subarray(cell * dim, (cell + 1) * dim), at);
    addProductReconstruction(pq, lists.codes, d * m, xhats, at);
  };

  /** One query's loss; adds its gradients into gC, gP (and the map's). */
  const trainQuery = (qi: number, lists: EncodedLists): number => {
    applyMap(map, queries, qi * dim, dim, y);
    search.search(y, lists, studentHeap);
    const student = studentHeap.drain().docs;
    let count = 0;
    seen.clear();
    const add = (d: number, label: number): void => {
      if (seen.has(d) || count >= maxCand) return;
      seen.add(d);
      cand[count] = d;
      labels[count++] = label;
    };
    if (data.queryRows !== undefined) seen.add(data.queryRows[qi]!);
    if (teacher !== null) {
      for (const d of teacher.docs[qi]!) add(d, NOT_RELEVANT);
      for (const d of student) add(d, NOT_RELEVANT);
      const query = queries.subarray(qi * dim, (qi + 1) * dim);
      for (let c = 0; c < count; c++) teach[c] = candidateScore(metric, query, rows, cand[c]! * dim, dim);
    } else {
      const pos = data.positives![qi]!;
      if (pos.length === 0) return 0;
      add(pos[Math.floor(rand() * pos.length)]!, RELEVANT);
      const pool = Array.from(student).filter((d) => !relevant![qi]!.has(d));
      for (let h = 0; h < hardNegatives && pool.length > 0; h++) add(pool[Math.floor(rand() * pool.length)]!, NOT_RELEVANT);
      // random rows keep the scores of rows far from the query in check
      for (let h = 0; h < 8; h++) {
        const d = Math.floor(rand() * n);
        if (!relevant![qi]!.has(d)) add(d, NOT_RELEVANT);
      }
    }
    for (let c = 0; c < count; c++) {
      const d = cand[c]!;
      reconstruct(lists, d, c * dim);
      scores[c] = candidateScore(metric, y, xhats, c * dim, dim);
      cellScores[c] = candidateScore(metric, y, cc, lists.cells[d]! * dim, dim);
    }
    const t = teacher !== null ? teach : null;
    let value = loss.compute({ n: count, scores, labels, teacher: t }, grad);
    if (cellTerm) value += cellLoss.compute({ n: count, scores: cellScores, labels, teacher: t }, cellGrad);
    dy.fill(0);
    for (let c = 0; c < count; c++) {
      const g = grad[c]!;
      const gc = cellGrad[c]!;
      if (g === 0 && gc === 0) continue;
      const d = cand[c]!;
      const cell = lists.cells[d]! * dim;
      gx.fill(0);
      addCandidateGradient(metric, g, y, xhats, c * dim, dim, gx, 0, dy);
      addCandidateGradient(metric, gc, y, cc, cell, dim, gC, cell, dy);
      // x̂ is the cell's centroid plus one sub-centroid per subspace: each receives d loss / d x̂
      for (let j = 0; j < dim; j++) gC[cell + j]! += gx[j]!;
      for (let s = 0; s < m; s++) {
        const from = starts[s]!;
        const len = starts[s + 1]! - from;
        const at = 256 * from + lists.codes[d * m + s]! * len;
        for (let j = 0; j < len; j++) gP[at + j]! += gx[from + j]!;
      }
    }
    if (map !== null) {
      for (let r = 0; r < dim; r++) {
        const v = dy[r]!;
        if (v === 0) continue;
        gB![r]! += v;
        for (let j = 0; j < dim; j++) gW![r * dim + j]! += v * queries[qi * dim + j]!;
      }
    }
    return value;
  };

  // encoded by the first measure(), then after every epoch
  let lists: EncodedLists | null = null;
  const loop = runEpochs({
    queries: nq,
    epochs,
    batchSize,
    learningRate: lr,
    patience,
    slots,
    rand,
    trainQuery: (qi) => trainQuery(qi, lists!),
    // the codes after each epoch are what the next one trains against
    measure: () => {
      lists = encodeLists(q, rows);
      return validate(lists);
    },
    snapshot: () => ({ q: copyQuantizer(q), map: map === null ? null : cloneMap(map) }),
    label: `training ${method} codes`,
    progress: opts.progress,
    onEpoch: opts.onEpoch,
  });
  return {
    quantizer: loop.best.state.q,
    queryMap: loop.best.state.map,
    measure: judged ? 'nDCG@10' : 'recall@10',
    initialMetric: loop.initialMetric,
    best: { epoch: loop.best.epoch, metric: loop.best.metric },
    epochs: loop.epochs,
    seconds: (performance.now() - started) / 1000,
  };
}

function cloneMap(map: QueryMap): QueryMap {
  return { matrix: map.matrix.slice(), bias: map.bias.slice() };
}
