/** Multi-vector (late-interaction) fields: MaxSim, MUVERA encodings, reranking with early exit. */
export {
  muveraParamsSchema,
  fdeDimension,
  type MuveraParams,
  type TokenStorage,
  type MultiVectorSearchParams,
  type RerankParams,
} from './params.js';
export { FdeEncoder } from './fde.js';
export { buildMultiVector, type MultiVectorBuildParams } from './build.js';
export { MultiVectorIndex, rerankWithEarlyExit, type MultiVectorData, type MultiVectorHits } from './multivector-index.js';
export { writeMultiVector, readMultiVector } from './format.js';
