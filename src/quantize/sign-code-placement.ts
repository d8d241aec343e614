/**
 * Each row's centre and basis for sign codes, after the error bound of RaBitQ
 * (Gao and Long, SIGMOD 2024): the sign-code estimate of <q - c, r>, with r the
 * row's residual from its centre c, errs by at most a small multiple of
 * |q - c| |r| tan θ / sqrt(D - 1), θ the angle between r and its sign code.
 * The nearest centre minimizes |r| alone; a slightly farther one whose residual
 * lies closer to a sign code (in one of the row's bases) can have the smaller
 * |r| tan θ. The query's part, |q - c|, is left out: it is not known when the
 * row is coded, and for the queries a row matters to (those near it) it is about
 * |r| for every candidate centre alike.
 */
import type { HadamardVariants } from './hadamard-variants.js';
import { largestAt } from './hadamard-variants.js';
import { NearestCentroids } from './nearest-centroids.js';
import type { RowReader } from './residual-binarizer.js';

/** Where each row is coded: its centre, and its basis when there are several. */
export interface SignCodePlacement {
  assign: Uint16Array;
  /** Each row's basis (a HadamardVariants variant), or null with one basis. */
  of: Uint8Array | null;
}

/**
 * |r| tan θ for a residual with squared length `lengthSq` and absolute sum `l1`
 * (in the basis it is coded in) over `dim` coordinates: cos θ = l1 / (|r| sqrt(dim)).
 */
export function signCodeError(lengthSq: number, l1: number, dim: number): number {
  if (lengthSq === 0) return 0;
  return (Math.sqrt(lengthSq) * Math.sqrt(Math.max(0, dim * lengthSq - l1 * l1))) / l1;
}

/**
 * Chooses, for each of n rows (read in the coded coordinates), the centre among
 * its `choices` nearest (of the k rows of `centres`) and, with `transforms`, the
 * basis whose sign code gives the smallest |r| tan θ. With one choice the centre
 * is `nearest[r]` (the k-means assignment) and only the basis is chosen.
 */
export function placeSignCodes(
  read: RowReader,
  n: number,
  dim: number,
  centres: Float32Array,
  nearest: Uint16Array,
  choices: number,
  transforms: HadamardVariants | null,
): SignCodePlacement {
  const k = centres.length / dim;
  const c = Math.max(1, Math.min(choices, k));
  const assign = new Uint16Array(n);
  const of = transforms === null ? null : new Uint8Array(n);
  const row = new Float32Array(dim);
  const residual = new Float32Array(dim);
  const sums = new Float64Array(transforms?.count ?? 1);
  const near = c > 1 ? new NearestCentroids(centres, dim, dim) : null;
  const dist = new Float32Array(k);
  const candidates = new Int32Array(c);
  const candidateDist = new Float64Array(c);
  for (let r = 0; r < n; r++) {
    read(r, row);
    if (near === null) candidates[0] = nearest[r]!;
    else {
      near.distances(0, dim, row, dist);
      nearestOf(dist, candidates, candidateDist);
    }
    let bestError = Infinity;
    for (let i = 0; i < c; i++) {
      const centre = candidates[i]!;
      let lengthSq = 0;
      for (let d = 0; d < dim; d++) {
        residual[d] = row[d]! - centres[centre * dim + d]!;
        lengthSq += residual[d]! * residual[d]!;
      }
      let basis = 0;
      if (transforms === null) {
        let l1 = 0;
        for (let d = 0; d < dim; d++) l1 += Math.abs(residual[d]!);
        sums[0] = l1;
      } else {
        transforms.l1Norms(residual, sums);
        basis = largestAt(sums);
      }
      const error = signCodeError(lengthSq, sums[basis]!, dim);
      if (error < bestError) {
        bestError = error;
        assign[r] = centre;
        if (of !== null) of[r] = basis;
      }
    }
  }
  return { assign, of };
}

/** The candidates.length smallest of `dist`, nearest first (the lower index on ties). */
function nearestOf(dist: Float32Array, candidates: Int32Array, candidateDist: Float64Array): void {
  const c = candidates.length;
  candidateDist.fill(Infinity);
  for (let j = 0; j < dist.length; j++) {
    const d = dist[j]!;
    if (d >= candidateDist[c - 1]!) continue;
    let i = c - 1;
    while (i > 0 && candidateDist[i - 1]! > d) {
      candidateDist[i] = candidateDist[i - 1]!;
      candidates[i] = candidates[i - 1]!;
      i--;
    }
    candidateDist[i] = d;
    candidates[i] = j;
  }
}
