/**
 * A reader snapshot: the segments of one committed generation, opened once.
 * Searching never blocks writing; a later commit is seen by opening a new
 * snapshot.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import {
  Bm25Searcher,
  compileTermPattern,
  textQueryTerms,
  type QueryTerm,
  type SearchMode,
  type TextQuery,
  type TopDocs,
} from '../index/inverted/index.js';
import { parseQuerySyntax } from '../search/query-syntax.js';
import { compileTextQuery, describeTextQuery } from '../search/text-query-compiler.js';
import { QuarryError } from '../core/quarry-error.js';
import type { Analyzer } from '../text/analyzer.js';
import type { Manifest } from './manifest.js';
import {
  denseFields,
  multiVectorFields,
  textFields,
  type CollectionSchema,
  type DenseFieldSpec,
  type MultiVectorFieldSpec,
} from './schema.js';
import { loadAsyncFieldEncoder, loadFieldEncoder } from '../encode/dense-text-encoder.js';
import { loadSparseFieldEncoder, loadTokenFieldEncoder, tokenRowsOf } from '../encode/field-encoders.js';
import { isAsyncField } from './document.js';
import { rerankWithEarlyExit, type MultiVectorHits, type RerankParams } from '../index/multivector/index.js';
import { denseFamily } from '../index/dense/dense-registry.js';
import { checkSearchParams, POSITIVE_INTEGER } from '../index/param-ranges.js';
import { SEISMIC_SEARCH_PARAMS } from '../index/sparse/seismic/params.js';
import {
  ADAPTERS_FOLDER,
  applyFieldAdapter,
  checkAdapterName,
  readFieldAdapter,
  type FieldAdapter,
} from '../learn/drift/drift-adapter-file.js';
import { prepareQuery, similarity } from '../index/dense/dense-similarity.js';
import { readCalibration } from './calibration-file.js';
import type { CalibrationModel } from '../search/calibration.js';
import { rocchioDense, rocchioSparse, type RocchioParams } from '../search/rocchio.js';
import { TopKHeap } from '../kernels/top-k-heap.js';
import { Bitset } from '../kernels/bitset.js';
import { runParsedQuery, runQuery, type PipelineResult, type QuerySource } from '../search/pipeline.js';
import { parseQuerySpec, type QuerySpec } from '../search/query-spec.js';
import { rerankWithCrossEncoder } from '../search/cross-encoder-stage.js';
import { resolveRm3Params, rm3Expand, type Rm3Params } from '../search/rm3.js';
import { analyzersOf, Segment } from './segment.js';

/** Options of a text search. */
export interface TextSearchOptions {
  /** Number of results (default 10). */
  k?: number;
  /** Text fields to search, with optional boosts (default: every text field, boost 1). */
  fields?: readonly string[] | Readonly<Record<string, number>>;
  /** `auto` (default), `pruned` or `exhaustive`; all return the same results. */
  mode?: SearchMode;
  /** Include stored properties in each hit (default true). */
  includeStored?: boolean;
  /**
   * `terms` (default): the text is a bag of words, as Anserini searches.
   * `lucene`: Lucene's classic query syntax: "phrases", +required, -excluded,
   * AND/OR/NOT, (groups), field:word, prefix*, wild?card*, /regexp/, [a TO b], fuzzy~, ^boosts (see search/query-syntax.ts).
   */
  syntax?: TextSyntax;
}

/** How query text is read: a bag of words, or Lucene's classic query syntax. */
export type TextSyntax = 'terms' | 'lucene';

/** Options of a dense vector search. */
export interface VectorSearchOptions {
  k?: number;
  /** Search parameters of the field's index family (e.g. { efSearch: 128 }). */
  params?: Readonly<Record<string, number>>;
  includeStored?: boolean;
  /**
   * Dense fields: the name of a drift adapter saved with the collection
   * (`quarry adapter`); the vector is a newer model's and is mapped into the
   * field's space first.
   */
  adapter?: string;
}

/** One search result. */
export interface Hit {
  /** External document id. */
  id: string;
  /** BM25 score (float32 value, as Lucene computes it). */
  score: number;
  /** Global document number in this snapshot. */
  doc: number;
  /** Stored properties, when requested. */
  stored?: Record<string, unknown>;
}

/** A consistent view of one generation of a collection. */
export class Snapshot {
  readonly segments: Segment[];
  readonly schema: CollectionSchema;
  readonly analyzers: Map<string, Analyzer>;
  private readonly bases: number[] = [];
  private readonly searcher: Bm25Searcher;

  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
    verifyChecksums = true,
    /**
     * An earlier snapshot of the same collection: segments whose files have not
     * changed are taken from it instead of being read again (only changed
     * deleted flags are read), so reopening after a commit reads what is new.
     */
    previous: Snapshot | null = null,
  ) {
    this.schema = manifest.schema;
    this.analyzers = analyzersOf(this.schema);
    // a closed snapshot has released its segments' files: nothing can be taken from it
    const earlier =
      previous !== null && !previous.closed && previous.dir === dir && JSON.stringify(previous.schema) === JSON.stringify(this.schema)
        ? previous.segments
        : [];
    this.segments = manifest.segments.map((info) => {
      const same = earlier.find((s) => s.info.name === info.name && JSON.stringify(s.info.files) === JSON.stringify(info.files));
      if (same === undefined) return new Segment(dir, info, this.schema, verifyChecksums);
      // unchanged deleted flags too: the very same segment (its live-document bitset included)
      if (JSON.stringify(same.info.deletes) === JSON.stringify(info.deletes)) return same;
      return new Segment(dir, info, this.schema, verifyChecksums, undefined, same);
    });
    for (const s of this.segments) s.retain();
    let base = 0;
    for (const s of this.segments) {
      this.bases.push(base);
      base += s.numDocs;
    }
    const params = new Map(textFields(this.schema).map(([name, spec]) => [name, { k1: spec.k1, b: spec.b }]));
    this.searcher = new Bm25Searcher(
      this.segments.map((s, i) => ({ base: this.bases[i]!, numDocs: s.numDocs, fields: s.fields, deleted: s.deleted })),
      params,
    );
  }

  private isClosed = false;

  /** True once {@link Snapshot.close} has been called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Releases the files this snapshot holds open (rescoring floats left on disk)
   * as soon as no other snapshot shares them: segments taken over by a newer
   * snapshot (`reader({ previous })`) stay open for it. Without close() they are
   * released when the snapshot is garbage-collected. Searching a closed snapshot
   * is an error; closing twice does nothing.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const s of this.segments) s.release();
  }

  private checkOpen(): void {
    if (this.isClosed)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `this snapshot (generation ${this.manifest.generation}) is closed`,
        {},
        'open a new one with collection.reader()',
      );
  }

  /** Number of live (not deleted) documents. */
  get numDocs(): number {
    let n = 0;
    for (const s of this.segments) n += s.liveDocs;
    return n;
  }

  /** True when global document `doc` is deleted. */
  isDeleted(doc: number): boolean {
    const [seg, local] = this.locate(doc);
    return seg.deleted !== null && seg.deleted[local] !== 0;
  }

  /** Generation of the manifest this snapshot reads. */
  get generation(): number {
    return this.manifest.generation;
  }

  /**
   * Analyzes query text into weighted terms: one term per distinct analyzed
   * token per field, boosted by its count times the field boost (Anserini's
   * bag-of-words query).
   */
  queryTerms(text: string, fields?: TextSearchOptions['fields']): QueryTerm[] {
    const boosts = this.fieldBoosts(fields);
    const terms: QueryTerm[] = [];
    for (const [field, boost] of boosts) {
      const counts = new Map<string, number>();
      this.analyzers.get(field)!.forEachTerm(text, (t) => counts.set(t, (counts.get(t) ?? 0) + 1));
      for (const [term, c] of counts) terms.push({ field, term, boost: c * boost });
    }
    return terms;
  }

  /** BM25 search over the text fields. */
  search(text: string, opts: TextSearchOptions = {}): Hit[] {
    if (typeof text !== 'string')
      throw new QuarryError('BAD_ARGUMENT', `query text must be a string, got ${typeof text}`, { field: 'text' });
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    if (opts.syntax !== undefined && opts.syntax !== 'terms' && opts.syntax !== 'lucene') {
      throw new QuarryError('BAD_ARGUMENT', `syntax must be "terms" or "lucene", not ${JSON.stringify(opts.syntax)}`, { field: 'syntax' });
    }
    if (opts.syntax === 'lucene') {
      const mode = opts.mode ?? 'auto';
      if (mode !== 'auto' && mode !== 'pruned' && mode !== 'exhaustive')
        throw new QuarryError('BAD_ARGUMENT', `mode must be "auto", "pruned" or "exhaustive", not ${JSON.stringify(mode)}`, {
          field: 'mode',
        });
      const q = this.textQuery(text, opts.fields);
      return q === null ? [] : this.hitsOf(this.searcher.searchQuery(q, k, undefined, mode), opts.includeStored ?? true);
    }
    return this.searchTerms(this.queryTerms(text, opts.fields), k, opts.mode ?? 'auto', opts.includeStored ?? true);
  }

  /**
   * Searches a structured query built in code (terms already analyzed, as
   * `analyzers.get(field).analyze(word)` gives them), scored as the same query
   * written in Lucene syntax would be.
   *
   * @example
   * snap.searchTextQuery({ kind: 'bool', must: [{ kind: 'phrase', field: 'contents', terms: ['black', 'cat'], offsets: [0, 1], slop: 0, boost: 1 }], should: [], mustNot: [{ kind: 'term', field: 'contents', term: 'dog', boost: 1 }] }, { k: 5 });
   */
  searchTextQuery(query: TextQuery, opts: { k?: number; includeStored?: boolean } = {}): Hit[] {
    this.checkOpen();
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    this.checkTextQuery(query, 'query');
    return this.hitsOf(this.searcher.searchQuery(query, k), opts.includeStored ?? true);
  }

  private checkTextQuery(q: TextQuery, path: string): void {
    const bad = (what: string): never => {
      throw new QuarryError('BAD_ARGUMENT', what, { field: path });
    };
    if (q === null || typeof q !== 'object') bad('a query node must be an object');
    if (q.kind === 'bool') {
      for (const occur of ['must', 'should', 'mustNot'] as const) {
        if (!Array.isArray(q[occur])) bad(`"${occur}" must be an array of query nodes`);
        q[occur].forEach((c, i) => this.checkTextQuery(c, `${path}.${occur}[${i}]`));
      }
      return;
    }
    if (q.kind === 'all') {
      if (!(q.boost >= 0)) bad('boost must be a number >= 0');
      return;
    }
    const kinds = ['term', 'phrase', 'prefix', 'wildcard', 'regexp', 'range'];
    if (!kinds.includes(q.kind))
      bad(`kind must be ${kinds.map((k) => `"${k}"`).join(', ')}, "all" or "bool", not ${JSON.stringify((q as { kind: unknown }).kind)}`);
    if (!this.analyzers.has(q.field)) bad(`"${q.field}" is not a text field (text fields: ${[...this.analyzers.keys()].join(', ')})`);
    if (!(q.boost >= 0)) bad('boost must be a number >= 0');
    if (q.kind === 'wildcard' || q.kind === 'regexp') {
      if (typeof q.pattern !== 'string') bad('pattern must be a string');
      compileTermPattern(q.kind, q.pattern, path);
    }
    if (q.kind === 'range') {
      for (const b of ['lower', 'upper'] as const)
        if (q[b] !== null && typeof q[b] !== 'string') bad(`${b} must be a string or null (open)`);
      if (typeof q.includeLower !== 'boolean' || typeof q.includeUpper !== 'boolean')
        bad('includeLower and includeUpper must be true or false');
    }
    if (q.kind === 'phrase') {
      if (!Array.isArray(q.terms) || q.terms.length === 0 || !Array.isArray(q.offsets) || q.offsets.length !== q.terms.length)
        bad('a phrase needs terms and as many offsets');
      if (!Number.isInteger(q.slop) || q.slop < 0) bad('slop must be a whole number >= 0');
    }
  }

  /**
   * Parses query text in Lucene's classic syntax and analyzes it for these
   * fields (default: every text field): null when only stopwords are left.
   * The last query is kept: explaining each hit and highlighting compile the
   * same text again, and a fuzzy word reads the whole term dictionary.
   */
  textQuery(text: string, fields?: TextSearchOptions['fields']): TextQuery | null {
    const boosts = this.fieldBoosts(fields);
    const key = `${text}\u0000${JSON.stringify([...boosts])}`;
    if (this.lastTextQuery?.key === key) return this.lastTextQuery.query;
    const query = compileTextQuery(parseQuerySyntax(text), {
      analyzers: this.analyzers,
      defaultFields: boosts,
      fuzzyTerms: (field, word, maxEdits) => this.searcher.fuzzyTerms(field, word, maxEdits),
    });
    this.lastTextQuery = { key, query };
    return query;
  }

  private lastTextQuery: { key: string; query: TextQuery | null } | undefined;

  /**
   * The best documents as global document numbers and scores, without
   * looking up ids or stored fields (Lucene's TopDocs).
   */
  topDocs(terms: readonly QueryTerm[], k: number, mode: SearchMode = 'auto'): { docs: Float64Array; scores: Float64Array } {
    this.checkOpen();
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    if (mode !== 'auto' && mode !== 'pruned' && mode !== 'exhaustive')
      throw new QuarryError('BAD_ARGUMENT', `mode must be "auto", "pruned" or "exhaustive", not ${JSON.stringify(mode)}`, {
        field: 'mode',
      });
    return this.searcher.search(terms, k, mode);
  }

  /**
   * BM25 with RM3 pseudo-relevance feedback on one text field (Anserini's
   * defaults: 10 feedback terms from 10 feedback documents, original query
   * weight 0.5). Feedback documents are re-analyzed from their stored text,
   * so the field's source properties must be stored.
   */
  searchRm3(text: string, field: string, opts: { k?: number; params?: Partial<Rm3Params>; includeStored?: boolean } = {}): Hit[] {
    const spec = this.schema.fields[field];
    if (spec === undefined || spec.type !== 'text')
      throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a text field`, { field: 'field' });
    const p = resolveRm3Params(opts.params);
    const analyzer = this.analyzers.get(field)!;
    const first = this.searchTerms(this.queryTerms(text, [field]), p.fbDocs, 'auto', false);
    const sources = spec.from ?? [field];
    const feedback = first.map((h) => {
      const stored = this.stored(h.doc);
      const body = sources.map((s) => (typeof stored[s] === 'string' ? (stored[s] as string) : '')).join(spec.join);
      return { terms: analyzer.analyze(body), score: h.score };
    });
    let n = 0;
    for (const s of this.segments) n += s.numDocs;
    const expanded = rm3Expand(analyzer.analyze(text), feedback, (t) => this.searcher.docFreq(field, t), n, p);
    const terms: QueryTerm[] = [...expanded].map(([term, boost]) => ({ field, term, boost }));
    return this.searchTerms(terms, opts.k ?? 10, 'auto', opts.includeStored ?? true);
  }

  /** BM25 search with already analyzed terms. */
  searchTerms(terms: readonly QueryTerm[], k: number, mode: SearchMode = 'auto', includeStored = true): Hit[] {
    return this.hitsOf(this.topDocs(terms, k, mode), includeStored);
  }

  /**
   * Nearest-neighbour search on a dense field: each segment's index is
   * searched and the per-segment top k are merged. `params` are the family's
   * search parameters (e.g. efSearch for hnsw, nprobe for ivfpq).
   */
  searchVector(field: string, vector: ArrayLike<number>, opts: VectorSearchOptions = {}): Hit[] {
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
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    checkSearchParams(opts.params ?? {}, denseFamily(spec.index).searchParams, spec.index);
    const q =
      opts.adapter !== undefined
        ? this.adapted(field, opts.adapter, vector, 'vector')
        : vector instanceof Float32Array
          ? vector
          : Float32Array.from(vector);
    return this.hitsOf(this.denseTop(field, q, k, opts.params ?? {}, null), opts.includeStored ?? true);
  }

  /**
   * Learned-sparse search on a sparse field: `query` is `{token: weight}` (or
   * a Map). Exact fields return the exact top k; seismic fields take
   * queryCut, heapFactor, nKnn and sorted (1 or 0) in `params`.
   */
  searchSparse(
    field: string,
    query: Readonly<Record<string, number>> | ReadonlyMap<string, number>,
    opts: VectorSearchOptions = {},
  ): Hit[] {
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
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    checkSearchParams(opts.params ?? {}, spec.index === 'seismic' ? SEISMIC_SEARCH_PARAMS : {}, spec.index);
    const weights = query instanceof Map ? (query as ReadonlyMap<string, number>) : new Map(Object.entries(query));
    return this.hitsOf(this.sparseTop(field, weights, k, opts.params ?? {}, null), opts.includeStored ?? true);
  }

  /**
   * Each segment's dense top k (deleted rows excluded, `allow[i]` restricting
   * segment i when given), merged into one top k of global documents.
   */
  private denseTop(
    field: string,
    q: Float32Array,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: readonly (Bitset | null)[] | null,
  ): TopDocs {
    this.checkOpen();
    const heap = new TopKHeap(k);
    this.segments.forEach((seg, i) => {
      const index = seg.dense.get(field);
      if (index === undefined || index.size === 0) return;
      const hits = index.search(q, k, { ...params, allow: this.allowList(i, allow) });
      for (let j = 0; j < hits.ids.length; j++) heap.offer(hits.scores[j]!, this.bases[i]! + hits.ids[j]!);
    });
    return heap.drain();
  }

  /** A dense leg, with Rocchio feedback from its own top documents when `prf` is given. */
  private denseWithFeedback(
    field: string,
    q: Float32Array,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: readonly (Bitset | null)[] | null,
    prf: RocchioParams | undefined,
  ): TopDocs {
    const first = this.denseTop(field, q, prf === undefined ? k : Math.max(k, prf.docs), params, allow);
    if (prf === undefined) return first;
    const rows = Array.from(first.docs.subarray(0, prf.docs), (doc) => {
      const [seg, local] = this.locate(doc);
      const index = seg.dense.get(field)!;
      const row = index.floatRow(local);
      if (row === null) throw new QuarryError('BAD_ARGUMENT', `the ${field} index keeps no float vectors for feedback`, { field: 'prf' });
      return row;
    });
    return this.denseTop(field, rocchioDense(q, rows, prf), k, params, allow);
  }

  /** Segment i's searchable rows: live, and in `allow[i]` when given (null: every row). */
  private allowList(i: number, allow: readonly (Bitset | null)[] | null): Bitset | null {
    const seg = this.segments[i]!;
    const live = seg.liveBitset();
    const f = allow?.[i] ?? null;
    if (f === null) return live;
    const both = new Bitset(seg.numDocs);
    for (let w = 0; w < both.words.length; w++) both.words[w] = (f.words[w]! & (live === null ? 0xffffffff : live.words[w]!)) >>> 0;
    return both;
  }

  /**
   * Late-interaction search on a multi-vector field: `vectors` are the
   * query's token vectors. With MUVERA encodings, `params.candidates`
   * (default 100) documents per segment are rescored by exact MaxSim (other
   * params go to the encodings' dense family); without, every document is.
   */
  searchMultiVector(field: string, vectors: readonly (readonly number[])[], opts: VectorSearchOptions = {}): Hit[] {
    const spec = this.multiVectorSpec(field);
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1) throw new QuarryError('BAD_ARGUMENT', `k must be a positive integer, got ${k}`, { field: 'k' });
    const family = spec.muvera?.index;
    const ranges = {
      candidates: POSITIVE_INTEGER,
      ...(family === undefined || family === 'columnar' ? {} : denseFamily(family).searchParams),
    };
    checkSearchParams(opts.params ?? {}, ranges, 'this multi-vector field', 'it takes');
    return this.hitsOf(
      this.multiTop(field, this.tokenRows(spec.dim, vectors, 'multivector'), k, opts.params ?? {}, null),
      opts.includeStored ?? true,
    );
  }

  private multiVectorSpec(field: string): MultiVectorFieldSpec {
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

  /** Query token vectors as rows of one array, each checked for its dimension. */
  private tokenRows(dim: number, vectors: readonly (readonly number[])[], where: string): Float32Array {
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

  /** Each segment's MaxSim top k (deleted and disallowed rows excluded), merged. */
  private multiTop(
    field: string,
    tokens: Float32Array,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: readonly (Bitset | null)[] | null,
  ): TopDocs {
    this.checkOpen();
    const heap = new TopKHeap(k);
    const { candidates, ...dense } = params;
    this.segments.forEach((seg, i) => {
      const index = seg.multi.get(field);
      if (index === undefined || index.size === 0) return;
      const hits = index.search(
        index.prepareQuery(tokens),
        k,
        { ...(candidates !== undefined ? { candidates } : {}), dense },
        this.allowList(i, allow),
      );
      for (let j = 0; j < hits.ids.length; j++) heap.offer(hits.scores[j]!, this.bases[i]! + hits.ids[j]!);
    });
    return heap.drain();
  }

  /** Reranks global candidates by the exact similarity of a dense field's stored vectors (early-exit rules as for MaxSim). */
  private rerankDense(
    stage: { field: string; vector?: number[]; text?: string; depth: number; alpha?: number; beta?: number },
    docs: ArrayLike<number>,
    scores: ArrayLike<number>,
    k: number,
  ): MultiVectorHits {
    const spec = this.schema.fields[stage.field] as DenseFieldSpec;
    let q: Float32Array;
    if (stage.text !== undefined) {
      if (spec.encoder === undefined)
        throw new QuarryError('BAD_ARGUMENT', `"${stage.field}" has no encoder for text`, { field: 'rerank.text' }, 'give rerank.vector');
      q = loadFieldEncoder(stage.field, spec.encoder, spec.dim).encodeQuery(stage.text);
    } else q = Float32Array.from(stage.vector!);
    q = prepareQuery(q, spec.dim, spec.metric);
    return rerankWithEarlyExit(docs, scores, k, stage, (doc) => {
      const [seg, local] = this.locate(doc);
      const index = seg.dense.get(stage.field)!;
      const row = index.floatRow(local);
      if (row === null)
        throw new QuarryError('BAD_ARGUMENT', `the ${stage.field} index keeps no float vectors to rescore`, { field: 'rerank.field' });
      return similarity(spec.metric, q, 0, row, 0, spec.dim);
    });
  }

  /** Reranks global candidates by MaxSim (see search/pipeline.ts). */
  private rerankTop(
    field: string,
    vectors: readonly (readonly number[])[],
    docs: ArrayLike<number>,
    scores: ArrayLike<number>,
    k: number,
    rules: RerankParams,
  ): MultiVectorHits {
    const spec = this.multiVectorSpec(field);
    const tokens = this.tokenRows(spec.dim, vectors, 'rerank.multivector');
    const prepared = new Map<number, Float32Array>();
    return rerankWithEarlyExit(docs, scores, k, rules, (doc) => {
      const [seg, local] = this.locate(doc);
      const index = seg.multi.get(field)!;
      const s = this.segments.indexOf(seg);
      let q = prepared.get(s);
      if (q === undefined) prepared.set(s, (q = index.prepareQuery(tokens)));
      return index.maxSim(q, local);
    });
  }

  /** Each segment's sparse top k (deleted and disallowed rows excluded), merged. */
  private sparseTop(
    field: string,
    weights: ReadonlyMap<string, number>,
    k: number,
    params: Readonly<Record<string, number>>,
    allow: readonly (Bitset | null)[] | null,
  ): TopDocs {
    this.checkOpen();
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
    const heap = new TopKHeap(k);
    this.segments.forEach((seg, i) => {
      const sf = seg.sparse.get(field)!;
      // each family filters the way it scans: exact lists by flags, Seismic by an allow-list (the segment's cached live set when unfiltered)
      const hits =
        sf.seismic !== null
          ? sf.search(weights, k, params, null, this.allowList(i, allow))
          : sf.search(weights, k, params, this.exclusion(i, allow), null);
      for (let j = 0; j < hits.ids.length; j++) heap.offer(hits.scores[j]!, this.bases[i]! + hits.ids[j]!);
    });
    return heap.drain();
  }

  /** Flags of segment i's documents that a search must skip: deleted, or not in `allow[i]`. */
  private exclusion(i: number, allow: readonly (Bitset | null)[] | null): Uint8Array | null {
    const seg = this.segments[i]!;
    const a = allow?.[i] ?? null;
    if (a === null) return seg.deleted;
    const ex = new Uint8Array(seg.numDocs);
    for (let d = 0; d < seg.numDocs; d++) ex[d] = (seg.deleted !== null && seg.deleted[d] !== 0) || !a.has(d) ? 1 : 0;
    return ex;
  }

  private hitsOf(top: TopDocs, includeStored: boolean): Hit[] {
    const out: Hit[] = [];
    for (let i = 0; i < top.docs.length; i++) {
      const doc = top.docs[i]!;
      const hit: Hit = { id: this.id(doc), score: top.scores[i]!, doc };
      if (includeStored) hit.stored = this.stored(doc);
      out.push(hit);
    }
    return out;
  }

  /**
   * Runs a query spec (see search/query-spec.ts): several legs over text,
   * dense and sparse fields, fused by RRF or weighted sums, with metadata
   * filters pushed into every leg, facets and explanations.
   *
   * @example
   * snap.query({ retrieve: [{ field: 'contents', text: 'ranking' }, { field: 'emb', vector: v }], fuse: { method: 'rrf' }, filter: { where: { year: { gte: 2000 } } }, k: 10 });
   */
  query(spec: unknown, opts: { includeStored?: boolean } = {}): PipelineResult {
    return runQuery(this.querySource(), spec, opts);
  }

  /**
   * Like query(), and also runs the stages that need a model asynchronously: a
   * `crossEncoder` stage reranks the first `depth` results with a reranker the
   * schema names (see docs/encoders.md).
   *
   * @example
   * await snap.queryAsync({ retrieve: [{ field: 'contents', text: 'ranking' }], crossEncoder: { reranker: 'minilm', text: 'ranking', depth: 50 }, k: 10 });
   */
  async queryAsync(spec: unknown, opts: { includeStored?: boolean } = {}): Promise<PipelineResult> {
    // parsed once: the stages below work on the validated spec
    const parsed = await this.encodeTextLegs(parseQuerySpec(spec));
    const stage = parsed.crossEncoder;
    if (stage === undefined) return runParsedQuery(this.querySource(), parsed, opts);
    const reranker = this.schema.rerankers?.[stage.reranker];
    if (reranker === undefined) {
      const names = Object.keys(this.schema.rerankers ?? {});
      throw new QuarryError(
        'NOT_FOUND',
        `the schema has no reranker "${stage.reranker}"`,
        { field: 'crossEncoder.reranker' },
        names.length > 0 ? `rerankers: ${names.join(', ')}` : 'add one under "rerankers" in the schema (docs/schema.md)',
      );
    }
    const firstStage: QuerySpec = { ...parsed, crossEncoder: undefined, k: Math.max(parsed.k + parsed.offset, stage.depth), offset: 0 };
    const first = runParsedQuery(this.querySource(), firstStage, { includeStored: true });
    return rerankWithCrossEncoder(first, stage, reranker, parsed.k, parsed.offset, opts.includeStored ?? true);
  }

  /**
   * Replaces text on fields whose encoder runs a model (transformers) by what the
   * encoder's query side makes of it: a vector (dense), weights (sparse) or token rows
   * (multi-vector), in retrieval legs and in a rerank stage; other specs pass unchanged.
   */
  private async encodeTextLegs(spec: QuerySpec): Promise<QuerySpec> {
    const fields = this.schema.fields;
    const needs = (field: string, text: string | undefined): text is string => {
      const f = fields[field];
      return text !== undefined && f !== undefined && f.type !== 'text' && isAsyncField(f);
    };
    const encodeFor = async (
      field: string,
      text: string,
    ): Promise<{ vector?: number[]; sparse?: Record<string, number>; multivector?: number[][]; text: undefined }> => {
      const f = fields[field]!;
      if (f.type === 'dense') {
        const [v] = await (await loadAsyncFieldEncoder(field, f.encoder!, f.dim)).encodeQueries([text]);
        return { vector: Array.from(v!), text: undefined };
      }
      if (f.type === 'sparse') {
        const [w] = await (await loadSparseFieldEncoder(f.encoder!)).encodeQueries([text]);
        return { sparse: w!, text: undefined };
      }
      const mv = f as MultiVectorFieldSpec;
      const [t] = await (await loadTokenFieldEncoder(field, mv.encoder!, mv.dim)).encodeQueries([text]);
      return { multivector: tokenRowsOf(t!), text: undefined };
    };
    const rerank = spec.rerank;
    if (!spec.retrieve.some((l) => needs(l.field, l.text)) && (rerank === undefined || !needs(rerank.field, rerank.text))) return spec;
    const retrieve = await Promise.all(
      spec.retrieve.map(async (leg) => (needs(leg.field, leg.text) ? { ...leg, ...(await encodeFor(leg.field, leg.text)) } : leg)),
    );
    const out: QuerySpec = { ...spec, retrieve };
    if (rerank !== undefined && needs(rerank.field, rerank.text))
      out.rerank = { ...rerank, ...(await encodeFor(rerank.field, rerank.text)) };
    return out;
  }

  private querySource(): QuerySource {
    this.checkOpen();
    return {
      fields: this.schema.fields,
      segmentCount: this.segments.length,
      segmentSize: (i) => this.segments[i]!.numDocs,
      segmentBase: (i) => this.bases[i]!,
      segmentColumns: (i) => this.segments[i]!.columns,
      id: (doc) => this.id(doc),
      stored: (doc) => this.stored(doc),
      explainText: (field, text, doc, syntax) => {
        const [seg, local] = this.locate(doc);
        if (syntax === 'lucene') {
          // The query as Lucene would print it, and what its terms contribute where they occur in the document.
          const q = this.textQuery(text, [field]);
          if (q === null) return { query: '' };
          const terms = textQueryTerms(q).map((t) => ({ field: t.field, term: t.term, boost: 1 }));
          return { query: describeTextQuery(q), terms: this.searcher.explain(terms, this.segments.indexOf(seg), local) };
        }
        return { terms: this.searcher.explain(this.queryTerms(text, [field]), this.segments.indexOf(seg), local) };
      },
      retrieve: (leg, k, allow) => {
        if (leg.text !== undefined && this.schema.fields[leg.field]?.type === 'dense') {
          const spec = this.schema.fields[leg.field] as DenseFieldSpec;
          return this.denseWithFeedback(
            leg.field,
            loadFieldEncoder(leg.field, spec.encoder!, spec.dim).encodeQuery(leg.text),
            k,
            leg.params ?? {},
            allow,
            leg.prf,
          );
        }
        if (leg.text !== undefined) {
          const excluded = allow === null ? undefined : this.segments.map((_, i) => this.exclusion(i, allow));
          if (leg.syntax === 'lucene') {
            const q = this.textQuery(leg.text, [leg.field]);
            return q === null ? { docs: new Float64Array(0), scores: new Float64Array(0) } : this.searcher.searchQuery(q, k, excluded);
          }
          return this.searcher.search(this.queryTerms(leg.text, [leg.field]), k, 'auto', excluded);
        }
        if (leg.vector !== undefined) {
          const spec = this.schema.fields[leg.field] as DenseFieldSpec;
          const q =
            leg.adapter !== undefined ? this.adapted(leg.field, leg.adapter, leg.vector, 'retrieve.vector') : Float32Array.from(leg.vector);
          if (q.length !== spec.dim)
            throw new QuarryError('BAD_ARGUMENT', `vector has dimension ${q.length}, the field has ${spec.dim}`, {
              field: 'retrieve.vector',
            });
          return this.denseWithFeedback(leg.field, q, k, leg.params ?? {}, allow, leg.prf);
        }
        if (leg.multivector !== undefined) {
          const spec = this.multiVectorSpec(leg.field);
          return this.multiTop(leg.field, this.tokenRows(spec.dim, leg.multivector, 'retrieve.multivector'), k, leg.params ?? {}, allow);
        }
        const weights = new Map(Object.entries(leg.sparse!));
        const first = this.sparseTop(leg.field, weights, leg.prf === undefined ? k : Math.max(k, leg.prf.docs), leg.params ?? {}, allow);
        if (leg.prf === undefined) return first;
        const feedback = Array.from(first.docs.subarray(0, leg.prf.docs), (doc) => {
          const [seg, local] = this.locate(doc);
          return seg.sparse.get(leg.field)!.documentVector(local);
        });
        return this.sparseTop(leg.field, rocchioSparse(weights, feedback, leg.prf), k, leg.params ?? {}, allow);
      },
      calibration: () => this.calibration(),
      explainSparse: (field, weights, doc) => {
        const [seg, local] = this.locate(doc);
        const v = seg.sparse.get(field)!.documentVector(local);
        return Object.entries(weights)
          .filter(([t]) => v.has(t))
          .map(([token, query]) => ({ token, query, document: v.get(token)!, score: query * v.get(token)! }))
          .sort((a, b) => b.score - a.score);
      },
      rerank: (stage, docs, scores, k) => {
        const r =
          stage.multivector !== undefined
            ? this.rerankTop(stage.field, stage.multivector, docs, scores, k, stage)
            : this.rerankDense(stage, docs, scores, k);
        return { docs: r.ids, scores: r.scores, scored: r.scored };
      },
    };
  }

  private calibrationModel: CalibrationModel | null | undefined;
  /** Adapters read so far, with the file's modification time (a refitted adapter is read again). */
  private readonly adapters = new Map<string, { mtimeMs: number; adapter: FieldAdapter }>();

  /** A new-model vector mapped into dense field `field`'s space by the collection's adapter `name`. */
  private adapted(field: string, name: string, vector: ArrayLike<number>, where: string): Float32Array {
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

  /** The collection's relevance calibration (`quarry calibrate`), read once per snapshot; null when none. */
  calibration(): CalibrationModel | null {
    if (this.calibrationModel === undefined) this.calibrationModel = readCalibration(this.dir);
    return this.calibrationModel;
  }

  /**
   * The live documents' vectors of dense field `field`, in document order, with
   * their external ids (normalized for cosine fields, as indexed). For exporting
   * or fitting on a collection's vectors (e.g. `quarry semantic-ids`).
   */
  denseVectors(field: string): { ids: string[]; dim: number; rows: Float32Array } {
    this.checkOpen();
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
    const dim = spec.dim;
    const rows = new Float32Array(this.numDocs * dim);
    const ids: string[] = [];
    for (const seg of this.segments) {
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

  /** External id of a global document number. */
  id(doc: number): string {
    const [seg, local] = this.locate(doc);
    return seg.ids.text(local);
  }

  /** Stored properties of a global document number. */
  stored(doc: number): Record<string, unknown> {
    const [seg, local] = this.locate(doc);
    const text = seg.stored.text(local);
    return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  }

  private locate(doc: number): [Segment, number] {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bases[mid]! <= doc) lo = mid;
      else hi = mid - 1;
    }
    const seg = this.segments[lo];
    if (seg === undefined || doc < 0 || doc - this.bases[lo]! >= seg.numDocs) {
      throw new QuarryError('NOT_FOUND', `no document number ${doc} in this snapshot`);
    }
    return [seg, doc - this.bases[lo]!];
  }

  private fieldBoosts(fields: TextSearchOptions['fields']): Map<string, number> {
    const text = new Set(textFields(this.schema).map(([n]) => n));
    const out = new Map<string, number>();
    const entries: [string, number][] =
      fields === undefined
        ? [...text].map((n) => [n, 1])
        : Array.isArray(fields)
          ? (fields as string[]).map((n) => [n, 1])
          : Object.entries(fields);
    for (const [name, boost] of entries) {
      if (!text.has(name)) {
        throw new QuarryError('BAD_ARGUMENT', `"${name}" is not a text field`, { field: 'fields' }, `text fields: ${[...text].join(', ')}`);
      }
      if (!(boost > 0)) throw new QuarryError('BAD_ARGUMENT', `boost of "${name}" must be positive`, { field: 'fields' });
      out.set(name, boost);
    }
    return out;
  }
}
