/** Learned-sparse search over a snapshot's sparse fields: each segment's index searched and merged, Rocchio feedback, explanations. */
import { QuarryError } from '../../core/quarry-error.js';
import { chooseSetting, DEFAULT_TARGET_RECALL, namesSearchParams } from '../../index/dense/recall-tuning.js';
import type { TopDocs } from '../../index/inverted/index.js';
import { sparseFamily } from '../../index/sparse/sparse-registry.js';
import { rocchioSparse, type RocchioParams } from '../../search/rocchio.js';
import type { CollectionSchema, SparseFieldSpec } from '../schema.js';
import type { SegmentFilter, SegmentSet } from './segment-set.js';

/** A snapshot's sparse retrieval. */
export class SparseRetrieval {
  constructor(
    private readonly schema: CollectionSchema,
    private readonly set: SegmentSet,
  ) {}

  /** The spec of sparse field `field`; BAD_ARGUMENT naming the sparse fields when it is not one. */
  spec(field: string): SparseFieldSpec {
    const spec = this.schema.fields[field];
    if (spec === undefined || spec.type !== 'sparse') {
      const names = Object.entries(this.schema.fields)
        .filter(([, f]) => f.type === 'sparse')
        .map(([n]) => n);
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${field}" is not a sparse field`,
        { field: 'field' },
        names.length > 0 ? `sparse fields: ${names.join(', ')}` : 'this collection has no sparse fields',
      );
    }
    return spec;
  }

  /**
   * Each segment's sparse top k (deleted and disallowed rows excluded), merged. Without explicit
   * search parameters, each Seismic segment searches with the cheapest setting its recall curve
   * says reaches `targetRecall` (else the field's, else the default).
   */
  top(
    field: string,
    weights: ReadonlyMap<string, number>,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: SegmentFilter,
    targetRecall?: number,
  ): TopDocs {
    // The indexes skip terms of weight <= 0, so a negative weight would be dropped rather than subtract.
    for (const [token, w] of weights) {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
        throw new QuarryError(
          'BAD_ARGUMENT',
          `weight of "${token}" is ${String(w)}`,
          { field: 'query' },
          'learned sparse weights are finite and >= 0',
        );
    }
    const spec = this.spec(field);
    const explicit = namesSearchParams(params, sparseFamily(spec.index).searchParams);
    const target = targetRecall ?? spec.targetRecall ?? DEFAULT_TARGET_RECALL;
    return this.set.mergeTop(k, (seg, i) => {
      const sf = seg.sparse.get(field)!;
      const tuned = explicit ? null : chooseSetting(seg.info.tuning?.[field], target, k);
      const p = tuned === null ? params : { ...params, ...tuned.params };
      // each family filters the way it scans: exact lists by flags, Seismic by an allow-list (the segment's cached live set when unfiltered)
      return sf.family.filterForm === 'allowed'
        ? sf.search(weights, k, p, null, this.set.allowList(i, allow))
        : sf.search(weights, k, p, this.set.exclusion(i, allow), null);
    });
  }

  /** A sparse leg, with Rocchio feedback from its own top documents when `prf` is given. */
  withFeedback(
    field: string,
    weights: ReadonlyMap<string, number>,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: SegmentFilter,
    prf: RocchioParams | undefined,
    targetRecall?: number,
  ): TopDocs {
    const first = this.top(field, weights, prf === undefined ? k : Math.max(k, prf.docs), params, allow, targetRecall);
    if (prf === undefined) return first;
    const feedback = Array.from(first.docs.subarray(0, prf.docs), (doc) => {
      const [seg, local] = this.set.locate(doc);
      return seg.sparse.get(field)!.documentVector(local);
    });
    return this.top(field, rocchioSparse(weights, feedback, prf), k, params, allow, targetRecall);
  }

  /** What each query token contributes to one document's score, largest first. */
  explain(field: string, weights: Readonly<Record<string, number>>, doc: number) {
    const [seg, local] = this.set.locate(doc);
    const v = seg.sparse.get(field)!.documentVector(local);
    return Object.entries(weights)
      .filter(([t]) => v.has(t))
      .map(([token, query]) => ({ token, query, document: v.get(token)!, score: query * v.get(token)! }))
      .sort((a, b) => b.score - a.score);
  }
}
