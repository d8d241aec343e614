/**
 * Nearest-neighbour search over a snapshot's dense fields: each segment's index
 * searched and merged, Rocchio feedback, drift adapters for vectors of a newer
 * model, exact reranking from stored rows, and the rows themselves.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { QuarryError } from '../../core/quarry-error.js';
import { loadFieldEncoder } from '../../encode/dense-text-encoder.js';
import { denseFamily } from '../../index/dense/dense-registry.js';
import { prepareQuery, similarity } from '../../index/dense/dense-similarity.js';
import { chooseSetting, DEEP_SEARCH, DEFAULT_TARGET_RECALL, namesSearchParams } from '../../index/dense/recall-tuning.js';
import type { TopDocs } from '../../index/inverted/index.js';
import { rerankWithEarlyExit, type MultiVectorHits, type RerankParams } from '../../index/multivector/index.js';
import {
  ADAPTERS_FOLDER,
  applyFieldAdapter,
  checkAdapterName,
  readFieldAdapter,
  type FieldAdapter,
} from '../../learn/drift/drift-adapter-file.js';
import { rocchioDense, type RocchioParams } from '../../search/rocchio.js';
import { denseFields, type CollectionSchema, type DenseFieldSpec } from '../schema.js';
import type { SegmentFilter, SegmentSet } from './segment-set.js';

/** What a dense rerank stage gives: the query as a vector or as text for the field's encoder, and the early-exit rules. */
export interface DenseRerankStage extends RerankParams {
  field: string;
  vector?: number[];
  text?: string;
}

/** A snapshot's dense retrieval. */
export class DenseRetrieval {
  /** Adapters read so far, with the file's modification time (a refitted adapter is read again). */
  private readonly adapters = new Map<string, { mtimeMs: number; adapter: FieldAdapter }>();

  constructor(
    private readonly dir: string,
    private readonly schema: CollectionSchema,
    private readonly set: SegmentSet,
  ) {}

  /** The spec of dense field `field`; BAD_ARGUMENT naming the dense fields when it is not one. */
  spec(field: string): DenseFieldSpec {
    const spec = this.schema.fields[field];
    if (spec === undefined || spec.type !== 'dense') {
      const dense = denseFields(this.schema).map(([n]) => n);
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${field}" is not a dense field`,
        { field: 'field' },
        dense.length > 0 ? `dense fields: ${dense.join(', ')}` : 'this collection has no dense fields',
      );
    }
    return spec;
  }

  /** Query text turned into a vector by the field's (synchronous) encoder. */
  encodeText(field: string, text: string): Float32Array {
    const spec = this.schema.fields[field] as DenseFieldSpec;
    return loadFieldEncoder(field, spec.encoder!, spec.dim).encodeQuery(text);
  }

  /**
   * Each segment's top k (deleted rows excluded, `allow[i]` restricting segment i
   * when given), merged into one top k of global documents. Without explicit search
   * parameters of the field's family, each segment searches with the cheapest setting its
   * recall curve says reaches `targetRecall` (else the field's, else the default).
   */
  top(
    field: string,
    q: Float32Array,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: SegmentFilter,
    targetRecall?: number,
  ): TopDocs {
    const spec = this.spec(field);
    const family = denseFamily(spec.index);
    const explicit = namesSearchParams(params, family.searchParams);
    const target = targetRecall ?? spec.targetRecall ?? DEFAULT_TARGET_RECALL;
    return this.set.mergeTop(k, (seg, i) => {
      const index = seg.dense.get(field);
      if (index === undefined || index.size === 0) return null;
      const tuned = explicit ? null : chooseSetting(seg.info.tuning?.[field], target, k);
      return index.search(q, k, { ...params, ...tuned?.params, allow: this.set.allowList(i, allow) });
    });
  }

  /** The recall@10 the segments' curves predict for a search of `field` fetching `depth` results aiming at `targetRecall` (see SegmentSet.expectedRecall). */
  expectedRecall(field: string, targetRecall?: number, depth = DEEP_SEARCH): number | null {
    return this.set.expectedRecall(field, targetRecall ?? this.spec(field).targetRecall ?? DEFAULT_TARGET_RECALL, depth);
  }

  /** A dense leg, with Rocchio feedback from its own top documents when `prf` is given. */
  withFeedback(
    field: string,
    q: Float32Array,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: SegmentFilter,
    prf: RocchioParams | undefined,
    targetRecall?: number,
  ): TopDocs {
    const first = this.top(field, q, prf === undefined ? k : Math.max(k, prf.docs), params, allow, targetRecall);
    if (prf === undefined) return first;
    const rows = Array.from(first.docs.subarray(0, prf.docs), (doc) => {
      const [seg, local] = this.set.locate(doc);
      const row = seg.dense.get(field)!.floatRow(local);
      if (row === null) throw new QuarryError('BAD_ARGUMENT', `the ${field} index keeps no float vectors for feedback`, { field: 'prf' });
      return row;
    });
    return this.top(field, rocchioDense(q, rows, prf), k, params, allow, targetRecall);
  }

  /** A new-model vector mapped into dense field `field`'s space by the collection's adapter `name`. */
  adapted(field: string, name: string, vector: ArrayLike<number>, where: string): Float32Array {
    checkAdapterName(name, 'adapter');
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(join(this.dir, ADAPTERS_FOLDER, `${name}.safetensors`)).mtimeMs;
    } catch {
      // missing: readFieldAdapter names the adapters there are
    }
    let cached = this.adapters.get(name);
    if (cached === undefined || cached.mtimeMs !== mtimeMs) {
      cached = { mtimeMs, adapter: readFieldAdapter(this.dir, name) };
      this.adapters.set(name, cached);
    }
    const a = cached.adapter;
    if (a.field !== field)
      throw new QuarryError('BAD_ARGUMENT', `adapter "${name}" maps into field "${a.field}", not "${field}"`, { field: 'adapter' });
    if (vector.length !== a.inputDim)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `vector has dimension ${vector.length}; adapter "${name}" maps ${a.inputDim}-dimensional vectors`,
        { field: where },
      );
    return applyFieldAdapter(a, vector);
  }

  /** Reranks global candidates by the exact similarity of a dense field's stored vectors (early-exit rules as for MaxSim). */
  rerank(stage: DenseRerankStage, docs: ArrayLike<number>, scores: ArrayLike<number>, k: number): MultiVectorHits {
    const spec = this.schema.fields[stage.field] as DenseFieldSpec;
    let q: Float32Array;
    if (stage.text !== undefined) {
      if (spec.encoder === undefined)
        throw new QuarryError('BAD_ARGUMENT', `"${stage.field}" has no encoder for text`, { field: 'rerank.text' }, 'give rerank.vector');
      q = loadFieldEncoder(stage.field, spec.encoder, spec.dim).encodeQuery(stage.text);
    } else q = Float32Array.from(stage.vector!);
    q = prepareQuery(q, spec.dim, spec.metric);
    return rerankWithEarlyExit(docs, scores, k, stage, (doc) => {
      const [seg, local] = this.set.locate(doc);
      const row = seg.dense.get(stage.field)!.floatRow(local);
      if (row === null)
        throw new QuarryError('BAD_ARGUMENT', `the ${stage.field} index keeps no float vectors to rescore`, { field: 'rerank.field' });
      return similarity(spec.metric, q, 0, row, 0, spec.dim);
    });
  }

  /** The live documents' vectors of a dense field, in document order, with their external ids (normalized for cosine fields, as indexed). */
  vectors(field: string): { ids: string[]; dim: number; rows: Float32Array } {
    const dim = this.spec(field).dim;
    const rows = new Float32Array(this.set.liveDocs * dim);
    const ids: string[] = [];
    for (const seg of this.set.segments) {
      const index = seg.dense.get(field);
      const all = index === undefined ? null : index.floatRows();
      if (all === null)
        throw new QuarryError('BAD_ARGUMENT', `the ${field} index of segment ${seg.info.name} keeps no float vectors`, { field: 'field' });
      for (let d = 0; d < seg.numDocs; d++) {
        if (seg.deleted !== null && seg.deleted[d] !== 0) continue;
        rows.set(all.subarray(d * dim, (d + 1) * dim), ids.length * dim);
        ids.push(seg.ids.text(d));
      }
    }
    return { ids, dim, rows };
  }
}
