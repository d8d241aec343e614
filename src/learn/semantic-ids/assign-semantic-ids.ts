/**
 * Assigning every row a semantic id by one of three methods, fitted here or given
 * already fitted: residual codewords (RQ-KMeans; Rajput et al., "Recommender Systems
 * with Generative Retrieval", NeurIPS 2023, as TIGER codes items), the same from an
 * RQ-VAE's latents (TIGER), or paths down a hierarchical k-means tree (Tay et al.,
 * "Transformer Memory as a Differentiable Search Index", NeurIPS 2022). What `quarry
 * semantic-ids` runs, usable from code and benchmarks.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { noProgress, type ProgressFactory } from '../../core/progress.js';
import { codeHierarchicalIds, fitHierarchicalIds, type HierarchicalIdStats, type HierarchyNode } from './hierarchical-ids.js';
import type { ResidualQuantizer } from './residual-quantizer.js';
import type { RqVae, RqVaeEpoch } from './rq-vae.js';
import { fitRqVaeSemanticIds, fitSemanticIds, unitRowsIf, type SemanticIdStats } from './semantic-ids.js';

/** The ways of assigning semantic ids. */
export const SEMANTIC_ID_METHODS = ['residual', 'rq-vae', 'hierarchical'] as const;
/** A way of assigning semantic ids. */
export type SemanticIdMethod = (typeof SEMANTIC_ID_METHODS)[number];

/** Settings shared by the methods. */
interface CommonOptions {
  /** Scale every vector to unit length first (for cosine embeddings). */
  normalize?: boolean;
  /** Seed of the k-means (each level or split uses the next); RQ-VAE: also its initial weights and training order. */
  seed?: number;
  /** Lloyd iterations per k-means. */
  iterations?: number;
  /** Each k-means is fitted on an even sample of at most this many rows. */
  maxTrainRows?: number;
  /** Reports fitting and coding (default: nothing shown). */
  progress?: ProgressFactory;
}

/** Residual codewords (RQ-KMeans), fitted or coded with `quantizer`. */
export interface ResidualAssignmentOptions extends CommonOptions {
  method: 'residual';
  levels: number;
  codebookSize: number;
  /** Code with these codebooks instead of fitting new ones. */
  quantizer?: ResidualQuantizer;
}

/** Residual codewords of an RQ-VAE's latents, trained or coded with `model`. */
export interface RqVaeAssignmentOptions extends CommonOptions {
  method: 'rq-vae';
  levels: number;
  codebookSize: number;
  /** The encoder's hidden layer widths, input side first (the decoder mirrors them). */
  hidden: number[];
  latent: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Weight of the commitment loss. */
  beta: number;
  /** Code with this trained model instead of training one. */
  model?: RqVae;
}

/** Paths down a hierarchical k-means tree (DSI), built or followed in `tree`. */
export interface HierarchicalAssignmentOptions extends CommonOptions {
  method: 'hierarchical';
  /** Clusters per split. */
  branching: number;
  /** Largest leaf. */
  leafSize: number;
  /** Descend this tree (of `treeDim`-dimensional centroids) instead of building one. */
  tree?: { tree: HierarchyNode; dim: number };
}

/** How to assign semantic ids. */
export type SemanticIdAssignmentOptions = ResidualAssignmentOptions | RqVaeAssignmentOptions | HierarchicalAssignmentOptions;

/** Every row's semantic id, what it was assigned with, and how the ids came out. */
export type SemanticIdAssignment =
  | { method: 'residual'; tokensOf: (r: number) => Uint32Array; quantizer: ResidualQuantizer; stats: SemanticIdStats }
  | { method: 'rq-vae'; tokensOf: (r: number) => Uint32Array; model: RqVae; stats: SemanticIdStats; lastEpoch: RqVaeEpoch | null }
  | { method: 'hierarchical'; tokensOf: (r: number) => Uint32Array; tree: HierarchyNode; stats: HierarchicalIdStats };

/** Assigns every row of `rows` (row-major, `dim` values each) a semantic id. */
export function assignSemanticIds(rows: Float32Array, dim: number, options: SemanticIdAssignmentOptions): SemanticIdAssignment {
  const progress = options.progress ?? noProgress;
  if (options.method === 'residual') return assignResidual(rows, dim, options, progress);
  if (options.method === 'rq-vae') return assignRqVae(rows, dim, options, progress);
  return assignHierarchical(rows, dim, options, progress);
}

/** The residual quantizer's settings (RQ-KMeans, and RQ-VAE's codebooks) that were given. */
function residualSettings(o: ResidualAssignmentOptions | RqVaeAssignmentOptions) {
  return {
    levels: o.levels,
    codebookSize: o.codebookSize,
    ...(o.iterations === undefined ? {} : { iterations: o.iterations }),
    ...(o.maxTrainRows === undefined ? {} : { maxTrainRows: o.maxTrainRows }),
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    normalize: o.normalize === true,
  };
}

function assignResidual(rows: Float32Array, dim: number, o: ResidualAssignmentOptions, progress: ProgressFactory): SemanticIdAssignment {
  const bar = progress(o.quantizer === undefined ? 'fitting and coding' : 'coding', 1, 'levels');
  let result: ReturnType<typeof fitSemanticIds>;
  try {
    result = fitSemanticIds(rows, dim, {
      ...residualSettings(o),
      ...(o.quantizer === undefined ? {} : { quantizer: o.quantizer }),
      onProgress: (done, total) => bar.update(done / total, done),
    });
  } finally {
    bar.stop();
  }
  const { ids } = result;
  return {
    method: 'residual',
    tokensOf: (r) => ids.tokens.subarray(r * ids.width, (r + 1) * ids.width),
    quantizer: result.quantizer,
    stats: ids.stats,
  };
}

function assignRqVae(rows: Float32Array, dim: number, o: RqVaeAssignmentOptions, progress: ProgressFactory): SemanticIdAssignment {
  // a given model is not trained again: its progress starts with coding
  let bar = o.model === undefined ? progress('training', o.epochs, 'epochs') : null;
  let coding: ReturnType<ProgressFactory> | null = null;
  let last: RqVaeEpoch | null = null;
  let result: ReturnType<typeof fitRqVaeSemanticIds>;
  try {
    result = fitRqVaeSemanticIds(rows, dim, {
      ...residualSettings(o),
      hidden: o.hidden,
      latent: o.latent,
      epochs: o.epochs,
      batchSize: o.batchSize,
      learningRate: o.learningRate,
      beta: o.beta,
      ...(o.model === undefined ? {} : { model: o.model }),
      onEpoch: (e) => {
        last = e;
        bar?.update(e.epoch, e.epoch);
      },
      onCoding: (done, total) => {
        if (coding === null) {
          bar?.stop();
          bar = null;
          coding = progress('coding', total, 'vectors');
        }
        coding.update(done, done);
      },
    });
  } finally {
    bar?.stop();
    (coding as ReturnType<ProgressFactory> | null)?.stop();
  }
  const { ids } = result;
  return {
    method: 'rq-vae',
    tokensOf: (r) => ids.tokens.subarray(r * ids.width, (r + 1) * ids.width),
    model: result.model,
    stats: ids.stats,
    lastEpoch: last,
  };
}

function assignHierarchical(
  rows: Float32Array,
  dim: number,
  o: HierarchicalAssignmentOptions,
  progress: ProgressFactory,
): SemanticIdAssignment {
  const input = unitRowsIf(o.normalize === true, rows, dim);
  if (o.tree !== undefined && o.tree.dim !== dim) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `the tree clusters ${o.tree.dim}-d vectors, the input has ${dim} dimensions`,
      { field: 'tree' },
      'code vectors of the model the tree was fitted on',
    );
  }
  const n = dim > 0 ? rows.length / dim : 0;
  const bar = progress(o.tree === undefined ? 'clustering' : 'coding', n, 'vectors');
  let ids: ReturnType<typeof fitHierarchicalIds>;
  try {
    const onRows = (placed: number): void => bar.update(placed, placed);
    ids =
      o.tree === undefined
        ? fitHierarchicalIds(
            input,
            dim,
            {
              branching: o.branching,
              leafSize: o.leafSize,
              ...(o.seed === undefined ? {} : { seed: o.seed }),
              ...(o.iterations === undefined ? {} : { iterations: o.iterations }),
              ...(o.maxTrainRows === undefined ? {} : { maxTrainRows: o.maxTrainRows }),
            },
            onRows,
          )
        : codeHierarchicalIds(o.tree.tree, input, dim, onRows);
  } finally {
    bar.stop();
  }
  return {
    method: 'hierarchical',
    tokensOf: (r) => ids.tokens.subarray(ids.offsets[r]!, ids.offsets[r + 1]!),
    tree: ids.tree,
    stats: ids.stats,
  };
}
