/**
 * The query pipeline's view of a snapshot (search/pipeline.ts's QuerySource): each
 * leg of a query spec runs on the retrieval of its field's kind, with the spec's
 * filter pushed into every segment.
 */
import { QuarryError } from '../../core/quarry-error.js';
import type { CalibrationModel } from '../../search/calibration.js';
import type { QuerySource } from '../../search/pipeline.js';
import type { CollectionSchema, DenseFieldSpec } from '../schema.js';
import type { Retrievals } from './retrievals.js';

/** The QuerySource of a snapshot's retrievals; `calibration` reads the collection's calibration when a spec needs it. */
export function snapshotQuerySource(schema: CollectionSchema, r: Retrievals, calibration: () => CalibrationModel | null): QuerySource {
  const { set } = r;
  return {
    fields: schema.fields,
    segmentCount: set.segments.length,
    segmentSize: (i) => set.segments[i]!.numDocs,
    segmentBase: (i) => set.bases[i]!,
    segmentColumns: (i) => set.segments[i]!.columns,
    id: (doc) => set.id(doc),
    stored: (doc) => set.stored(doc),
    explainText: (field, text, doc, syntax) => r.text.explain(field, text, doc, syntax),
    retrieve: (leg, k, allow) => {
      const params = leg.params ?? {};
      if (leg.text !== undefined && schema.fields[leg.field]?.type === 'dense')
        return r.dense.withFeedback(leg.field, r.dense.encodeText(leg.field, leg.text), k, params, allow, leg.prf);
      if (leg.text !== undefined) return r.text.searchText(leg.text, [leg.field], leg.syntax ?? 'terms', k, 'auto', allow);
      if (leg.vector !== undefined) {
        const spec = schema.fields[leg.field] as DenseFieldSpec;
        const q =
          leg.adapter !== undefined
            ? r.dense.adapted(leg.field, leg.adapter, leg.vector, 'retrieve.vector')
            : Float32Array.from(leg.vector);
        if (q.length !== spec.dim)
          throw new QuarryError('BAD_ARGUMENT', `vector has dimension ${q.length}, the field has ${spec.dim}`, {
            field: 'retrieve.vector',
          });
        return r.dense.withFeedback(leg.field, q, k, params, allow, leg.prf);
      }
      if (leg.multivector !== undefined)
        return r.multi.top(leg.field, r.multi.tokenRows(leg.field, leg.multivector, 'retrieve.multivector'), k, params, allow);
      return r.sparse.withFeedback(leg.field, new Map(Object.entries(leg.sparse!)), k, params, allow, leg.prf);
    },
    calibration,
    explainSparse: (field, weights, doc) => r.sparse.explain(field, weights, doc),
    rerank: (stage, docs, scores, k) => {
      const out =
        stage.multivector !== undefined
          ? r.multi.rerank(stage.field, stage.multivector, docs, scores, k, stage)
          : r.dense.rerank(stage, docs, scores, k);
      return { docs: out.ids, scores: out.scores, scored: out.scored };
    },
  };
}
