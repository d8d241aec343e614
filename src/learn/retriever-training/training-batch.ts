/**
 * One training step of a static encoder on a batch of queries and candidate
 * documents: encode both sides, score every query against every candidate
 * (in-batch negatives, as DPR), take the loss of each query's candidate list,
 * and send the gradient back through the score matrix and the pooling into
 * the touched rows.
 */
import { NOT_RELEVANT, RELEVANT, type RankingLoss } from '../losses/ranking-loss.js';
import type { RowGradients } from '../static-encoder/row-gradients.js';
import type { StaticEncoderModel } from '../static-encoder/static-encoder-model.js';
import type { TrainingKernels } from '../static-encoder/training-kernels.js';

/** Queries and candidates of one step, filled by the caller, reused across steps. */
export class TrainingBatch {
  /** Number of queries and candidates in use. */
  queries = 0;
  candidates = 0;
  /** Per query: its token array, and start, end, skipStart, skipEnd at [4q, 4q + 4). */
  readonly querySource: Int32Array[] = [];
  queryBags: Int32Array;
  /** Per candidate: start, end, skipStart, skipEnd in the corpus tokens, and its document. */
  candidateBags: Int32Array;
  candidateDoc: Int32Array;
  /** labels[q · capacity + c]: RELEVANT, NOT_RELEVANT or IGNORED. */
  labels: Int8Array;
  /** Teacher scores in the same layout (when a teacher is used). */
  teacher: Float64Array;

  private qv: Float32Array;
  private cv: Float32Array;
  private dq: Float32Array;
  private dc: Float32Array;
  private qNorm: Float64Array;
  private cNorm: Float64Array;
  private readonly scores: Float64Array;
  private readonly grad: Float64Array;
  private readonly scratch: Float32Array;

  /** With `kernels` (made for the same sizes), vectors live in its memory and the score matrix runs in the SIMD kernels. */
  constructor(
    readonly maxQueries: number,
    /** Most candidates per step. */
    readonly capacity: number,
    readonly dim: number,
    private readonly kernels: TrainingKernels | null = null,
  ) {
    this.queryBags = new Int32Array(4 * maxQueries);
    this.candidateBags = new Int32Array(4 * capacity);
    this.candidateDoc = new Int32Array(capacity);
    this.labels = new Int8Array(maxQueries * capacity);
    this.teacher = new Float64Array(maxQueries * capacity);
    this.qv = kernels?.qv ?? new Float32Array(maxQueries * dim);
    this.cv = kernels?.cv ?? new Float32Array(capacity * dim);
    this.dq = kernels?.dq ?? new Float32Array(maxQueries * dim);
    this.dc = kernels?.dc ?? new Float32Array(capacity * dim);
    this.qNorm = new Float64Array(maxQueries);
    this.cNorm = new Float64Array(capacity);
    this.scores = new Float64Array(capacity);
    this.grad = new Float64Array(capacity);
    this.scratch = new Float32Array(dim);
  }

  /** Empties the batch. */
  clear(): void {
    this.queries = 0;
    this.candidates = 0;
    this.querySource.length = 0;
  }

  /** Adds a query bag; returns its number. */
  addQuery(tokens: Int32Array, start: number, end: number, skipStart = -1, skipEnd = -1): number {
    const q = this.queries++;
    this.querySource[q] = tokens;
    const b = this.queryBags;
    b[4 * q] = start;
    b[4 * q + 1] = end;
    b[4 * q + 2] = skipStart;
    b[4 * q + 3] = skipEnd;
    return q;
  }

  /** Adds a candidate bag of document `doc`; returns its number. */
  addCandidate(doc: number, start: number, end: number, skipStart = -1, skipEnd = -1): number {
    const c = this.candidates++;
    const b = this.candidateBags;
    b[4 * c] = start;
    b[4 * c + 1] = end;
    b[4 * c + 2] = skipStart;
    b[4 * c + 3] = skipEnd;
    this.candidateDoc[c] = doc;
    return c;
  }

  /**
   * Runs the step's forward and backward passes: `labels` (and `teacher`, when the
   * loss needs it) must be filled for every (query, candidate). Adds the gradient of
   * the mean loss over the queries to `grads` and returns that mean.
   */
  step(model: StaticEncoderModel, corpusTokens: Int32Array, loss: RankingLoss, grads: RowGradients): number {
    const { dim, capacity } = this;
    const nq = this.queries;
    const nc = this.candidates;
    const qb = this.queryBags;
    const cb = this.candidateBags;
    for (let q = 0; q < nq; q++)
      this.qNorm[q] = model.forward(this.querySource[q]!, qb[4 * q]!, qb[4 * q + 1]!, qb[4 * q + 2]!, qb[4 * q + 3]!, this.qv, q * dim);
    for (let c = 0; c < nc; c++)
      this.cNorm[c] = model.forward(corpusTokens, cb[4 * c]!, cb[4 * c + 1]!, cb[4 * c + 2]!, cb[4 * c + 3]!, this.cv, c * dim);
    const { qv, cv, dq, dc, scores, grad } = this;
    dq.fill(0, 0, nq * dim);
    dc.fill(0, 0, nc * dim);
    let total = 0;
    const k = this.kernels;
    for (let q = 0; q < nq; q++) {
      const qa = q * dim;
      if (k !== null) {
        k.k.dot_f32_rows(qv.byteOffset + 4 * qa, cv.byteOffset, dim, nc, k.scores.byteOffset);
        for (let c = 0; c < nc; c++) scores[c] = k.scores[c]!;
      } else
        for (let c = 0; c < nc; c++) {
          let s = 0;
          const ca = c * dim;
          for (let j = 0; j < dim; j++) s += qv[qa + j]! * cv[ca + j]!;
          scores[c] = s;
        }
      const labels = this.labels.subarray(q * capacity, q * capacity + nc);
      const teacher = loss.needsTeacher ? this.teacher.subarray(q * capacity, q * capacity + nc) : null;
      total += loss.compute({ n: nc, scores, labels, teacher }, grad);
      if (k !== null) {
        // dq[q] += Σ_c g_c · cv[c]; dc[c] += g_c · qv[q]
        for (let c = 0; c < nc; c++) k.scoreGrads[c] = grad[c]! / nq;
        k.k.gemv_t_f32(cv.byteOffset, nc, dim, k.scoreGrads.byteOffset, dq.byteOffset + 4 * qa);
        k.k.ger_f32(dc.byteOffset, nc, dim, k.scoreGrads.byteOffset, qv.byteOffset + 4 * qa);
        continue;
      }
      for (let c = 0; c < nc; c++) {
        const g = grad[c]! / nq;
        if (g === 0) continue;
        const ca = c * dim;
        for (let j = 0; j < dim; j++) {
          dq[qa + j]! += g * cv[ca + j]!;
          dc[ca + j]! += g * qv[qa + j]!;
        }
      }
    }
    for (let q = 0; q < nq; q++)
      model.backward(
        this.querySource[q]!,
        qb[4 * q]!,
        qb[4 * q + 1]!,
        qb[4 * q + 2]!,
        qb[4 * q + 3]!,
        qv,
        dq,
        q * dim,
        this.qNorm[q]!,
        grads,
        this.scratch,
      );
    for (let c = 0; c < nc; c++)
      model.backward(
        corpusTokens,
        cb[4 * c]!,
        cb[4 * c + 1]!,
        cb[4 * c + 2]!,
        cb[4 * c + 3]!,
        cv,
        dc,
        c * dim,
        this.cNorm[c]!,
        grads,
        this.scratch,
      );
    return total / Math.max(1, nq);
  }
}

/** Labels of query q: RELEVANT where `isRelevant(doc)`, NOT_RELEVANT elsewhere. */
export function labelCandidates(batch: TrainingBatch, q: number, isRelevant: (doc: number) => boolean): void {
  const row = q * batch.capacity;
  for (let c = 0; c < batch.candidates; c++) batch.labels[row + c] = isRelevant(batch.candidateDoc[c]!) ? RELEVANT : NOT_RELEVANT;
}
