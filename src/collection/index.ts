/** Collections: schema, writer, reader snapshots, segments and manifests. */
export { Collection, type CollectionInfo } from './collection.js';
export { CollectionWriter, type MergeReport, type WriterOptions } from './writer.js';
export { Snapshot, type QueryOptions } from './snapshot/snapshot.js';
export type { Hit, TextSearchOptions, TextSyntax, VectorSearchOptions } from './snapshot/search-options.js';
export type { Highlights } from './snapshot/spec-highlights.js';
export { answerOfHits, answerOfResult, type AnswerHit, type SearchAnswer } from './snapshot/search-answer.js';
export {
  BEIR_FLAT_SCHEMA,
  parseSchema,
  collectionSchemaSchema,
  type CollectionSchema,
  type SchemaInput,
  type FieldSpec,
  type TextFieldSpec,
  type DenseFieldSpec,
  type SparseFieldSpec,
} from './schema.js';
export { DocumentPreparer, type PreparedDocument, type MetadataValue } from './document.js';
export type { Manifest, SegmentInfo } from './manifest.js';
export { checkCollection, snapshotCollection, type CheckReport } from './maintenance.js';
export { fitFieldAdapter, type AdapterReport, type FieldAdapterOptions } from './drift-adapter-fit.js';
export { listFieldAdapters, readFieldAdapter, writeFieldAdapter, type FieldAdapter } from '../learn/drift/drift-adapter-file.js';
