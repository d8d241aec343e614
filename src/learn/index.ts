/**
 * Quarry's small learned components, for use on their own: k-means, product
 * and residual quantizers, RQ-VAE, and semantic ids (residual codes as TIGER,
 * hierarchical k-means paths as DSI), and drift adapters between embedding
 * models.
 *
 * @example
 * import { fitSemanticIds } from 'quarry/learn';
 * const { ids } = fitSemanticIds(vectors, 768, { levels: 3, codebookSize: 256, normalize: true });
 * ids.tokens.subarray(0, ids.width); // the first document's id, e.g. [17, 203, 88, 0]
 */
export { kmeans, type KMeansOptions, type KMeansResult } from '../quantize/kmeans.js';
export {
  fitProductQuantizer,
  encodeProduct,
  productQuantizer,
  subspaceStarts,
  type ProductQuantizer,
} from '../quantize/product-quantizer.js';
export {
  fitResidualQuantizer,
  encodeResidual,
  reconstructResidual,
  MAX_CODEBOOK_SIZE,
  type ResidualQuantizer,
  type ResidualQuantizerOptions,
  type ResidualCodes,
} from './semantic-ids/residual-quantizer.js';
export { readResidualQuantizer, writeResidualQuantizer } from './semantic-ids/residual-quantizer-file.js';
export {
  codeHierarchicalIds,
  fitHierarchicalIds,
  routeHierarchical,
  type HierarchicalIds,
  type HierarchicalIdOptions,
  type HierarchicalIdStats,
  type HierarchyNode,
} from './semantic-ids/hierarchical-ids.js';
export { readHierarchy, writeHierarchy } from './semantic-ids/hierarchical-ids-file.js';
export {
  fitDriftAdapter,
  applyDriftAdapter,
  DRIFT_ADAPTER_KINDS,
  type DriftAdapter,
  type DriftAdapterKind,
  type DriftAdapterOptions,
} from './drift/drift-adapter.js';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.js';
export { normalizeRows } from '../kernels/dense-distance.js';
export {
  fitSemanticIds,
  fitRqVaeSemanticIds,
  disambiguateCodes,
  type SemanticIds,
  type SemanticIdStats,
  type SemanticIdOptions,
  type RqVaeSemanticIdOptions,
} from './semantic-ids/semantic-ids.js';
export { fitRqVae, encodeRqVaeLatents, decodeRqVaeLatents, type RqVae, type RqVaeOptions, type RqVaeEpoch } from './semantic-ids/rq-vae.js';
export { readRqVae, writeRqVae } from './semantic-ids/rq-vae-file.js';
export type { DenseLayer } from './dense-stack.js';
export {
  trainIvfPqCodes,
  CODE_TRAINING_METHODS,
  type CodeTrainingMethod,
  type CodeTrainingData,
  type CodeTrainingOptions,
  type CodeTrainingResult,
  type CodeTrainingEpoch,
  type QueryMap,
} from './trained-codes/ivfpq-code-training.js';
export {
  readCodebookFile,
  writeCodebook,
  codebookPath,
  isBinaryCodebook,
  type IvfPqCodebook,
  type BinaryCodebook,
  type FieldCodebook,
} from './trained-codes/codebook-file.js';
export {
  trainBinarizer,
  initialTrainedBinarizer,
  type TrainedBinarizer,
  type BinarizerLayout,
  type BinarizerTrainingData,
  type BinarizerTrainingOptions,
  type BinarizerTrainingResult,
  type BinarizerTrainingEpoch,
} from './trained-codes/binarizer-training.js';
export { BINARIZER_METHODS, type BinarizerMethod } from './trained-codes/binarizer-file.js';
export {
  trainCompatibleQueryBinarizer,
  encodeCompatibleQuery,
  type CompatibleQueryBinarizer,
  type CompatibleQueryCode,
  type CompatibleTrainingData,
  type CompatibleTrainingOptions,
  type CompatibleTrainingResult,
} from './trained-codes/compatible-binarizer.js';
export { randomizedTopSubspace, type TopSubspace, type RandomizedSvdOptions } from './low-rank/randomized-svd.js';
export { encodeLowRankRows, reconstructLowRankRow, LowRankScorer, type LowRankRows } from './low-rank/low-rank-rows.js';
export { fitIvfProductQuantizer, encodeIvfPq, type IvfProductQuantizer, type IvfPqCodes } from '../quantize/ivf-product-quantizer.js';
