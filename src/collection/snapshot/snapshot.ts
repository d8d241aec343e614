/**
 * A reader snapshot: the segments of one committed generation, opened once.
 * Searching never blocks writing; a later commit is seen by opening a new
 * snapshot. The class is a facade: it checks a caller's arguments and hands the
 * work to the retrieval of each kind of field (text-, dense-, sparse- and
 * multivector-retrieval.ts) or to the query pipeline (query-source.ts).
 */
import { checkPositiveInteger } from '../../core/checks.js';
import { withDeadline } from '../../core/deadline.js';
import { QuarryError } from '../../core/quarry-error.js';
import { checkQueryDimension } from '../../index/dense/dense-similarity.js';
import type { QueryTerm, SearchMode, TextQuery } from '../../index/inverted/index.js';
import type { CalibrationModel } from '../../search/calibration.js';
import { rerankWithCrossEncoder } from '../../search/cross-encoder-stage.js';
import { runParsedQuery, type PipelineResult } from '../../search/pipeline.js';
import { parseQuerySpec, type QuerySpec, type QuerySpecInput } from '../../search/query-spec.js';
import { resolveRm3Params, type Rm3Params } from '../../search/rm3.js';
import type { Analyzer } from '../../text/analyzer.js';
import { readAudit } from '../audit-file.js';
import { readCalibration } from '../calibration-file.js';
import type { Manifest } from '../manifest.js';
import type { CollectionSchema } from '../schema.js';
import { analyzersOf, Segment } from '../segment.js';
import { encodeTextLegs } from './query-encoding.js';
import { specHighlighter, type Highlights } from './spec-highlights.js';
import { snapshotQuerySource } from './query-source.js';
import { createRetrievals, type Retrievals } from './retrievals.js';
import type { Hit, TextSearchOptions, VectorSearchOptions } from './search-options.js';
import { SegmentSet } from './segment-set.js';
import { checkSearchMode } from './text-retrieval.js';

/** Options of a query spec's run. */
export interface QueryOptions {
  /** Include stored properties in each hit (default true). */
  includeStored?: boolean;
  /**
   * Stop the search with a TIMEOUT error once it has run this long (default: no limit).
   * Checked in the loops whose work the query decides: term dictionary walks, filters,
   * long queries, scoring; a model's encoding before the search is not counted.
   */
  timeoutMs?: number;
}

/** A consistent view of one generation of a collection; `D` is its document type (see `Collection`). */
export class Snapshot<D extends object = Record<string, unknown>> {
  readonly segments: readonly Segment[];
  readonly schema: CollectionSchema;
  readonly analyzers: Map<string, Analyzer>;
  private readonly r: Retrievals;
  private isClosed = false;
  private calibrationModel: CalibrationModel | null | undefined;
  private flaggedDocs: ReadonlySet<number> | null | undefined;

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
    this.r = createRetrievals(dir, this.schema, this.analyzers, new SegmentSet(this.segments));
  }

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
    return this.r.set.liveDocs;
  }

  /** One past the largest global document number, deleted documents included (documents are 0 … maxDoc − 1). */
  get maxDoc(): number {
    return this.r.set.allDocs;
  }

  /** True when global document `doc` is deleted. */
  isDeleted(doc: number): boolean {
    return this.r.set.isDeleted(doc);
  }

  /** Generation of the manifest this snapshot reads. */
  get generation(): number {
    return this.manifest.generation;
  }

  /** External id of a global document number. */
  id(doc: number): string {
    return this.r.set.id(doc);
  }

  /** Stored properties of a global document number. */
  stored(doc: number): Record<string, unknown> {
    return this.r.set.stored(doc);
  }

  /**
   * Analyzes query text into weighted terms: one term per distinct analyzed
   * token per field, boosted by its count times the field boost (Anserini's
   * bag-of-words query).
   */
  queryTerms(text: string, fields?: TextSearchOptions['fields']): QueryTerm[] {
    return this.r.text.queryTerms(text, fields);
  }

  /**
   * BM25 search over the text fields.
   *
   * @example
   * snap.search('ranking function', { k: 5, fields: { title: 2, contents: 1 } });
   */
  search(text: string, opts: TextSearchOptions = {}): Hit<D>[] {
    if (typeof text !== 'string')
      throw new QuarryError('BAD_ARGUMENT', `query text must be a string, got ${typeof text}`, { field: 'text' });
    const k = opts.k ?? 10;
    checkPositiveInteger(k, 'k');
    const syntax = opts.syntax ?? 'terms';
    if (syntax !== 'terms' && syntax !== 'lucene')
      throw new QuarryError('BAD_ARGUMENT', `syntax must be "terms" or "lucene", not ${JSON.stringify(opts.syntax)}`, { field: 'syntax' });
    const mode = opts.mode ?? 'auto';
    checkSearchMode(mode);
    const boosts = this.r.text.fieldBoosts(opts.fields);
    const [first] = boosts.keys();
    this.checkOpen();
    // a collection without text fields has nothing to search
    if (first === undefined) return [];
    return this.searchLeg({ field: first, fields: Object.fromEntries(boosts), text, syntax, mode, k }, opts.includeStored);
  }

  /**
   * Searches a structured query built in code (terms already analyzed, as
   * `analyzers.get(field).analyze(word)` gives them), scored as the same query
   * written in Lucene syntax would be.
   *
   * @example
   * snap.searchTextQuery({ kind: 'bool', must: [{ kind: 'phrase', field: 'contents', terms: ['black', 'cat'], offsets: [0, 1], slop: 0, boost: 1 }], should: [], mustNot: [{ kind: 'term', field: 'contents', term: 'dog', boost: 1 }] }, { k: 5 });
   */
  searchTextQuery(query: TextQuery, opts: { k?: number; includeStored?: boolean } = {}): Hit<D>[] {
    this.checkOpen();
    const k = opts.k ?? 10;
    checkPositiveInteger(k, 'k');
    this.r.text.checkTextQuery(query, 'query');
    return this.r.set.hitsOf(this.r.text.searchQuery(query, k), opts.includeStored ?? true);
  }

  /**
   * Parses query text in Lucene's classic syntax and analyzes it for these
   * fields (default: every text field): null when only stopwords are left.
   * The last query is kept: explaining each hit and highlighting compile the
   * same text again, and a fuzzy word reads the whole term dictionary.
   */
  textQuery(text: string, fields?: TextSearchOptions['fields']): TextQuery | null {
    return this.r.text.textQuery(text, fields);
  }

  /**
   * The best documents as global document numbers and scores, without
   * looking up ids or stored fields (Lucene's TopDocs).
   */
  topDocs(terms: readonly QueryTerm[], k: number, mode: SearchMode = 'auto'): { docs: Float64Array; scores: Float64Array } {
    this.checkOpen();
    checkPositiveInteger(k, 'k');
    checkSearchMode(mode);
    return this.r.text.searchTerms(terms, k, mode);
  }

  /**
   * BM25 with RM3 pseudo-relevance feedback on one text field (Anserini's
   * defaults: 10 feedback terms from 10 feedback documents, original query
   * weight 0.5). Feedback documents are re-analyzed from their stored text,
   * so the field's source properties must be stored.
   *
   * @example
   * snap.searchRm3('parallel sorting', 'contents', { k: 10, params: { fbDocs: 5 } });
   */
  searchRm3(text: string, field: string, opts: { k?: number; params?: Partial<Rm3Params>; includeStored?: boolean } = {}): Hit<D>[] {
    const spec = this.schema.fields[field];
    if (spec === undefined || spec.type !== 'text')
      throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a text field`, { field: 'field' });
    resolveRm3Params(opts.params);
    const k = opts.k ?? 10;
    checkPositiveInteger(k, 'k');
    return this.searchLeg({ field, text, rm3: { ...opts.params }, k }, opts.includeStored);
  }

  /** BM25 search with already analyzed terms. */
  searchTerms(terms: readonly QueryTerm[], k: number, mode: SearchMode = 'auto', includeStored = true): Hit<D>[] {
    return this.r.set.hitsOf(this.topDocs(terms, k, mode), includeStored);
  }

  /**
   * Nearest-neighbour search on a dense field: each segment's index is
   * searched and the per-segment top k are merged. `params` are the family's
   * search parameters (e.g. efSearch for hnsw, nprobe for ivfpq).
   *
   * @example
   * snap.searchVector('emb', queryVector, { k: 10, params: { efSearch: 128 } });
   */
  searchVector(field: string, vector: ArrayLike<number>, opts: VectorSearchOptions = {}): Hit<D>[] {
    const spec = this.r.dense.spec(field);
    const k = opts.k ?? 10;
    checkPositiveInteger(k, 'k');
    // an adapter maps the vector here, so that its errors name this call's argument
    const q = opts.adapter !== undefined ? this.r.dense.adapted(field, opts.adapter, vector, 'vector') : vector;
    checkQueryDimension(q.length, spec.dim, 'vector');
    return this.searchLeg({ field, vector: Array.from(q), params: { ...opts.params }, k }, opts.includeStored);
  }

  /**
   * Learned-sparse search on a sparse field: `query` is `{token: weight}` (or
   * a Map). Exact fields return the exact top k; seismic fields take
   * queryCut, heapFactor, nKnn and sorted (1 or 0) in `params`.
   *
   * @example
   * snap.searchSparse('splade', { brother: 1.6, paula: 2.1 }, { k: 10, params: { queryCut: 10 } });
   */
  searchSparse(
    field: string,
    query: Readonly<Record<string, number>> | ReadonlyMap<string, number>,
    opts: VectorSearchOptions = {},
  ): Hit<D>[] {
    this.r.sparse.spec(field);
    const k = opts.k ?? 10;
    checkPositiveInteger(k, 'k');
    const weights: Record<string, number> =
      query instanceof Map ? Object.fromEntries(query as ReadonlyMap<string, number>) : { ...(query as Readonly<Record<string, number>>) };
    return this.searchLeg({ field, sparse: weights, params: { ...opts.params }, k }, opts.includeStored);
  }

  /**
   * Late-interaction search on a multi-vector field: `vectors` are the
   * query's token vectors. With MUVERA encodings, `params.candidates`
   * (default 100) documents per segment are rescored by exact MaxSim (other
   * params go to the encodings' dense family); without, every document is.
   *
   * @example
   * snap.searchMultiVector('colbert', queryTokenVectors, { k: 10, params: { candidates: 200 } });
   */
  searchMultiVector(field: string, vectors: readonly (readonly number[])[], opts: VectorSearchOptions = {}): Hit<D>[] {
    this.r.multi.spec(field);
    const k = opts.k ?? 10;
    checkPositiveInteger(k, 'k');
    // checked here too, so that a wrong token vector is named as this call's argument
    this.r.multi.tokenRows(field, vectors, 'multivector');
    return this.searchLeg({ field, multivector: vectors.map((v) => Array.from(v)), params: { ...opts.params }, k }, opts.includeStored);
  }

  /**
   * One retrieval leg run as a query spec of its own, k results: the typed methods
   * above enter the same pipeline as query() and the HTTP server.
   */
  private searchLeg(leg: QuerySpec['retrieve'][number] & { k: number }, includeStored = true): Hit<D>[] {
    const result = this.runSpec({ retrieve: [leg], k: leg.k, offset: 0, explain: false }, { includeStored });
    return result.hits.map((h) =>
      h.stored === undefined
        ? { id: h.id, score: h.score, doc: h.doc }
        : { id: h.id, score: h.score, doc: h.doc, stored: h.stored as Partial<D> },
    );
  }

  /**
   * Runs a query spec (see search/query-spec.ts): several legs over text,
   * dense and sparse fields, fused by RRF or weighted sums, with metadata
   * filters pushed into every leg, facets and explanations.
   *
   * @example
   * snap.query({ retrieve: [{ field: 'contents', text: 'ranking' }, { field: 'emb', vector: v }], fuse: { method: 'rrf' }, filter: { where: { year: { gte: 2000 } } }, k: 10 });
   */
  query(spec: QuerySpecInput, opts: QueryOptions = {}): PipelineResult {
    return this.runSpec(parseQuerySpec(spec), opts);
  }

  /**
   * Like query(), and also runs the stages that need a model asynchronously: a
   * `crossEncoder` stage reranks the first `depth` results with a reranker the
   * schema names (see docs/encoders.md).
   *
   * @example
   * await snap.queryAsync({ retrieve: [{ field: 'contents', text: 'ranking' }], crossEncoder: { reranker: 'minilm', text: 'ranking', depth: 50 }, k: 10 });
   */
  async queryAsync(spec: QuerySpecInput, opts: QueryOptions = {}): Promise<PipelineResult> {
    // parsed once: the stages below work on the validated spec
    const parsed = await encodeTextLegs(this.schema, parseQuerySpec(spec));
    const stage = parsed.crossEncoder;
    if (stage === undefined) return this.runSpec(parsed, opts);
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
    const first = this.runSpec(firstStage, { includeStored: true, timeoutMs: opts.timeoutMs });
    return rerankWithCrossEncoder(first, stage, reranker, parsed.k, parsed.offset, opts.includeStored ?? true);
  }

  /** Runs a validated spec through the query pipeline. */
  private runSpec(spec: QuerySpec, opts: QueryOptions): PipelineResult {
    this.checkOpen();
    const source = snapshotQuerySource(
      this.schema,
      this.r,
      () => this.calibration(),
      () => this.flagged(),
    );
    return withDeadline(opts.timeoutMs, () => runParsedQuery(source, spec, { includeStored: opts.includeStored }));
  }

  /**
   * Highlights for the hits of `spec`: a function from a hit's stored properties to
   * excerpts of each property that feeds one of the spec's text legs, with the query's
   * words marked (as the HTTP server's `?highlight=true` returns them).
   *
   * @example
   * const mark = snap.highlighter(spec);
   * for (const hit of snap.query(spec).hits) console.log(mark(hit.stored!));
   */
  highlighter(spec: unknown): (stored: Record<string, unknown>) => Highlights {
    return specHighlighter(this.schema, this.r.text, parseQuerySpec(spec));
  }

  /** The collection's relevance calibration (`quarry calibrate`), read once per snapshot; null when none. */
  calibration(): CalibrationModel | null {
    if (this.calibrationModel === undefined) this.calibrationModel = readCalibration(this.dir);
    return this.calibrationModel;
  }

  /**
   * The recall@10 a search of dense field `field` without explicit parameters can expect when it
   * aims at `targetRecall` (default: the field's, else 0.95) and fetches `depth` results (default
   * 100, what a query spec's leg fetches; `searchVector` with k 10 fetches 10), from the curves its
   * segments measured when they were built: the lowest over the segments; null when none is
   * tuned (an exact family, or segments under 1,000 rows).
   */
  expectedRecall(field: string, targetRecall?: number, depth?: number): number | null {
    this.checkOpen();
    return this.r.dense.expectedRecall(field, targetRecall, depth);
  }

  /**
   * The documents (global numbers) the collection's saved audit flagged (`quarry audit --save`),
   * read once per snapshot; null when it has no audit. Ids the snapshot no longer holds are skipped.
   */
  flagged(): ReadonlySet<number> | null {
    if (this.flaggedDocs === undefined) {
      const audit = readAudit(this.dir);
      if (audit === null) this.flaggedDocs = null;
      else {
        const ids = new Set(audit.flagged.map((f) => f.id));
        const docs = new Set<number>();
        for (let d = 0; d < this.maxDoc && docs.size < ids.size; d++) if (!this.isDeleted(d) && ids.has(this.id(d))) docs.add(d);
        this.flaggedDocs = docs;
      }
    }
    return this.flaggedDocs;
  }

  /**
   * The live documents' vectors of dense field `field`, in document order, with
   * their external ids (normalized for cosine fields, as indexed). For exporting
   * or fitting on a collection's vectors (e.g. `quarry semantic-ids`).
   */
  denseVectors(field: string): { ids: string[]; dim: number; rows: Float32Array } {
    this.checkOpen();
    return this.r.dense.vectors(field);
  }
}
