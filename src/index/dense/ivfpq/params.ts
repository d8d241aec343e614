/**
 * Parameters of IVF-PQ (Jégou et al., TPAMI 2011; as used by JPQ and
 * Distill-VQ): a k-means coarse quantizer with `nlist` cells, `nprobe` cells
 * visited per query, residuals product-quantized into `m` bytes, optional
 * exact rescoring.
 */
import type { DenseMetric } from '../dense-types.js';
import { RESCORE_RANGE, SEED_RANGE, type ParamRanges } from '../../param-ranges.js';

/** Settings of an IVF-PQ index. */
export interface IvfPqParams {
  dim: number;
  metric: DenseMetric;
  nlist: number;
  nprobe: number;
  /** Sub-quantizers (bytes per code), at most dim; subspaces differ in length by at most one when m does not divide dim. */
  m: number;
  /** Candidates rescored exactly, as a multiple of k (0 = no rescoring). */
  rescore: number;
  seed: number;
}

/** Defaults: nprobe 16, rescoring 10 x k; nlist and m depend on the data (about sqrt(n) and dim / 4). */
export const IVFPQ_DEFAULTS = { nprobe: 16, rescore: 10, seed: 11 } as const;

/** The values IVF-PQ's parameters may take (8-bit codes: m bytes per row, m at most dim). */
export const IVFPQ_PARAM_RANGES: ParamRanges = {
  nlist: { min: 1, max: 0xffffffff, integer: true },
  nprobe: { min: 1, integer: true },
  m: { min: 1, integer: true, atMostDim: true },
  rescore: RESCORE_RANGE,
  seed: SEED_RANGE,
};
