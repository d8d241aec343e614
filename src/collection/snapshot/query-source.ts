/**
 * The query pipeline's view of a snapshot (search/pipeline.ts's QuerySource): each
 * leg of a query spec runs on the retrieval of its field's kind, with the spec's
 * filter pushed into every segment.
 */
import { QuarryError } from '../../core/quarry-error.js';
import { checkQueryDimension } from '../../index/dense/dense-similarity.js';
import { DEFAULT_TARGET_RECALL, namesSearchParams } from '../../index/dense/recall-tuning.js';
import { denseFamily } from '../../index/dense/dense-registry.js';
import { MULTIVECTOR_FAMILY } from '../../index/multivector/multivector-family.js';
import { checkSearchParams } from '../../index/param-ranges.js';
import { sparseFamily } from '../../index/sparse/sparse-registry.js';
import type { CalibrationModel } from '../../search/calibration.js';
import type { QuerySource } from '../../search/pipeline.js';
import { legTextFields } from '../../search/query-spec.js';
import { resolveRm3Params } from '../../search/rm3.js';
import type { CollectionSchema, DenseFieldSpec } from '../schema.js';
import type { Retrievals } from './retrievals.js';

/**
 * The QuerySource of a snapshot's retrievals; `calibration` reads the collection's calibration
 * and `flagged` its audit's flagged documents, when a spec needs them.
 */
export function snapshotQuerySource(
  schema: CollectionSchema,
  r: Retrievals,
  calibration: () => CalibrationModel | null,
  flagged: () => ReadonlySet<number> | null,
): QuerySource {
  const { set } = r;
  return {
    fields: schema.fields,
    segmentCount: set.segments.length,
    segmentSize: (i) => set.segments[i]!.numDocs,
    segmentBase: (i) => set.bases[i]!,
    segmentColumns: (i) => set.segments[i]!.columns,
    id: (doc) => set.id(doc),
    stored: (doc) => set.stored(doc),
    explainText: (fields, text, doc, syntax) => r.text.explain(fields, text, doc, syntax),
    retrieve: (leg, k, allow) => {
      const params = leg.params ?? {};
      if (leg.text !== undefined && schema.fields[leg.field]?.type === 'dense') {
        const spec = schema.fields[leg.field] as DenseFieldSpec;
        checkSearchParams(params, denseFamily(spec.index).searchParams, spec.index);
        const encoded = r.dense.encodeText(leg.field, leg.text);
        const q = leg.adapter !== undefined ? r.dense.adapted(leg.field, leg.adapter, encoded, 'retrieve.text') : encoded;
        return r.dense.withFeedback(leg.field, q, k, params, allow, leg.prf, leg.targetRecall);
      }
      if (leg.adapter !== undefined && leg.text !== undefined)
        throw new QuarryError('BAD_ARGUMENT', `adapters map dense vectors; "${leg.field}" is not a dense field`, {
          field: 'retrieve.adapter',
        });
      if (leg.text !== undefined && leg.rm3 !== undefined) {
        const terms = r.text.rm3Terms(leg.text, leg.field, resolveRm3Params(leg.rm3), allow);
        return r.text.searchTerms(terms, k, leg.mode ?? 'auto', allow);
      }
      if (leg.text !== undefined)
        return r.text.searchText(leg.text, legTextFields(leg), leg.syntax ?? 'terms', k, leg.mode ?? 'auto', allow);
      if (leg.vector !== undefined) {
        const spec = schema.fields[leg.field] as DenseFieldSpec;
        checkSearchParams(params, denseFamily(spec.index).searchParams, spec.index);
        const q =
          leg.adapter !== undefined
            ? r.dense.adapted(leg.field, leg.adapter, leg.vector, 'retrieve.vector')
            : Float32Array.from(leg.vector);
        checkQueryDimension(q.length, spec.dim, 'retrieve.vector');
        return r.dense.withFeedback(leg.field, q, k, params, allow, leg.prf, leg.targetRecall);
      }
      if (leg.multivector !== undefined) {
        const spec = r.multi.spec(leg.field);
        checkSearchParams(params, MULTIVECTOR_FAMILY.searchParamsFor(spec.muvera?.index), 'this multi-vector field', 'it takes');
        return r.multi.top(
          leg.field,
          r.multi.tokenRows(leg.field, leg.multivector, 'retrieve.multivector'),
          k,
          params,
          allow,
          leg.targetRecall,
        );
      }
      const spec = r.sparse.spec(leg.field);
      checkSearchParams(params, sparseFamily(spec.index).searchParams, spec.index);
      return r.sparse.withFeedback(leg.field, new Map(Object.entries(leg.sparse!)), k, params, allow, leg.prf, leg.targetRecall);
    },
    calibration,
    flagged,
    expectedRecall: (leg, k) => {
      const spec = schema.fields[leg.field];
      let tunable: object;
      if (spec?.type === 'dense') tunable = denseFamily(spec.index).searchParams;
      else if (spec?.type === 'sparse') tunable = sparseFamily(spec.index).searchParams;
      else if (spec?.type === 'multivector') tunable = { candidates: null };
      else return null;
      // explicit parameters replace the measured setting, and what they reach is unknown
      if (namesSearchParams(leg.params, tunable)) return null;
      return r.set.expectedRecall(leg.field, leg.targetRecall ?? spec.targetRecall ?? DEFAULT_TARGET_RECALL, k);
    },
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
