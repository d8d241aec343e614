/**
 * `quarry train-codes`: trains an ivfpq field's codebook for ranking (JPQ from judged queries,
 * Distill-VQ from queries alone or rows sampled as queries) or a binary field's binarizer (BEBR,
 * from queries alone or sampled rows) and commits the field re-encoded with it
 * (CollectionWriter.installCodebook).
 */
import { QuarryError } from '../core/quarry-error.js';
import type { ProgressFactory } from '../core/progress.js';
import { Collection } from '../collection/collection.js';
import type { CollectionWriter } from '../collection/writer.js';
import type { DenseFieldSpec } from '../collection/schema.js';
import type { Qrels } from '../eval/qrels.js';
import { normalizeRows } from '../kernels/dense-distance.js';
import { fitIvfProductQuantizer } from '../quantize/ivf-product-quantizer.js';
import { IVFPQ_DEFAULTS } from '../index/dense/ivfpq/params.js';
import {
  CODE_TRAINING_METHODS,
  trainIvfPqCodes,
  chooseAnisotropy,
  type CodeTrainingEpoch,
  type CodeTrainingMethod,
  type CodeTrainingOptions,
} from '../learn/trained-codes/ivfpq-code-training.js';
import { BINARIZER_METHODS, type BinarizerMethod } from '../learn/trained-codes/binarizer-file.js';
import { initialTrainedBinarizer, trainBinarizer, type TrainedBinarizer } from '../learn/trained-codes/binarizer-training.js';
import { exactNeighbours } from '../learn/trained-codes/exact-neighbours.js';
import { buildBinaryWithCodebook } from '../index/dense/binary/build.js';
import { BINARY_DEFAULTS, defaultBinaryCentroids, defaultBinaryRotate } from '../index/dense/binary/params.js';

/** The methods `trainFieldCodes` trains with: IVF-PQ codebooks (ivfpq fields) and binarizers (binary fields). */
export const FIELD_CODE_METHODS = { ...CODE_TRAINING_METHODS, ...BINARIZER_METHODS } as const;

/** A method of FIELD_CODE_METHODS. */
export type FieldCodeMethod = CodeTrainingMethod | BinarizerMethod;

/** What `trainFieldCodes` trains on and how. */
export interface TrainFieldCodesOptions extends Omit<CodeTrainingOptions, 'initial' | 'method' | 'progress'> {
  /** The collection folder. */
  dir: string;
  /** Its ivfpq field (jpq, distill-vq) or binary field (bebr). */
  field: string;
  method: FieldCodeMethod;
  /** BEBR: hidden units of each plane's encoder (default 64). */
  hidden?: number;
  /** BEBR: exact top rows the codes' own ranking is taken from while training (default 1,000). */
  poolDepth?: number;
  /** Query vectors (rows of the field's dimension), with their ids when judgments refer to them. */
  queries?: { vectors: Float32Array; ids?: readonly string[] };
  /** JPQ: judgments of the queries (grade above 0 is relevant). */
  qrels?: Qrels;
  /**
   * ScaNN's η for the field's codes (1: nearest sub-centroids). Default: for cosine and
   * inner-product fields the best of ANISOTROPY_CANDIDATES on the validation queries, 1 for l2
   * fields (the loss is about inner products).
   */
  anisotropy?: number;
  /** Distill-VQ and BEBR without queries: rows drawn as training queries (default min(5,000, rows / 4)); a tenth as many more validate. */
  sampleQueries?: number;
  progress?: ProgressFactory;
}

/** What was trained and committed. */
export interface TrainFieldCodesReport {
  field: string;
  method: FieldCodeMethod;
  /** How the codes are laid out, in words (cells and bytes, or planes, bits and centres). */
  layout: string;
  /** Bytes of codes per row. */
  bytesPerRow: number;
  /** The codebook's version and the generation that committed it. */
  version: number;
  generation: number;
  rows: number;
  trainQueries: number;
  validationQueries: number;
  /** IVF-PQ: cells and sub-quantizers. */
  nlist?: number;
  m?: number;
  /** IVF-PQ: the anisotropy η the codes are chosen with. */
  anisotropy?: number;
  /**
   * The validation measure (no rescoring): recall@10 against the float index (Distill-VQ) or nDCG@10
   * of the judged documents (JPQ), for k-means' codes and for the kept trained codes, and the epoch
   * kept (0: k-means').
   */
  measure: 'recall@10' | 'nDCG@10';
  initialMetric: number;
  metric: number;
  bestEpoch: number;
  epochs: CodeTrainingEpoch[];
  /** Training and re-encoding, in seconds. */
  trainSeconds: number;
  seconds: number;
}

/**
 * The anisotropies tried for cosine and inner-product fields when none is given: the one whose
 * k-means codes do best on the validation queries is kept (1: nearest codes).
 */
export const ANISOTROPY_CANDIDATES = [1, 2, 4, 8] as const;

function defaultM(dim: number): number {
  let m = Math.max(1, Math.round(dim / 4));
  while (dim % m !== 0) m--;
  return m;
}

function pickRows(rows: Float32Array, dim: number, picks: Int32Array): Float32Array {
  const out = new Float32Array(picks.length * dim);
  picks.forEach((r, i) => out.set(rows.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** Trains the codebook of `o.field` and commits the field encoded with it. */
export function trainFieldCodes(o: TrainFieldCodesOptions): TrainFieldCodesReport {
  const t0 = performance.now();
  if (!(o.method in FIELD_CODE_METHODS))
    throw new QuarryError(
      'BAD_ARGUMENT',
      `unknown method "${o.method}"`,
      { field: 'method' },
      `choose from ${Object.keys(FIELD_CODE_METHODS).join(', ')}`,
    );
  const c = Collection.open(o.dir);
  const spec = c.schema.fields[o.field];
  if (spec?.type !== 'dense')
    throw new QuarryError('BAD_ARGUMENT', `"${o.field}" is not a dense field`, { field: 'field' }, 'quarry info DIR lists the fields');
  if (o.method === 'bebr') return trainFieldBinarizer(o, c, spec, t0);
  if (spec.index !== 'ivfpq')
    throw new QuarryError(
      'BAD_ARGUMENT',
      `dense field "${o.field}" is indexed with ${spec.index}; ${o.method} codebooks are for ivfpq fields`,
      { field: 'field' },
      spec.index === 'binary' ? 'binary fields train a binarizer: --method bebr' : 'create the field with "index": "ivfpq"',
    );
  if (o.method === 'jpq' && (o.queries === undefined || o.qrels === undefined))
    throw new QuarryError(
      'BAD_ARGUMENT',
      'JPQ learns from judged queries: give queries and their qrels',
      { field: 'queries' },
      'or use distill-vq, which needs none',
    );
  const w = c.writer();
  try {
    const { rows, n, data } = trainingRows(w, o, spec);
    const dim = spec.dim;
    const m = spec.params.m ?? defaultM(dim);
    const nlist = Math.min(n, spec.params.nlist ?? Math.max(1, Math.round(Math.sqrt(n))));
    if (o.anisotropy !== undefined && !(o.anisotropy >= 1))
      throw new QuarryError('BAD_ARGUMENT', `anisotropy must be a number >= 1, got ${o.anisotropy}`, { field: 'anisotropy' });
    const fitted = fitIvfProductQuantizer(rows, dim, nlist, m, spec.params.seed ?? IVFPQ_DEFAULTS.seed);
    const metric = spec.metric === 'l2' ? 'l2' : 'dot';
    const anisotropy =
      o.anisotropy ??
      (metric === 'l2' ? 1 : chooseAnisotropy({ dim, metric, rows, ...data }, fitted, ANISOTROPY_CANDIDATES, o.nprobe).anisotropy);
    const initial = { ...fitted, anisotropy };
    const result = trainIvfPqCodes({ dim, metric, rows, ...data }, { ...o, initial, method: o.method, progress: o.progress });
    const generation = w.installCodebook(o.field, { method: o.method, quantizer: result.quantizer, queryMap: result.queryMap });
    return {
      field: o.field,
      method: o.method,
      layout: `${nlist} cells, ${m} bytes per row (anisotropy ${anisotropy})`,
      bytesPerRow: m,
      // installCodebook writes the version after the one the schema named
      version: (spec.codebook?.version ?? 0) + 1,
      generation,
      rows: n,
      trainQueries: data.queries.length / dim,
      validationQueries: data.validation.queries.length / dim,
      nlist,
      m,
      anisotropy,
      measure: result.measure,
      ...trainingFigures(result, t0),
    };
  } finally {
    w.close();
  }
}

/**
 * BEBR: trains a binary field's binarizer (rows placed as the field's params place them: planes,
 * centres, rotation) to reproduce the float index's ranking, measured on the validation queries by
 * the recall@10 of an index built with it, and commits the field re-coded with it.
 */
function trainFieldBinarizer(o: TrainFieldCodesOptions, c: Collection, spec: DenseFieldSpec, t0: number): TrainFieldCodesReport {
  if (spec.index !== 'binary')
    throw new QuarryError(
      'BAD_ARGUMENT',
      `dense field "${o.field}" is indexed with ${spec.index}; bebr binarizers are for binary fields`,
      { field: 'field' },
      spec.index === 'ivfpq' ? 'ivfpq fields train codebooks: --method distill-vq or jpq' : 'create the field with "index": "binary"',
    );
  if (o.qrels !== undefined)
    throw new QuarryError('BAD_ARGUMENT', 'bebr distils the float index and takes no judgments', { field: 'qrels' }, 'leave out the qrels');
  const w = c.writer();
  try {
    const { rows, n, data } = trainingRows(w, o, spec);
    const dim = spec.dim;
    const p = spec.params;
    if (p.variants !== undefined && p.variants > 1)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `field "${o.field}" codes rows in ${p.variants} bases; a trained binarizer codes every row in one`,
        { field: 'field' },
        'create the field with variants: 1',
      );
    const planes = p.planes ?? BINARY_DEFAULTS.planes;
    const layout = {
      planes,
      centroids: Math.min(n, p.centroids ?? defaultBinaryCentroids(n)),
      rotate: p.rotate === undefined ? defaultBinaryRotate(dim) : p.rotate !== 0,
      seed: p.seed ?? BINARY_DEFAULTS.seed,
      hidden: o.hidden ?? 64,
    };
    const initial = initialTrainedBinarizer(rows, dim, layout);
    const metric = spec.metric === 'l2' ? 'l2' : 'dot';
    const vq = data.validation.queries;
    const truth = exactNeighbours(rows, vq, dim, metric, 10).docs;
    const indexMetric = spec.metric;
    // validation as users will see it: recall@10 of an index coded with the binarizer, no rescoring
    const measure = (b: TrainedBinarizer): number => {
      const index = buildBinaryWithCodebook(
        rows,
        { ...p, dim, metric: indexMetric } as never,
        { method: 'bebr', version: 0, binarizer: b },
        false,
      );
      let sum = 0;
      for (let q = 0; q < vq.length / dim; q++) {
        const want = new Set(truth[q]!);
        let hit = 0;
        for (const id of index.search(vq.subarray(q * dim, (q + 1) * dim), 10, { rescore: 0 }).ids) if (want.has(id)) hit++;
        sum += hit / Math.max(1, want.size);
      }
      return sum / (vq.length / dim);
    };
    const result = trainBinarizer(
      { dim, metric, rows, queries: data.queries, queryRows: data.queryRows, validation: { queries: vq } },
      { ...o, initial, correction: (p.correction as unknown) !== 'none', measure, progress: o.progress },
    );
    const generation = w.installCodebook(o.field, { method: 'bebr', binarizer: result.binarizer });
    const bits = initial.binarizer.dim;
    const bytesPerRow = (planes * Math.ceil(bits / 32) * 32) / 8;
    return {
      field: o.field,
      method: 'bebr',
      layout: `${planes} plane${planes === 1 ? '' : 's'} of ${bits} bits (${bytesPerRow} bytes per row), ${initial.centres.length / dim} centres`,
      bytesPerRow,
      version: (spec.codebook?.version ?? 0) + 1,
      generation,
      rows: n,
      trainQueries: data.queries.length / dim,
      validationQueries: vq.length / dim,
      measure: 'recall@10',
      ...trainingFigures(result, t0),
    };
  } finally {
    w.close();
  }
}

/** The field's live and deleted rows (unit length for cosine fields) and the queries split off them; at least 256 rows. */
function trainingRows(
  w: CollectionWriter,
  o: TrainFieldCodesOptions,
  spec: DenseFieldSpec,
): { rows: Float32Array; n: number; data: ReturnType<typeof splitQueries> } {
  const { rows, ids, deleted } = w.fieldRows(o.field);
  const n = rows.length / spec.dim;
  if (n < 256) throw new QuarryError('EMPTY', `field "${o.field}" has ${n} rows; training codes needs at least 256`, { field: 'field' });
  if (spec.metric === 'cosine') normalizeRows(rows, spec.dim);
  return { rows, n, data: splitQueries(o, spec, rows, ids, deleted) };
}

/** A trainer's result as the report gives it. */
function trainingFigures(
  result: { initialMetric: number; best: { epoch: number; metric: number }; epochs: CodeTrainingEpoch[]; seconds: number },
  t0: number,
): Pick<TrainFieldCodesReport, 'initialMetric' | 'metric' | 'bestEpoch' | 'epochs' | 'trainSeconds' | 'seconds'> {
  return {
    initialMetric: result.initialMetric,
    metric: result.best.metric,
    bestEpoch: result.best.epoch,
    epochs: result.epochs,
    trainSeconds: result.seconds,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Training and validation queries: given ones split nine to one, or (Distill-VQ, BEBR) live rows drawn evenly. */
function splitQueries(
  o: TrainFieldCodesOptions,
  spec: DenseFieldSpec,
  rows: Float32Array,
  ids: readonly string[],
  deleted: Uint8Array,
): {
  queries: Float32Array;
  queryRows?: Int32Array;
  positives?: Int32Array[];
  validation: { queries: Float32Array; positives?: Int32Array[] };
} {
  const dim = spec.dim;
  if (o.queries === undefined) {
    const live = Int32Array.from({ length: deleted.length }, (_, i) => i).filter((i) => deleted[i] === 0);
    const want = Math.max(1, Math.min(o.sampleQueries ?? 5000, Math.floor(live.length / 4)));
    const valid = Math.max(1, Math.round(want / 10));
    const step = live.length / (want + valid);
    const picks = Int32Array.from({ length: want + valid }, (_, i) => live[Math.floor(i * step)]!);
    const train = picks.subarray(0, want);
    return {
      queries: pickRows(rows, dim, train),
      queryRows: train.slice(),
      validation: { queries: pickRows(rows, dim, picks.subarray(want)) },
    };
  }
  const vectors = o.queries.vectors.slice();
  if (vectors.length === 0 || vectors.length % dim !== 0)
    throw new QuarryError('BAD_ARGUMENT', `queries must be rows of the field's ${dim} dimensions`, { field: 'queries' });
  if (spec.metric === 'cosine') normalizeRows(vectors, dim);
  const nq = vectors.length / dim;
  let keep = Int32Array.from({ length: nq }, (_, i) => i);
  let positives: Int32Array[] | undefined;
  if (o.method === 'jpq') {
    const qids = o.queries.ids;
    if (qids === undefined || qids.length !== nq)
      throw new QuarryError('BAD_ARGUMENT', 'JPQ needs the id of every query, to find its judgments', { field: 'queries' });
    const rowOf = new Map<string, number>();
    ids.forEach((id, r) => {
      if (deleted[r] === 0) rowOf.set(id, r);
    });
    const all = qids.map((qid) => {
      const judged = o.qrels!.get(qid);
      const out: number[] = [];
      if (judged !== undefined)
        for (const [doc, grade] of judged) {
          const r = rowOf.get(doc);
          if (grade > 0 && r !== undefined) out.push(r);
        }
      return Int32Array.from(out);
    });
    keep = keep.filter((q) => all[q]!.length > 0);
    if (keep.length < 20)
      throw new QuarryError(
        'BAD_INPUT',
        `${keep.length} of the ${nq} queries have a relevant document in the field; JPQ needs at least 20`,
        { field: 'qrels' },
        'check that the qrels refer to these query and document ids',
      );
    positives = Array.from(keep, (q) => all[q]!);
  }
  const valid = Math.max(1, Math.round(keep.length / 10));
  const cut = keep.length - valid;
  return {
    queries: pickRows(vectors, dim, keep.subarray(0, cut)),
    positives: positives?.slice(0, cut),
    validation: { queries: pickRows(vectors, dim, keep.subarray(cut)), positives: positives?.slice(cut) },
  };
}
