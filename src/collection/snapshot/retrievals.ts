/** The per-kind retrievals of one snapshot, built together over its segments. */
import type { Analyzer } from '../../text/analyzer.js';
import type { CollectionSchema } from '../schema.js';
import { DenseRetrieval } from './dense-retrieval.js';
import { MultiVectorRetrieval } from './multivector-retrieval.js';
import type { SegmentSet } from './segment-set.js';
import { SparseRetrieval } from './sparse-retrieval.js';
import { TextRetrieval } from './text-retrieval.js';

/** What a snapshot searches with: one retrieval per kind of field. */
export interface Retrievals {
  readonly set: SegmentSet;
  readonly text: TextRetrieval;
  readonly dense: DenseRetrieval;
  readonly sparse: SparseRetrieval;
  readonly multi: MultiVectorRetrieval;
}

/** The retrievals of a snapshot's segments. */
export function createRetrievals(
  dir: string,
  schema: CollectionSchema,
  analyzers: ReadonlyMap<string, Analyzer>,
  set: SegmentSet,
): Retrievals {
  return {
    set,
    text: new TextRetrieval(schema, analyzers, set),
    dense: new DenseRetrieval(dir, schema, set),
    sparse: new SparseRetrieval(schema, set),
    multi: new MultiVectorRetrieval(schema, set),
  };
}
