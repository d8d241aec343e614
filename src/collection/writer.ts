/**
 * The collection writer: buffers documents into a segment builder, flushes
 * full builders as new segment folders, and commits by writing the next
 * manifest. Nothing is visible to readers until `commit()` returns; `abort()`
 * (or a failure) removes the uncommitted segment folders, leaving the
 * collection exactly as it was. When a commit leaves too many segments, the
 * smallest are merged on a worker thread while writing goes on; a later
 * commit installs the merged segment, carrying over deletes made meanwhile.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorLocation } from '../core/quarry-error.js';
import { QuarryError } from '../core/quarry-error.js';
import type { Analyzer } from '../text/analyzer.js';
import { DocumentPreparer, type EncodedValue, type PreparedDocument } from './document.js';
import { type Manifest, type SegmentInfo, checkSegmentFilesPresent, readLatestManifest, writeManifest } from './manifest.js';
import { analyzersOf, readSegmentIds, Segment, SegmentBuilder } from './segment.js';
import type { WriteLock } from './write-lock.js';
import { readTombstones, writeTombstones } from './tombstones.js';
import { mergeSegments } from './merge.js';
import { BackgroundMerge, type FinishedMerge } from './background-merge.js';
import { removeOldGenerations } from './generations.js';
import { denseFamily, readDense, tuneDense } from '../index/dense/dense-registry.js';
import { isBinaryCodebook, writeCodebook, type BinaryCodebook, type IvfPqCodebook } from '../learn/trained-codes/codebook-file.js';
import { readFieldRows, rewriteSegmentCodes } from './codebook-install.js';
import type { DenseFieldSpec } from './schema.js';

/**
 * The smallest heap a merge worker may be given. With 1–2 MB of old generation, V8 in Node 22,
 * 24 and 26 runs out of memory while deserializing the worker's startup snapshot and aborts
 * the whole process ("GC during deserialization"), not just the worker; from 3 MB on the worker
 * fails alone.
 */
const MIN_MERGE_HEAP_MB = 4;

/** Writer settings. */
export interface WriterOptions {
  /**
   * Flush a segment once the buffered documents take about this many MB (default 256), as
   * Lucene's RAM buffer: the writer's memory stays bounded whatever the collection's size.
   * A flush briefly needs about as much again to sort and encode the buffer.
   */
  ramBufferMB?: number;
  /** Flush a segment once this many postings are buffered (default 48 million). */
  flushPostings?: number;
  /** Flush a segment once this many documents are buffered (default 2 million). */
  flushDocs?: number;
  /** Merge policy: when a commit would leave more segments than this (default 10), the smallest are merged. */
  maxSegments?: number;
  /** Merge policy: how many of the smallest segments are merged at once (default 10). */
  mergeFactor?: number;
  /**
   * Run the merge policy's merges on a worker thread (default true) so that
   * commits do not wait for them; false merges inside `commit()`.
   */
  backgroundMerges?: boolean;
  /**
   * Heap limit of the background merge's worker, in MB (V8's old generation;
   * default: Node's own limit). A merge that exceeds it fails like any failed
   * merge: the next commit reports it and leaves the collection unchanged. At least
   * MIN_MERGE_HEAP_MB.
   */
  mergeHeapMB?: number;
  /** Called when a merge (by the policy or optimize) is committed, with what it did, e.g. for logs and benchmarks. */
  onMerge?: (merge: MergeReport) => void;
}

const WRITER_OPTION_NAMES = [
  'ramBufferMB',
  'flushPostings',
  'flushDocs',
  'maxSegments',
  'mergeFactor',
  'backgroundMerges',
  'mergeHeapMB',
  'onMerge',
] as const;

/**
 * Checks writer options by name, type and range (a misspelt or out-of-range option
 * would otherwise be ignored or make the merge policy misbehave).
 */
export function checkWriterOptions(opts: WriterOptions): void {
  const given = opts as Record<string, unknown>;
  for (const name of Object.keys(given)) {
    if (!(WRITER_OPTION_NAMES as readonly string[]).includes(name)) {
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${name}" is not a writer option`,
        { field: name },
        `writer options: ${WRITER_OPTION_NAMES.join(', ')}`,
      );
    }
  }
  for (const name of ['ramBufferMB', 'flushPostings', 'flushDocs', 'maxSegments', 'mergeFactor'] as const) {
    const v = given[name];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1))
      throw new QuarryError('BAD_ARGUMENT', `${name} must be a positive integer, got ${JSON.stringify(v)}`, { field: name });
  }
  if (given.backgroundMerges !== undefined && typeof given.backgroundMerges !== 'boolean') {
    throw new QuarryError('BAD_ARGUMENT', `backgroundMerges must be true or false, got ${JSON.stringify(given.backgroundMerges)}`, {
      field: 'backgroundMerges',
    });
  }
  if (given.onMerge !== undefined && typeof given.onMerge !== 'function')
    throw new QuarryError('BAD_ARGUMENT', 'onMerge must be a function', { field: 'onMerge' });
  const heap = given.mergeHeapMB;
  if (heap !== undefined && !(typeof heap === 'number' && Number.isFinite(heap) && heap >= MIN_MERGE_HEAP_MB)) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `mergeHeapMB must be a number of megabytes >= ${MIN_MERGE_HEAP_MB}, got ${String(heap)}`,
      { field: 'mergeHeapMB' },
      'below that, Node 22 and later abort the whole process while the worker starts, instead of failing the merge',
    );
  }
}

/** One finished merge. */
export interface MergeReport {
  /** Segments merged. */
  segments: number;
  /** Live documents in the merged segment (deleted ones are dropped). */
  docs: number;
  /** Wall time of the merge in milliseconds. */
  ms: number;
  /** True when the merge ran on a worker thread while the writer went on. */
  background: boolean;
}

/** Adds documents to a collection. Single writer per collection (see `write.lock`). */
export class CollectionWriter<D extends object = Record<string, unknown>> {
  private readonly preparer: DocumentPreparer;
  private readonly analyzers: Map<string, Analyzer>;
  private builder: SegmentBuilder;
  private pending: SegmentInfo[] = [];
  /** Live ids: committed or pending segment (index into segmentsOf) and document, or -1 for the open builder. */
  private readonly ids = new Map<string, { seg: number; doc: number }>();
  /** Segment names in the order of `ids` entries (committed, then pending). */
  private readonly segmentNames: string[] = [];
  /** Deleted flags per segment name, for segments with deletes since the last commit. */
  private readonly tombstones = new Map<string, Uint8Array>();
  private builderIds: string[] = [];
  private base: Manifest;
  private nextSegment: number;
  private closed = false;
  private readonly ramBufferBytes: number;
  private readonly flushPostings: number;
  private readonly flushDocs: number;
  private readonly maxSegments: number;
  private readonly mergeFactor: number;
  private readonly onMerge: ((merge: MergeReport) => void) | undefined;
  private readonly backgroundMerges: boolean;
  private readonly mergeHeapMB: number | undefined;
  /** The merge in progress (or finished and not yet committed), if any. */
  private running: BackgroundMerge | null = null;

  constructor(
    readonly dir: string,
    private readonly lock: WriteLock,
    opts: WriterOptions = {},
  ) {
    this.base = readLatestManifest(dir);
    checkSegmentFilesPresent(dir, this.base);
    this.nextSegment = this.base.nextSegment;
    this.preparer = new DocumentPreparer(this.base.schema);
    this.analyzers = analyzersOf(this.base.schema);
    this.builder = new SegmentBuilder(this.base.schema, this.analyzers);
    this.ramBufferBytes = (opts.ramBufferMB ?? 256) * 1048576;
    this.flushPostings = opts.flushPostings ?? 48_000_000;
    this.flushDocs = opts.flushDocs ?? 2_000_000;
    this.maxSegments = opts.maxSegments ?? 10;
    this.mergeFactor = Math.max(2, opts.mergeFactor ?? 10);
    this.onMerge = opts.onMerge;
    this.backgroundMerges = opts.backgroundMerges ?? true;
    this.mergeHeapMB = opts.mergeHeapMB;
    this.indexIds();
  }

  /** The newest generation this writer committed, or the one it opened on. */
  get generation(): number {
    return this.base.generation;
  }

  /** Documents added since the last commit. */
  get uncommittedDocs(): number {
    let n = this.builder.numDocs;
    for (const s of this.pending) n += s.numDocs;
    return n;
  }

  /** True while a merge runs on a worker thread (or has finished and waits for the next commit). */
  get mergeRunning(): boolean {
    return this.running !== null;
  }

  /** True when a background merge has finished successfully and the next commit will install it. */
  get mergeReady(): boolean {
    return this.running?.succeeded === true;
  }

  /** True when documents were added or deleted since the last commit. */
  get hasUncommittedChanges(): boolean {
    return this.builder.numDocs > 0 || this.pending.length > 0 || this.tombstones.size > 0;
  }

  /**
   * Validates and adds a document. `where` (file and line) is used in error
   * messages. A duplicate id is an error: updates come with deletes.
   */
  add(raw: D, where: ErrorLocation = {}): void {
    this.checkOpen();
    this.addPrepared(this.preparer.prepare(raw as Record<string, unknown>, where), where);
  }

  private addPrepared(doc: PreparedDocument, where: ErrorLocation): void {
    if (this.ids.has(doc.id)) {
      throw new QuarryError(
        'BAD_INPUT',
        `duplicate document id "${doc.id}"`,
        { ...where, field: this.base.schema.id },
        'ids must be unique within a collection; to replace a document use writer.update() (quarry add --update; over HTTP, "mode": "update")',
      );
    }
    this.ids.set(doc.id, { seg: -1, doc: this.builder.numDocs });
    this.builderIds.push(doc.id);
    this.builder.add(doc);
    if (this.builder.postings >= this.flushPostings || this.builder.numDocs >= this.flushDocs) this.flush();
    // the estimate walks every field's builder: checked every 256 documents
    else if ((this.builder.numDocs & 255) === 0 && this.builder.allocatedBytes >= this.ramBufferBytes) this.flush();
  }

  /** Replaces the document with the same id (or adds it when absent): delete + add. */
  update(raw: D, where: ErrorLocation = {}): void {
    this.checkOpen();
    const doc = this.preparer.prepare(raw as Record<string, unknown>, where);
    this.delete(doc.id);
    this.addPrepared(doc, where);
  }

  /**
   * Validates every document of a batch before changing anything, then adds
   * (or, with `mode: 'update'`, replaces) them all: a bad document anywhere
   * leaves the writer exactly as it was. `whereOf(i)` locates document i in
   * error messages. Returns how many documents replaced an existing one.
   */
  addBatch(
    raws: readonly D[],
    mode: 'add' | 'update',
    whereOf: (i: number) => ErrorLocation = () => ({}),
    encoded?: readonly ReadonlyMap<string, EncodedValue>[],
  ): { added: number; replaced: number } {
    this.checkOpen();
    const docs = raws.map((raw, i) => this.preparer.prepare(raw as Record<string, unknown>, whereOf(i), encoded?.[i]));
    const seen = new Map<string, number>();
    docs.forEach((doc, i) => {
      const first = seen.get(doc.id);
      if (first !== undefined) {
        throw new QuarryError(
          'BAD_INPUT',
          `duplicate document id "${doc.id}" (also at document ${first + 1} of this batch)`,
          { ...whereOf(i), field: this.base.schema.id },
          'each id may appear once per batch',
        );
      }
      seen.set(doc.id, i);
      if (mode === 'add' && this.ids.has(doc.id)) {
        throw new QuarryError(
          'BAD_INPUT',
          `duplicate document id "${doc.id}"`,
          { ...whereOf(i), field: this.base.schema.id },
          'the collection already has it; send it with mode "update" to replace it',
        );
      }
    });
    let replaced = 0;
    for (let i = 0; i < docs.length; i++) {
      if (mode === 'update' && this.delete(docs[i]!.id)) replaced++;
      this.addPrepared(docs[i]!, whereOf(i));
    }
    return { added: docs.length - replaced, replaced };
  }

  /**
   * addBatch for schemas whose fields are encoded by a model (transformer encoders):
   * the batch's texts are encoded first (one model run per field, progress reported),
   * then added all-or-nothing as by addBatch. Works for any schema.
   */
  async addBatchAsync(
    raws: readonly D[],
    mode: 'add' | 'update',
    whereOf: (i: number) => ErrorLocation = () => ({}),
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ added: number; replaced: number }> {
    this.checkOpen();
    const encoded = this.preparer.hasAsyncEncoders
      ? await this.preparer.encodeAsyncFields(raws as readonly Record<string, unknown>[], whereOf, onProgress)
      : undefined;
    return this.addBatch(raws, mode, whereOf, encoded);
  }

  /** True when documents need addBatchAsync (a field is encoded by a transformer). */
  get needsAsyncAdd(): boolean {
    return this.preparer.hasAsyncEncoders;
  }

  /** Deletes a document by id; returns false when no live document has that id. */
  delete(id: string): boolean {
    this.checkOpen();
    let at = this.ids.get(id);
    if (at === undefined) return false;
    if (at.seg === -1) {
      // Added since the last flush: flush so that it has a segment to be deleted from.
      this.flush();
      at = this.ids.get(id)!;
    }
    const name = this.segmentNames[at.seg]!;
    let flags = this.tombstones.get(name);
    if (flags === undefined) {
      flags = this.deletedFlags([...this.base.segments, ...this.pending].find((s) => s.name === name)!);
      this.tombstones.set(name, flags);
    }
    flags[at.doc] = 1;
    this.ids.delete(id);
    return true;
  }

  /** Writes buffered documents as a new (uncommitted) segment. */
  flush(): void {
    this.checkOpen();
    if (this.builder.numDocs === 0) return;
    const name = `seg-${this.nextSegment++}`;
    try {
      this.pending.push(this.builder.write(this.dir, name));
    } catch (e) {
      rmSync(join(this.dir, name), { recursive: true, force: true });
      throw e;
    }
    const s = this.segmentNames.push(name) - 1;
    this.builderIds.forEach((id, doc) => {
      const at = this.ids.get(id);
      if (at !== undefined && at.seg === -1) this.ids.set(id, { seg: s, doc });
    });
    this.builderIds = [];
    this.builder = new SegmentBuilder(this.base.schema, this.analyzers);
  }

  /**
   * Makes everything added or deleted so far durable and visible to new
   * readers, together with a background merge that has finished since the
   * last commit, then applies the merge policy (which starts a merge on a
   * worker thread, or merges before committing when background merges are
   * off). Returns the new generation. A background merge that failed is
   * reported here, before anything is written: the collection and the
   * uncommitted changes are untouched, and committing again succeeds.
   */
  commit(): number {
    this.checkOpen();
    this.flush();
    let segments = [...this.base.segments, ...this.pending];
    const done = this.finishedMerge(false);
    if (done !== null) segments = this.installMerge(segments, done);
    if (this.running === null && !this.backgroundMerges && segments.length > this.maxSegments) {
      this.startMerge(segments);
      segments = this.installMerge(segments, this.finishedMerge(true)!);
    }
    const generation = this.writeGeneration(segments, false);
    if (this.running === null && this.base.segments.length > this.maxSegments) this.startMerge(this.base.segments);
    return generation;
  }

  /**
   * Blocks until the running merge (and any the policy starts after it) has
   * finished and commits it, together with everything added or deleted so far.
   * Returns the new generation, or the current one when no merge was running.
   */
  waitForMerges(): number {
    this.checkOpen();
    while (this.running !== null) {
      this.finishedMerge(true);
      this.commit();
    }
    return this.base.generation;
  }

  /**
   * Measures dense field `field`'s recall curves again on `queries` (rows of the field's
   * dimension: what the workload asks, e.g. a query log) instead of pseudo-queries, and commits
   * them with everything pending (after waiting for a running merge). Segments with an exact
   * index or under 1,000 rows keep none; a later merge measures its segment on pseudo-queries
   * again. Returns the new generation.
   */
  tuneRecall(field: string, queries: Float32Array): number {
    this.checkOpen();
    const spec = this.base.schema.fields[field];
    if (spec?.type !== 'dense') throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a dense field`, { field: 'field' });
    if (queries.length === 0 || queries.length % spec.dim !== 0)
      throw new QuarryError('BAD_ARGUMENT', `queries must be rows of the field's ${spec.dim} dimensions`, { field: 'queries' });
    this.waitForMerges();
    this.flush();
    const file = `${field}.vec`;
    const tuned = [...this.base.segments, ...this.pending].map((info) => {
      const written = info.files[file];
      if (written === undefined) return info;
      const index = readDense(join(this.dir, info.name, file), { bytes: written.bytes, verifyChecksum: true });
      try {
        const curve = tuneDense(index, { queries });
        return curve === undefined ? info : { ...info, tuning: { ...info.tuning, [field]: curve } };
      } finally {
        index.close();
      }
    });
    return this.writeGeneration(tuned, false);
  }

  /**
   * The float rows of dense field `field` over every committed segment, in document order (deleted
   * documents' rows included), with each row's document id: what code training learns from. Waits
   * for a running merge and commits everything pending first.
   */
  fieldRows(field: string): { rows: Float32Array; ids: string[]; deleted: Uint8Array } {
    this.checkOpen();
    const spec = this.denseSpec(field);
    this.commitPending();
    const segments = this.base.segments;
    const ids: string[] = [];
    const deleted: number[] = [];
    for (const info of segments) {
      if (info.files[`${field}.vec`] === undefined) continue;
      const records = readSegmentIds(this.dir, info);
      const flags = this.deletedFlags(info);
      for (let i = 0; i < records.count; i++) {
        ids.push(records.text(i));
        deleted.push(flags[i]!);
      }
    }
    return { rows: readFieldRows(this.dir, segments, field, spec), ids, deleted: Uint8Array.from(deleted) };
  }

  /**
   * Encodes dense field `field` with a trained codebook and commits: the codebook is saved as the
   * field's next version (`codebooks/<field>.v<n>.safetensors`), every segment is written again with
   * its rows re-encoded (other files linked, not copied), and the schema names the codebook, so that
   * new and merged segments are encoded with it too. Everything pending is committed first; until
   * this commit, readers see the previous generation, whose files are left untouched. Returns the
   * new generation.
   */
  installCodebook(field: string, codebook: Omit<IvfPqCodebook, 'version'> | Omit<BinaryCodebook, 'version'>): number {
    this.checkOpen();
    const spec = this.denseSpec(field);
    if (!denseFamily(spec.index).takesCodebooks)
      throw new QuarryError(
        'BAD_ARGUMENT',
        `dense field "${field}" is indexed with ${spec.index}, which does not encode with trained codebooks`,
        { field: 'field' },
        'trained codes are for ivfpq and binary fields',
      );
    const version = (spec.codebook?.version ?? 0) + 1;
    const trained = { ...codebook, version } as IvfPqCodebook | BinaryCodebook;
    const binary = isBinaryCodebook(trained);
    if (binary !== (spec.index === 'binary'))
      throw new QuarryError(
        'BAD_ARGUMENT',
        `dense field "${field}" is indexed with ${spec.index}, which is not coded with ${binary ? 'a binarizer' : 'IVF-PQ codebooks'}`,
        { field: 'codebook' },
        'ivfpq fields take jpq and distill-vq codebooks, binary fields take bebr binarizers',
      );
    const codebookDim = binary ? trained.binarizer.dim : trained.quantizer.coarse.dim;
    if (codebookDim !== spec.dim)
      throw new QuarryError('BAD_ARGUMENT', `the codebook is for ${codebookDim}-d vectors, "${field}" holds ${spec.dim}-d`, {
        field: 'codebook',
      });
    this.commitPending();
    writeCodebook(this.dir, field, trained);
    const fields = { ...this.base.schema.fields, [field]: { ...spec, codebook: { version, method: codebook.method } } };
    const schema = { ...this.base.schema, fields };
    const written: string[] = [];
    try {
      const segments = this.base.segments.map((info) => {
        const name = `seg-${this.nextSegment++}`;
        written.push(name);
        return rewriteSegmentCodes(this.dir, info, name, field, spec, trained);
      });
      return this.writeGeneration(segments, true, schema);
    } catch (e) {
      for (const name of written) rmSync(join(this.dir, name), { recursive: true, force: true });
      throw e;
    }
  }

  /** Waits for a running merge and commits what is buffered, added or deleted, if anything is (no empty generation otherwise). */
  private commitPending(): void {
    this.waitForMerges();
    if (this.builder.numDocs > 0 || this.pending.length > 0 || this.tombstones.size > 0) this.commit();
  }

  private denseSpec(field: string): DenseFieldSpec {
    const spec = this.base.schema.fields[field];
    if (spec?.type !== 'dense')
      throw new QuarryError('BAD_ARGUMENT', `"${field}" is not a dense field`, { field: 'field' }, 'quarry info DIR lists the fields');
    return spec;
  }

  /** Merges every segment into one, dropping deleted documents, and commits. */
  optimize(): number {
    this.checkOpen();
    // A policy merge in progress covers only part of the segments: drop it, the force-merge covers all.
    this.running?.cancel();
    this.running = null;
    this.flush();
    const all = [...this.base.segments, ...this.pending];
    if (all.length === 0) return this.writeGeneration([], false);
    if (all.length === 1 && this.deletedCount(all[0]!) === 0) return this.writeGeneration(all, false);
    return this.writeGeneration([this.merge(all)], true);
  }

  private deletedCount(info: SegmentInfo): number {
    const pending = this.tombstones.get(info.name);
    if (pending !== undefined) return pending.reduce((a, b) => a + b, 0);
    return info.deletes?.count ?? 0;
  }

  /** A copy of a segment's deleted flags as this writer sees them (committed tombstones plus uncommitted deletes). */
  private deletedFlags(info: SegmentInfo): Uint8Array {
    const pending = this.tombstones.get(info.name);
    if (pending !== undefined) return pending.slice();
    return info.deletes !== undefined && info.deletes.count > 0
      ? readTombstones(this.dir, info.name, info.deletes, false)
      : new Uint8Array(info.numDocs);
  }

  /** Merge policy: start merging the `mergeFactor` smallest segments (by live documents) into one. */
  private startMerge(segments: readonly SegmentInfo[]): void {
    const live = (s: SegmentInfo): number => s.numDocs - this.deletedCount(s);
    const chosen = new Set(
      [...segments]
        .sort((a, b) => live(a) - live(b))
        .slice(0, this.mergeFactor)
        .map((s) => s.name),
    );
    const infos = segments.filter((s) => chosen.has(s.name));
    this.running = new BackgroundMerge(
      this.dir,
      this.nextSegment++,
      infos,
      infos.map((s) => this.deletedFlags(s)),
      this.base.schema,
      this.backgroundMerges,
      this.mergeHeapMB,
    );
  }

  /** The running merge's result once it has finished (`wait` blocks until then); a failed merge is dropped and rethrown. */
  private finishedMerge(wait: boolean): FinishedMerge | null {
    const job = this.running;
    if (job === null) return null;
    try {
      return job.result(wait);
    } catch (e) {
      this.running = null;
      throw e;
    }
  }

  /**
   * Puts the finished merge in place of its inputs in `segments` (at the first
   * input's position). Documents deleted since the merge started are deleted
   * in the merged segment too, and the id map follows the new numbering
   * (live documents of the inputs, in order).
   */
  private installMerge(segments: SegmentInfo[], done: FinishedMerge): SegmentInfo[] {
    const job = this.running!;
    job.install();
    this.running = null;
    const merged = new Uint8Array(done.info.numDocs);
    let deletedSince = 0;
    const remaps = new Map<number, Int32Array>();
    let next = 0;
    job.segments.forEach((info, i) => {
      const atStart = job.deleted[i]!;
      const current = segments.find((s) => s.name === info.name);
      const now = current === undefined ? atStart : this.deletedFlags(current);
      const remap = new Int32Array(info.numDocs).fill(-1);
      for (let d = 0; d < info.numDocs; d++) {
        if (atStart[d] !== 0) continue;
        remap[d] = next;
        if (now[d] !== 0) {
          merged[next] = 1;
          deletedSince++;
        }
        next++;
      }
      remaps.set(this.segmentNames.indexOf(info.name), remap);
      this.tombstones.delete(info.name);
    });
    if (deletedSince > 0) this.tombstones.set(done.info.name, merged);
    const s = this.segmentNames.push(done.info.name) - 1;
    for (const [id, at] of this.ids) {
      const remap = remaps.get(at.seg);
      if (remap !== undefined) this.ids.set(id, { seg: s, doc: remap[at.doc]! });
    }
    this.onMerge?.({ segments: job.segments.length, docs: done.info.numDocs - deletedSince, ms: done.ms, background: job.onWorker });
    const out: SegmentInfo[] = [];
    let placed = false;
    for (const seg of segments) {
      if (!job.names.has(seg.name)) out.push(seg);
      else if (!placed) {
        out.push(done.info);
        placed = true;
      }
    }
    return out;
  }

  /** Writes a merged segment of `infos` (with this writer's pending deletes applied). */
  private merge(infos: SegmentInfo[]): SegmentInfo {
    // checksums verified: a damaged input must fail the merge, not be rewritten as a healthy segment
    const segs = infos.map((info) => new Segment(this.dir, info, this.base.schema, true, this.tombstones.get(info.name)));
    const name = `seg-${this.nextSegment++}`;
    const started = performance.now();
    try {
      const merged = mergeSegments(this.dir, name, segs, this.base.schema);
      for (const info of infos) this.tombstones.delete(info.name);
      this.onMerge?.({ segments: infos.length, docs: merged.numDocs, ms: performance.now() - started, background: false });
      return merged;
    } catch (e) {
      rmSync(join(this.dir, name), { recursive: true, force: true });
      throw e;
    } finally {
      for (const s of segs) s.close();
    }
  }

  /**
   * Writes the next manifest. `renumbered` says whether a merge changed document
   * numbers: only then is the id map rebuilt from the segments (an O(documents) read);
   * otherwise the committed and pending segments keep the order the map already uses.
   */
  private writeGeneration(segmentInfos: SegmentInfo[], renumbered: boolean, schema = this.base.schema): number {
    const generation = this.base.generation + 1;
    const segments = segmentInfos.map((info) => {
      const flags = this.tombstones.get(info.name);
      return flags === undefined ? info : { ...info, deletes: writeTombstones(this.dir, info.name, generation, flags) };
    });
    const m: Manifest = {
      ...this.base,
      schema,
      generation,
      segments,
      nextSegment: this.nextSegment,
      committedAt: new Date().toISOString(),
    };
    writeManifest(this.dir, m);
    const schemaChanged = schema !== this.base.schema;
    this.base = m;
    if (schemaChanged) this.builder = new SegmentBuilder(schema, this.analyzers);
    this.pending = [];
    this.tombstones.clear();
    if (renumbered) this.indexIds();
    removeOldGenerations(this.dir, generation);
    return m.generation;
  }

  /** (Re)builds the id -> (segment, document) map from the committed segments' ids and tombstones. */
  private indexIds(): void {
    this.ids.clear();
    this.segmentNames.length = 0;
    for (const info of this.base.segments) {
      const ids = readSegmentIds(this.dir, info);
      const deleted = this.deletedFlags(info);
      const s = this.segmentNames.push(info.name) - 1;
      for (let i = 0; i < ids.count; i++) if (deleted[i] === 0) this.ids.set(ids.text(i), { seg: s, doc: i });
    }
  }

  /** Drops everything added since the last commit, stops a running merge and releases the lock. */
  abort(): void {
    if (this.closed) return;
    this.running?.cancel();
    this.running = null;
    this.discardUncommitted();
    this.closed = true;
    this.lock.release();
  }

  /**
   * Drops uncommitted documents and deletes (commit first to keep them), waits
   * for a running merge and commits it (as Lucene's close does), then releases
   * the lock. Use `abort()` to stop the merge instead.
   */
  close(): void {
    if (this.closed) return;
    try {
      if (this.running !== null) {
        this.discardUncommitted();
        this.waitForMerges();
      }
    } finally {
      this.abort();
    }
  }

  private discardUncommitted(): void {
    for (const s of this.pending) rmSync(join(this.dir, s.name), { recursive: true, force: true });
    this.tombstones.clear();
    this.pending = [];
    for (const id of this.builderIds) this.ids.delete(id);
    this.builderIds = [];
    this.builder = new SegmentBuilder(this.base.schema, this.analyzers);
  }

  private checkOpen(): void {
    if (this.closed) throw new QuarryError('BAD_ARGUMENT', 'this writer is closed');
  }
}
