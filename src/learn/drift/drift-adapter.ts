/**
 * Drift adapters (Vejendla, "Drift-Adapter: A Practical Approach to Near
 * Zero-Downtime Embedding Model Upgrades in Vector Databases", EMNLP 2025):
 * when documents were embedded with an old model and queries now come from a
 * new one, a map fitted on a sample of documents embedded with both carries
 * new-model vectors into the old space, so the existing index keeps serving
 * without re-embedding the corpus. The paper's three parameterizations:
 * orthogonal Procrustes (a rotation, or a semi-orthogonal map between
 * different dimensions: it keeps angles, so it cannot overfit) and an affine
 * map fitted by ridge least squares (more freedom; needs more pairs); and the
 * residual MLP, the affine map plus a trained non-linear correction
 * (drift-mlp.ts) for drift no linear map undoes.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { choleskySolve } from '../cholesky.js';
import { addResidualMlp, stoppingPair, trainResidualMlp, type ResidualMlp } from './drift-mlp.js';
import { symmetricEigen } from '../symmetric-eigen.js';

/** Which map to fit. */
export type DriftAdapterKind = 'procrustes' | 'affine' | 'mlp';

/** Settings of {@link fitDriftAdapter}. */
export interface DriftAdapterOptions {
  /** Default procrustes. */
  kind?: DriftAdapterKind;
  /**
   * Affine only: ridge strength, relative to the mean variance of the new
   * vectors' coordinates (default 0.01). Needed when there are fewer pairs than
   * dimensions.
   */
  ridge?: number;
  /** MLP only: hidden units (default 256). */
  hidden?: number;
  /** MLP only: most training epochs (default 30; stops earlier when the held-out loss stops improving). */
  epochs?: number;
  /** MLP only: Adam's step size (default 0.001). */
  learningRate?: number;
  /** MLP only: seed of the initial weights and the batch order (default 42). */
  seed?: number;
  /** MLP only: called after every epoch with its held-out loss. */
  onEpoch?: (epoch: number, epochs: number, loss: number) => void;
}

/** A fitted map from new-model vectors (inputDim) to old-model vectors (outputDim): y = matrix · x + bias. */
export interface DriftAdapter {
  kind: DriftAdapterKind;
  inputDim: number;
  outputDim: number;
  /** outputDim rows of inputDim. */
  matrix: Float32Array;
  /** outputDim values (all 0 for procrustes). */
  bias: Float32Array;
  /** The non-linear correction added to the affine part (kind mlp), else null. */
  mlp: ResidualMlp | null;
}

/** The kinds there are. */
export const DRIFT_ADAPTER_KINDS: readonly DriftAdapterKind[] = ['procrustes', 'affine', 'mlp'];

/**
 * Fits an adapter on paired rows: row r of `newRows` (newDim values) and row
 * r of `oldRows` (oldDim values) embed the same document.
 */
export function fitDriftAdapter(
  newRows: Float32Array,
  newDim: number,
  oldRows: Float32Array,
  oldDim: number,
  options: DriftAdapterOptions = {},
): DriftAdapter {
  const kind = options.kind ?? 'procrustes';
  if (!DRIFT_ADAPTER_KINDS.includes(kind))
    throw new QuarryError('BAD_ARGUMENT', `unknown adapter kind "${String(kind)}"`, { field: 'kind' }, 'use procrustes, affine or mlp');
  const ridge = options.ridge ?? 0.01;
  if (!(ridge >= 0) || !Number.isFinite(ridge))
    throw new QuarryError('BAD_ARGUMENT', `ridge must be a finite number ≥ 0, got ${ridge}`, { field: 'ridge' });
  if (newRows.length % newDim !== 0 || oldRows.length % oldDim !== 0)
    throw new QuarryError('BAD_ARGUMENT', 'row data is not a whole number of rows', { field: 'rows' });
  const n = newRows.length / newDim;
  if (oldRows.length / oldDim !== n)
    throw new QuarryError(
      'BAD_INPUT',
      `${n} new vectors but ${oldRows.length / oldDim} old ones`,
      { field: 'rows' },
      "pair every new vector with the same document's old vector",
    );
  if (n < 2) throw new QuarryError('BAD_INPUT', `an adapter needs at least 2 pairs, got ${n}`, { field: 'rows' });
  // all-zero inputs leave every map equally good: refuse rather than save an arbitrary one
  if (newRows.every((v) => v === 0))
    throw new QuarryError('BAD_INPUT', `all ${n} new vectors are zero: there is nothing to fit`, { field: 'rows' });
  if (kind === 'procrustes') return fitProcrustes(newRows, newDim, oldRows, oldDim, n);
  if (kind === 'affine') return fitAffine(newRows, newDim, oldRows, oldDim, n, ridge);
  // The MLP starts from the affine fit on its training pairs (not the ones that decide when to stop).
  const train = Array.from({ length: n }, (_, i) => i).filter((i) => !stoppingPair(i, n));
  const gather = (src: Float32Array, dim: number): Float32Array => {
    const out = new Float32Array(train.length * dim);
    train.forEach((r, i) => out.set(src.subarray(r * dim, (r + 1) * dim), i * dim));
    return out;
  };
  const start = fitAffine(gather(newRows, newDim), newDim, gather(oldRows, oldDim), oldDim, train.length, ridge);
  const mlp = trainResidualMlp(newRows, newDim, oldRows, oldDim, start.matrix, start.bias, {
    hidden: options.hidden ?? 256,
    epochs: options.epochs ?? 30,
    learningRate: options.learningRate ?? 0.001,
    seed: options.seed ?? 42,
    ...(options.onEpoch === undefined ? {} : { onEpoch: options.onEpoch }),
  });
  return { ...start, kind: 'mlp', mlp };
}

/**
 * The orthogonal (or semi-orthogonal) W maximizing sum_r <y_r, W x_r>: the
 * polar factor U Vᵀ of M = sum_r y_r x_rᵀ. When the old space has at least as
 * many dimensions as the new one this is also the least-squares fit; with
 * fewer, it is the map with orthonormal rows that agrees best.
 */
function fitProcrustes(x: Float32Array, p: number, y: Float32Array, q: number, n: number): DriftAdapter {
  const m = new Float64Array(q * p);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < q; i++) {
      const yi = y[r * q + i]!;
      if (yi === 0) continue;
      const row = i * p;
      for (let j = 0; j < p; j++) m[row + j]! += yi * x[r * p + j]!;
    }
  }
  const matrix = new Float32Array(q * p);
  // Decompose the smaller Gram matrix: MᵀM (p x p) when p ≤ q, else M Mᵀ (q x q).
  if (p <= q) {
    const g = new Float64Array(p * p);
    for (let i = 0; i < q; i++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) g[a * p + b]! += m[i * p + a]! * m[i * p + b]!;
    const { values, vectors } = symmetricEigen(g, p);
    const tol = 1e-10 * Math.max(values[0]!, 1e-300);
    const mv = new Float64Array(q);
    for (let k = 0; k < p; k++) {
      if (!(values[k]! > tol)) continue;
      const inv = 1 / Math.sqrt(values[k]!);
      // u_k = M v_k / sqrt(λ_k); W += u_k v_kᵀ
      for (let i = 0; i < q; i++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += m[i * p + j]! * vectors[j * p + k]!;
        mv[i] = s * inv;
      }
      for (let i = 0; i < q; i++) for (let j = 0; j < p; j++) matrix[i * p + j]! += mv[i]! * vectors[j * p + k]!;
    }
  } else {
    const g = new Float64Array(q * q);
    for (let a = 0; a < q; a++)
      for (let b = 0; b < q; b++) {
        let s = 0;
        for (let j = 0; j < p; j++) s += m[a * p + j]! * m[b * p + j]!;
        g[a * q + b] = s;
      }
    const { values, vectors } = symmetricEigen(g, q);
    const tol = 1e-10 * Math.max(values[0]!, 1e-300);
    const mtu = new Float64Array(p);
    for (let k = 0; k < q; k++) {
      if (!(values[k]! > tol)) continue;
      const inv = 1 / Math.sqrt(values[k]!);
      // v_k = Mᵀ u_k / sqrt(λ_k); W += u_k v_kᵀ
      mtu.fill(0);
      for (let i = 0; i < q; i++) {
        const u = vectors[i * q + k]!;
        for (let j = 0; j < p; j++) mtu[j]! += m[i * p + j]! * u;
      }
      for (let i = 0; i < q; i++) {
        const u = vectors[i * q + k]!;
        for (let j = 0; j < p; j++) matrix[i * p + j]! += u * mtu[j]! * inv;
      }
    }
  }
  return { kind: 'procrustes', inputDim: p, outputDim: q, matrix, bias: new Float32Array(q), mlp: null };
}

/** y ≈ W x + b by ridge least squares on centred rows: W = Cyx (Cxx + λ I)⁻¹, b = ȳ − W x̄. */
function fitAffine(x: Float32Array, p: number, y: Float32Array, q: number, n: number, ridge: number): DriftAdapter {
  const mx = new Float64Array(p);
  const my = new Float64Array(q);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) mx[j]! += x[r * p + j]! / n;
    for (let i = 0; i < q; i++) my[i]! += y[r * q + i]! / n;
  }
  const cxx = new Float64Array(p * p);
  const cxy = new Float64Array(p * q);
  const xc = new Float64Array(p);
  const yc = new Float64Array(q);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < p; j++) xc[j] = x[r * p + j]! - mx[j]!;
    for (let i = 0; i < q; i++) yc[i] = y[r * q + i]! - my[i]!;
    for (let a = 0; a < p; a++) {
      const xa = xc[a]!;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) cxx[a * p + b]! += xa * xc[b]!;
      for (let i = 0; i < q; i++) cxy[a * q + i]! += xa * yc[i]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < p; a++) {
    trace += cxx[a * p + a]!;
    for (let b = a + 1; b < p; b++) cxx[b * p + a] = cxx[a * p + b]!;
  }
  // the ridge is relative to the mean coordinate variance, so it means the same at any scale
  const lambda = Math.max(ridge * (trace / p), 1e-12 * (trace / p) + 1e-300);
  for (let a = 0; a < p; a++) cxx[a * p + a]! += lambda;
  const wt = choleskySolve(cxx, p, cxy, q); // p x q: Wᵀ
  const matrix = new Float32Array(q * p);
  const bias = new Float32Array(q);
  for (let i = 0; i < q; i++) {
    let b = my[i]!;
    for (let j = 0; j < p; j++) {
      matrix[i * p + j] = wt[j * q + i]!;
      b -= wt[j * q + i]! * mx[j]!;
    }
    bias[i] = b;
  }
  return { kind: 'affine', inputDim: p, outputDim: q, matrix, bias, mlp: null };
}

/** Maps a new-model vector into the old space (written to `out` when given). */
export function applyDriftAdapter(
  adapter: DriftAdapter,
  vector: ArrayLike<number>,
  out = new Float32Array(adapter.outputDim),
): Float32Array {
  const { inputDim: p, outputDim: q, matrix, bias } = adapter;
  if (vector.length !== p)
    throw new QuarryError('BAD_ARGUMENT', `the adapter maps ${p}-dimensional vectors, got ${vector.length}`, { field: 'vector' });
  for (let i = 0; i < q; i++) {
    let s = bias[i]!;
    for (let j = 0; j < p; j++) s += matrix[i * p + j]! * vector[j]!;
    out[i] = s;
  }
  if (adapter.mlp != null) addResidualMlp(adapter.mlp, vector, out);
  return out;
}
