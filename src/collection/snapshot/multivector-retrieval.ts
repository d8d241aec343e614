/** Late-interaction search over a snapshot's multi-vector fields: MaxSim (over MUVERA candidates when configured) and MaxSim reranking. */
import { QuarryError } from '../../core/quarry-error.js';
import { chooseSetting, DEFAULT_TARGET_RECALL } from '../../index/dense/recall-tuning.js';
import type { TopDocs } from '../../index/inverted/index.js';
import { rerankWithEarlyExit, type MultiVectorHits, type RerankParams } from '../../index/multivector/index.js';
import { multiVectorFields, type CollectionSchema, type MultiVectorFieldSpec } from '../schema.js';
import type { SegmentFilter, SegmentSet } from './segment-set.js';

/** A snapshot's multi-vector retrieval. */
export class MultiVectorRetrieval {
  constructor(
    private readonly schema: CollectionSchema,
    private readonly set: SegmentSet,
  ) {}

  /** The spec of multi-vector field `field`; BAD_ARGUMENT naming the multi-vector fields when it is not one. */
  spec(field: string): MultiVectorFieldSpec {
    const spec = this.schema.fields[field];
    if (spec === undefined || spec.type !== 'multivector') {
      const names = multiVectorFields(this.schema).map(([n]) => n);
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${field}" is not a multi-vector field`,
        { field: 'field' },
        names.length > 0 ? `multi-vector fields: ${names.join(', ')}` : 'this collection has no multi-vector fields',
      );
    }
    return spec;
  }

  /** Query token vectors as rows of one array, each checked for the field's dimension (`where` names them in errors). */
  tokenRows(field: string, vectors: readonly (readonly number[])[], where: string): Float32Array {
    const dim = this.spec(field).dim;
    const out = new Float32Array(vectors.length * dim);
    vectors.forEach((v, i) => {
      if (v.length !== dim)
        throw new QuarryError('BAD_ARGUMENT', `token vector ${i} has dimension ${v.length}, the field has ${dim}`, {
          field: `${where}[${i}]`,
        });
      out.set(v, i * dim);
    });
    return out;
  }

  /**
   * Each segment's MaxSim top k (deleted and disallowed rows excluded), merged. Without an
   * explicit `candidates`, each MUVERA segment proposes as many candidates as its recall curve
   * says reach `targetRecall` (else the field's, else the default).
   */
  top(
    field: string,
    tokens: Float32Array,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: SegmentFilter,
    targetRecall?: number,
  ): TopDocs {
    const { candidates, ...dense } = params;
    const target = targetRecall ?? this.spec(field).targetRecall ?? DEFAULT_TARGET_RECALL;
    return this.set.mergeTop(k, (seg, i) => {
      const index = seg.multi.get(field);
      if (index === undefined || index.size === 0) return null;
      const depth = candidates ?? chooseSetting(seg.info.tuning?.[field], target, k)?.params.candidates;
      return index.search(
        index.prepareQuery(tokens),
        k,
        { ...(depth !== undefined ? { candidates: depth } : {}), dense },
        this.set.allowList(i, allow),
      );
    });
  }

  /** Reranks global candidates by MaxSim (see search/pipeline.ts). */
  rerank(
    field: string,
    vectors: readonly (readonly number[])[],
    docs: ArrayLike<number>,
    scores: ArrayLike<number>,
    k: number,
    rules: RerankParams,
  ): MultiVectorHits {
    const tokens = this.tokenRows(field, vectors, 'rerank.multivector');
    const prepared = new Map<number, Float32Array>();
    return rerankWithEarlyExit(docs, scores, k, rules, (doc) => {
      const [seg, local] = this.set.locate(doc);
      const index = seg.multi.get(field)!;
      const s = this.set.segments.indexOf(seg);
      let q = prepared.get(s);
      if (q === undefined) prepared.set(s, (q = index.prepareQuery(tokens)));
      return index.maxSim(q, local);
    });
  }
}
