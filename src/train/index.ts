/**
 * `quarry/learn`: Quarry's learned components for use on their own, and the
 * training of retrievers. Quantizers, semantic ids and drift adapters come
 * from the `learn` room; `trainRetriever` (files in, a Model2Vec folder out),
 * `trainStaticEncoder` (the loop over token ids), the losses and the
 * pre-training tasks are the training side.
 *
 * @example
 * import { trainRetriever } from 'quarry/learn';
 * const report = await trainRetriever({ corpus: 'corpus.jsonl', output: './model' });
 * // index with {"type": "dense", "dim": 256, "encoder": {"type": "model2vec", "path": "./model", "from": ["title", "text"]}}
 */
export * from '../learn/index.js';
export { trainRetriever, NEGATIVE_SOURCES, type TrainRetrieverOptions, type TrainRetrieverReport } from './train-retriever.js';
export { bm25Candidates } from './bm25-candidates.js';
export {
  trainStaticEncoder,
  validate,
  type JudgedQueries,
  type Validation,
  type RetrieverTrainingOptions,
  type EpochReport,
  type TrainingReport,
  type NegativeSource,
} from '../learn/retriever-training/train-static-encoder.js';
export { tokenBm25Teacher, type PairTeacher } from '../learn/retriever-training/pair-teacher.js';
export { PRETRAINING_TASKS, type PretrainingTask } from '../learn/retriever-training/pretraining-tasks.js';
export { LOSSES, LOSS_NAMES, trainingLoss, lossByName, type LossName, type LossOptions } from '../learn/losses/loss-registry.js';
export { RELEVANT, NOT_RELEVANT, IGNORED, type CandidateList, type RankingLoss } from '../learn/losses/ranking-loss.js';
export { StaticEncoderModel, type StaticEncoderInit } from '../learn/static-encoder/static-encoder-model.js';
export { writeStaticEncoderFolder } from '../learn/static-encoder/static-encoder-folder.js';
export { TokenizedTextsBuilder, tokenIdf, type TokenizedTexts } from '../learn/static-encoder/tokenized-texts.js';
export { WordCounter, wordPieceTokenizerJson, type TokenizerJson } from '../learn/static-encoder/word-vocabulary.js';
export { trainFieldQueryAdapter, type TrainQueryAdapterOptions, type TrainQueryAdapterReport } from './train-query-adapter.js';
export {
  trainFieldCodes,
  FIELD_CODE_METHODS,
  type FieldCodeMethod,
  type TrainFieldCodesOptions,
  type TrainFieldCodesReport,
} from './train-codes.js';
export {
  trainQueryAdapter,
  type QueryAdapterData,
  type QueryAdapterResult,
  type QueryAdapterTrainingOptions,
  type RankedDocs,
} from '../learn/retriever-training/query-adapter-training.js';
