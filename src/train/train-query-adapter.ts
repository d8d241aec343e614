/**
 * `quarry train-adapter`: trains a query-side map for a collection's dense
 * field against the field's index as it is (ADORE), from judged queries, and
 * saves it with the collection's drift adapters; a query leg names it
 * (`{"field": "emb", "text": "...", "adapter": "adore"}`).
 */
import { QuarryError } from '../core/quarry-error.js';
import { noProgress, type ProgressFactory } from '../core/progress.js';
import { Collection } from '../collection/collection.js';
import type { DenseFieldSpec } from '../collection/schema.js';
import { isAsyncEncoder, loadAsyncFieldEncoder, loadFieldEncoder } from '../encode/dense-text-encoder.js';
import { evaluateRun } from '../eval/evaluate.js';
import { readQrels } from '../eval/qrels.js';
import { judgedQueries } from './judged-queries.js';
import type { RunData } from '../eval/run.js';
import { readQueries } from '../io/beir.js';
import { checkAdapterName, writeFieldAdapter } from '../learn/drift/drift-adapter-file.js';
import {
  trainQueryAdapter,
  type QueryAdapterResult,
  type QueryAdapterTrainingOptions,
  type RankedDocs,
} from '../learn/retriever-training/query-adapter-training.js';

/** What `trainFieldQueryAdapter` reads and writes. */
export interface TrainQueryAdapterOptions extends Omit<QueryAdapterTrainingOptions, 'progress'> {
  /** The collection folder. */
  dir: string;
  /** Its dense field (with an encoder). */
  field: string;
  /** Training queries and judgments; optional validation judgments over the same queries file. */
  queries: string;
  qrels: string;
  devQrels?: string;
  /** The adapter's name (default "adore"). */
  name?: string;
  progress?: ProgressFactory;
}

/** What was trained and saved. */
export interface TrainQueryAdapterReport extends Omit<QueryAdapterResult, 'adapter'> {
  name: string;
  field: string;
  trainQueries: number;
  devQueries: number;
  seconds: number;
}

/** Encodes query texts with the field's own encoder (query side). */
async function encodeQueries(field: string, spec: DenseFieldSpec, texts: readonly string[]): Promise<Float32Array> {
  const out = new Float32Array(texts.length * spec.dim);
  if (isAsyncEncoder(spec.encoder!)) {
    const vs = await (await loadAsyncFieldEncoder(field, spec.encoder!, spec.dim)).encodeQueries(texts);
    vs.forEach((v, i) => out.set(v, i * spec.dim));
  } else {
    const enc = loadFieldEncoder(field, spec.encoder!, spec.dim);
    texts.forEach((t, i) => out.set(enc.encodeQuery(t), i * spec.dim));
  }
  return out;
}

/** Trains and saves the adapter; returns the report. */
export async function trainFieldQueryAdapter(o: TrainQueryAdapterOptions): Promise<TrainQueryAdapterReport> {
  const t0 = performance.now();
  const name = o.name ?? 'adore';
  checkAdapterName(name, 'name');
  const snap = Collection.open(o.dir).reader();
  try {
    const spec = snap.schema.fields[o.field];
    if (spec === undefined || spec.type !== 'dense')
      throw new QuarryError('BAD_ARGUMENT', `"${o.field}" is not a dense field of the collection`, { field: 'field' });
    if (spec.encoder === undefined)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `dense field "${o.field}" has no encoder, so its queries have no text-to-vector model to adapt`,
        { field: 'field' },
        'train adapters for fields that name an encoder in the schema',
      );
    const { ids, dim, rows } = snap.denseVectors(o.field);
    const rowOf = new Map(ids.map((id, r) => [id, r] as const));
    const queryText = readQueries(o.queries);
    const train = judgedQueries(readQrels(o.qrels), queryText, rowOf);
    if (train.qids.length === 0)
      throw new QuarryError(
        'BAD_INPUT',
        'no query of the qrels has a relevant document in the collection (and a text in the queries file)',
        { file: o.qrels },
        'check that the qrels, queries and collection belong together',
      );
    const search = (v: Float32Array, k: number): RankedDocs => {
      const hits = snap.searchVector(o.field, v, { k, includeStored: false });
      return { docs: Int32Array.from(hits, (h) => rowOf.get(h.id)!), scores: Float64Array.from(hits, (h) => h.score) };
    };
    let validation: { queries: Float32Array; measure(r: RankedDocs[]): number } | undefined;
    let devQueries = 0;
    if (o.devQrels !== undefined) {
      const devQrels = readQrels(o.devQrels);
      const devIds = [...devQrels.keys()].filter((q) => queryText.has(q));
      devQueries = devIds.length;
      validation = {
        queries: await encodeQueries(
          o.field,
          spec,
          devIds.map((q) => queryText.get(q)!),
        ),
        measure(ranked) {
          const run: RunData = new Map();
          devIds.forEach((q, i) =>
            run.set(q, { docnos: Array.from(ranked[i]!.docs, (d) => ids[d]!), scores: Array.from(ranked[i]!.scores) }),
          );
          const v = evaluateRun(devQrels, run, { measures: ['ndcg_cut.10'], averageComplete: true }).all.get('ndcg_cut_10');
          return typeof v === 'number' ? v : 0;
        },
      };
    }
    const normalize = spec.metric === 'cosine';
    const trainVectors = await encodeQueries(
      o.field,
      spec,
      train.qids.map((q) => queryText.get(q)!),
    );
    const result = trainQueryAdapter(
      { dim, queries: trainVectors, positives: train.positives, docs: rows, normalize, search, validation },
      { ...o, progress: o.progress ?? noProgress },
    );
    writeFieldAdapter(o.dir, { ...result.adapter, name, field: o.field, normalizeInput: false });
    return {
      name,
      field: o.field,
      epochs: result.epochs,
      initial: result.initial,
      best: result.best,
      trainQueries: train.qids.length,
      devQueries,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    snap.close();
  }
}
