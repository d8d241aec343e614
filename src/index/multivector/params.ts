/**
 * Parameters of multi-vector fields: how token vectors are stored, how
 * documents' tokens are pruned, and the MUVERA fixed-dimensional encoding
 * (Dhulipala et al., "MUVERA: Multi-Vector Retrieval via Fixed Dimensional
 * Encodings", NeurIPS 2024) that lets any dense family find candidates.
 */
import { z } from 'zod';
import { DENSE_FAMILIES } from '../dense/dense-registry.js';

/** MUVERA encoding settings; `seed` is shared by queries and documents and stored in the schema. */
export const muveraParamsSchema = z
  .object({
    /** SimHash hyperplanes per repetition: 2^kSim partitions. */
    kSim: z.number().int().min(0).max(12).default(4),
    /** Coordinates per partition after the random ±1 projection (0 = no projection: the token dimension). */
    dProj: z.number().int().min(0).max(4096).default(16),
    /** Independent repetitions, concatenated. */
    rReps: z.number().int().positive().max(256).default(10),
    /** A document's empty partition takes its nearest token (by SimHash bits), as in the paper. */
    fillEmptyPartitions: z.boolean().default(true),
    /** Optional final count-sketch projection to this many dimensions (0 = none). */
    finalDim: z
      .number()
      .int()
      .min(0)
      .max(1 << 20)
      .default(0),
    seed: z.number().int().min(0).max(0xffffffff).default(42),
    /**
     * How the encodings are searched: `columnar` (default) keeps them
     * coordinate-major and scores only the query encoding's non-zero
     * coordinates (exact inner products; a query touches a few percent of
     * the coordinates), or any dense family over the rows.
     */
    index: z.enum(['columnar', ...DENSE_FAMILIES]).default('columnar'),
    /** That family's build parameters. */
    params: z.record(z.number()).default({}),
    /**
     * With an int8, binary or ivfpq index: where its rescoring floats (the encodings,
     * often thousands of dimensions per document) stay once a segment is open, as a
     * dense field's `floats`: `memory` (default) or `disk`.
     */
    floats: z.enum(['memory', 'disk']).optional(),
  })
  .strict();

/** MUVERA settings with defaults filled. */
export type MuveraParams = z.infer<typeof muveraParamsSchema>;

/**
 * Storage of token vectors: float32; int8 with one scale per token (4×
 * smaller); or 1-bit signs with one scale per token, the mean absolute
 * coordinate, which is the scale minimizing the L2 error of α·sign(x) (32×
 * smaller; the query stays float).
 */
export type TokenStorage = 'float32' | 'int8' | 'binary';

/** Search-time parameters of a multi-vector leg. */
export interface MultiVectorSearchParams {
  /** MUVERA candidates rescored by exact MaxSim (default 100). Ignored without MUVERA. */
  candidates: number;
  /** Search parameters passed to the encoding's dense family (efSearch, nprobe, ...). */
  dense: Readonly<Record<string, number>>;
}

/** Early-exit rules for reranking a first stage's candidates ("Multivector Reranking in the Era of Strong First-Stage Retrievers", 2026). */
export interface RerankParams {
  /** Candidates taken from the first stage, in its order (κ). */
  depth: number;
  /** Drop candidates whose first-stage score is below (1 − alpha) × the k-th first-stage score (undefined: keep all). */
  alpha?: number;
  /** Stop after beta consecutive candidates fail to enter the top k (undefined: never stop early). */
  beta?: number;
}

/** The encoding's dimension: rReps × 2^kSim × (dProj or the token dimension), or finalDim. */
export function fdeDimension(p: MuveraParams, tokenDim: number): number {
  if (p.finalDim > 0) return p.finalDim;
  return p.rReps * (1 << p.kSim) * (p.dProj > 0 ? p.dProj : tokenDim);
}
