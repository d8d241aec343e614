/**
 * The quantizer of an IVF-PQ index (Jégou, Douze & Schmid, TPAMI 2011): coarse
 * centroids that split the space into cells and a product quantizer of each
 * row's residual from its cell's centroid. Fitted by k-means here; trained for
 * ranking by `learn/trained-codes` (JPQ, Distill-VQ). Either way a row's codes
 * are its nearest coarse centroid and the nearest sub-centroids of its residual,
 * (or, with an anisotropy η, the codes of ScaNN's score-aware loss), so re-encoding
 * rows (a merge, new documents) with the same quantizer gives what training saw.
 */
import { kmeans, type KMeansResult } from './kmeans.js';
import { NearestCentroids } from './nearest-centroids.js';
import { encodeProduct, fitProductQuantizer, type ProductQuantizer } from './product-quantizer.js';
import { refineAnisotropic } from './anisotropic-codes.js';

/** Coarse cells and a residual product quantizer over rows of `coarse.dim`. */
export interface IvfProductQuantizer {
  coarse: KMeansResult;
  pq: ProductQuantizer;
  /**
   * ScaNN's η (anisotropic-codes.ts): codes minimise ‖r⊥‖² + η‖r∥‖² instead of ‖r‖²; absent or 1
   * for the nearest codes.
   */
  anisotropy?: number;
}

/** Rows encoded by an IvfProductQuantizer: each row's cell and its residual's m code bytes. */
export interface IvfPqCodes {
  cells: Int32Array;
  codes: Uint8Array;
}

/** Fits `nlist` cells by k-means and an m-byte product quantizer on the residuals. */
export function fitIvfProductQuantizer(rows: Float32Array, dim: number, nlist: number, m: number, seed: number): IvfProductQuantizer {
  return fitAndEncodeIvfPq(rows, dim, nlist, m, seed).quantizer;
}

/** fitIvfProductQuantizer, with the rows' codes (what encodeIvfPq gives them) from the same assignment pass. */
export function fitAndEncodeIvfPq(
  rows: Float32Array,
  dim: number,
  nlist: number,
  m: number,
  seed: number,
): { quantizer: IvfProductQuantizer; encoded: IvfPqCodes } {
  const coarse = kmeans(rows, dim, { k: nlist, seed, iterations: 20 });
  const cells = nearestCells(coarse, rows);
  const resid = residuals(coarse, rows, cells);
  const pq = fitProductQuantizer(resid, dim, m, seed + 1);
  return { quantizer: { coarse, pq }, encoded: { cells, codes: encodeProduct(pq, resid) } };
}

/** Each row's nearest coarse centroid. */
export function nearestCells(coarse: KMeansResult, rows: Float32Array): Int32Array {
  const { dim, k } = coarse;
  const n = rows.length / dim;
  const cells = new Int32Array(n);
  new NearestCentroids(rows, dim, k * dim).assign(0, dim, coarse.centroids, k, cells, new Float32Array(n));
  return cells;
}

/** Each row minus its cell's centroid. */
export function residuals(coarse: KMeansResult, rows: Float32Array, cells: Int32Array): Float32Array {
  const { dim } = coarse;
  const out = new Float32Array(rows.length);
  for (let r = 0; r < cells.length; r++) {
    const c = cells[r]! * dim;
    for (let j = 0; j < dim; j++) out[r * dim + j] = rows[r * dim + j]! - coarse.centroids[c + j]!;
  }
  return out;
}

/** Encodes rows: nearest cell, then the residual's nearest sub-centroids (refined for the anisotropic loss when the quantizer has η > 1). */
export function encodeIvfPq(q: IvfProductQuantizer, rows: Float32Array): IvfPqCodes {
  const cells = nearestCells(q.coarse, rows);
  const resid = residuals(q.coarse, rows, cells);
  const codes = encodeProduct(q.pq, resid);
  if ((q.anisotropy ?? 1) > 1) refineAnisotropic(q.pq, rows, resid, codes, q.anisotropy!);
  return { cells, codes };
}

/** Encoded rows grouped by cell (an inverted file): rows of cell c are ids/codes[offsets[c] .. offsets[c + 1]). */
export interface CellLists {
  offsets: Uint32Array;
  ids: Int32Array;
  codes: Uint8Array;
}

/** Groups encoded rows by cell, in row order within each cell. */
export function groupByCell(encoded: IvfPqCodes, nlist: number, m: number): CellLists {
  const { cells, codes } = encoded;
  const n = cells.length;
  const offsets = new Uint32Array(nlist + 1);
  for (let r = 0; r < n; r++) offsets[cells[r]! + 1]!++;
  for (let c = 0; c < nlist; c++) offsets[c + 1]! += offsets[c]!;
  const fill = offsets.slice(0, nlist);
  const ids = new Int32Array(n);
  const listCodes = new Uint8Array(n * m);
  for (let r = 0; r < n; r++) {
    const slot = fill[cells[r]!]!++;
    ids[slot] = r;
    listCodes.set(codes.subarray(r * m, (r + 1) * m), slot * m);
  }
  return { offsets, ids, codes: listCodes };
}
