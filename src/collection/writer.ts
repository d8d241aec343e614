/**
 * The collection writer: buffers documents into a segment builder, flushes
 * full builders as new segment folders, and commits by writing the next
 * manifest. Nothing is visible to readers until `commit()` returns; `abort()`
 * (or a failure) removes the uncommitted segment folders, leaving the
 * collection exactly as it was.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorLocation } from '../io/quarry-error.js';
import { QuarryError } from '../io/quarry-error.js';
import type { Analyzer } from '../text/analyzer.js';
import { DocumentPreparer, type EncodedValue, type PreparedDocument } from './document.js';
import { readLatestManifest, writeManifest, type Manifest, type SegmentInfo } from './manifest.js';
import { analyzersOf, Segment, SegmentBuilder } from './segment.js';
import type { WriteLock } from './write-lock.js';
import { writeTombstones } from './tombstones.js';
import { mergeSegments } from './merge.js';
import { removeOldGenerations } from './generations.js';

/** Writer settings. */
export interface WriterOptions {
  /** Flush a segment once this many postings are buffered (default 48 million, about 600 MB). */
  flushPostings?: number;
  /** Flush a segment once this many documents are buffered (default 2 million). */
  flushDocs?: number;
  /** Merge policy: when a commit would leave more segments than this (default 10), the smallest are merged. */
  maxSegments?: number;
  /** Merge policy: how many of the smallest segments are merged at once (default 10). */
  mergeFactor?: number;
  /** Called after each merge (by the policy or optimize) with what it did, e.g. for logs and benchmarks. */
  onMerge?: (merge: MergeReport) => void;
}

/** One finished merge. */
export interface MergeReport {
  /** Segments merged. */
  segments: number;
  /** Live documents in the merged segment (deleted ones are dropped). */
  docs: number;
  /** Wall time of the merge in milliseconds. */
  ms: number;
}

/** Adds documents to a collection. Single writer per collection (see `write.lock`). */
export class CollectionWriter {
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
  private readonly flushPostings: number;
  private readonly flushDocs: number;
  private readonly maxSegments: number;
  private readonly mergeFactor: number;
  private readonly onMerge: ((merge: MergeReport) => void) | undefined;

  constructor(
    readonly dir: string,
    private readonly lock: WriteLock,
    opts: WriterOptions = {},
  ) {
    this.base = readLatestManifest(dir);
    this.nextSegment = this.base.nextSegment;
    this.preparer = new DocumentPreparer(this.base.schema);
    this.analyzers = analyzersOf(this.base.schema);
    this.builder = new SegmentBuilder(this.base.schema, this.analyzers);
    this.flushPostings = opts.flushPostings ?? 48_000_000;
    this.flushDocs = opts.flushDocs ?? 2_000_000;
    this.maxSegments = opts.maxSegments ?? 10;
    this.mergeFactor = Math.max(2, opts.mergeFactor ?? 10);
    this.onMerge = opts.onMerge;
    for (const info of this.base.segments) {
      const seg = new Segment(dir, info, this.base.schema, false);
      const s = this.segmentNames.push(info.name) - 1;
      for (let i = 0; i < seg.ids.count; i++) if (seg.deleted === null || seg.deleted[i] === 0) this.ids.set(seg.ids.text(i), { seg: s, doc: i });
    }
  }

  /** Documents added since the last commit. */
  get uncommittedDocs(): number {
    let n = this.builder.numDocs;
    for (const s of this.pending) n += s.numDocs;
    return n;
  }

  /** True when documents were added or deleted since the last commit. */
  get hasUncommittedChanges(): boolean {
    return this.builder.numDocs > 0 || this.pending.length > 0 || this.tombstones.size > 0;
  }

  /**
   * Validates and adds a document. `where` (file and line) is used in error
   * messages. A duplicate id is an error: updates come with deletes.
   */
  add(raw: Record<string, unknown>, where: ErrorLocation = {}): void {
    this.checkOpen();
    this.addPrepared(this.preparer.prepare(raw, where), where);
  }

  private addPrepared(doc: PreparedDocument, where: ErrorLocation): void {
    if (this.ids.has(doc.id)) {
      throw new QuarryError('BAD_INPUT', `duplicate document id "${doc.id}"`, { ...where, field: this.base.schema.id }, 'ids must be unique within a collection; use update() to replace a document');
    }
    this.ids.set(doc.id, { seg: -1, doc: this.builder.numDocs });
    this.builderIds.push(doc.id);
    this.builder.add(doc);
    if (this.builder.postings >= this.flushPostings || this.builder.numDocs >= this.flushDocs) this.flush();
  }

  /** Replaces the document with the same id (or adds it when absent): delete + add. */
  update(raw: Record<string, unknown>, where: ErrorLocation = {}): void {
    this.checkOpen();
    const doc = this.preparer.prepare(raw, where);
    this.delete(doc.id);
    this.addPrepared(doc, where);
  }

  /**
   * Validates every document of a batch before changing anything, then adds
   * (or, with `mode: 'update'`, replaces) them all: a bad document anywhere
   * leaves the writer exactly as it was. `whereOf(i)` locates document i in
   * error messages. Returns how many documents replaced an existing one.
   */
  addBatch(raws: readonly Record<string, unknown>[], mode: 'add' | 'update', whereOf: (i: number) => ErrorLocation = () => ({}), encoded?: readonly ReadonlyMap<string, EncodedValue>[]): { added: number; replaced: number } {
    this.checkOpen();
    const docs = raws.map((raw, i) => this.preparer.prepare(raw, whereOf(i), encoded?.[i]));
    const seen = new Map<string, number>();
    docs.forEach((doc, i) => {
      const first = seen.get(doc.id);
      if (first !== undefined) {
        throw new QuarryError('BAD_INPUT', `duplicate document id "${doc.id}" (also at document ${first + 1} of this batch)`, { ...whereOf(i), field: this.base.schema.id }, 'each id may appear once per batch');
      }
      seen.set(doc.id, i);
      if (mode === 'add' && this.ids.has(doc.id)) {
        throw new QuarryError('BAD_INPUT', `duplicate document id "${doc.id}"`, { ...whereOf(i), field: this.base.schema.id }, 'the collection already has it; send it with mode "update" to replace it');
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
    raws: readonly Record<string, unknown>[],
    mode: 'add' | 'update',
    whereOf: (i: number) => ErrorLocation = () => ({}),
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ added: number; replaced: number }> {
    this.checkOpen();
    const encoded = this.preparer.hasAsyncEncoders ? await this.preparer.encodeAsyncFields(raws, whereOf, onProgress) : undefined;
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
      const info = [...this.base.segments, ...this.pending].find((s) => s.name === name)!;
      flags = info.deletes !== undefined && info.deletes.count > 0 ? new Segment(this.dir, info, this.base.schema, false).deleted!.slice() : new Uint8Array(info.numDocs);
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
   * readers, then applies the merge policy. Returns the new generation.
   */
  commit(): number {
    this.flush();
    let segments = [...this.base.segments, ...this.pending];
    const merging = segments.length > this.maxSegments;
    if (merging) segments = this.mergeSmallest(segments);
    return this.writeGeneration(segments, merging);
  }

  /** Merges every segment into one, dropping deleted documents, and commits. */
  optimize(): number {
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

  /** Merge policy: merge the `mergeFactor` smallest segments into one. */
  private mergeSmallest(segments: SegmentInfo[]): SegmentInfo[] {
    const live = (s: SegmentInfo): number => s.numDocs - this.deletedCount(s);
    const chosen = new Set([...segments].sort((a, b) => live(a) - live(b)).slice(0, this.mergeFactor).map((s) => s.name));
    const merged = this.merge(segments.filter((s) => chosen.has(s.name)));
    const out: SegmentInfo[] = [];
    let placed = false;
    for (const s of segments) {
      if (!chosen.has(s.name)) out.push(s);
      else if (!placed) {
        out.push(merged);
        placed = true;
      }
    }
    return out;
  }

  /** Writes a merged segment of `infos` (with this writer's pending deletes applied). */
  private merge(infos: SegmentInfo[]): SegmentInfo {
    const segs = infos.map((info) => new Segment(this.dir, info, this.base.schema, false, this.tombstones.get(info.name)));
    const name = `seg-${this.nextSegment++}`;
    const started = performance.now();
    try {
      const merged = mergeSegments(this.dir, name, segs, this.base.schema);
      for (const info of infos) this.tombstones.delete(info.name);
      this.onMerge?.({ segments: infos.length, docs: merged.numDocs, ms: performance.now() - started });
      return merged;
    } catch (e) {
      rmSync(join(this.dir, name), { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * Writes the next manifest. `renumbered` says whether a merge changed document
   * numbers: only then is the id map rebuilt from the segments (an O(documents) read);
   * otherwise the committed and pending segments keep the order the map already uses.
   */
  private writeGeneration(segmentInfos: SegmentInfo[], renumbered: boolean): number {
    const generation = this.base.generation + 1;
    const segments = segmentInfos.map((info) => {
      const flags = this.tombstones.get(info.name);
      return flags === undefined ? info : { ...info, deletes: writeTombstones(this.dir, info.name, generation, flags) };
    });
    const m: Manifest = { ...this.base, generation, segments, nextSegment: this.nextSegment, committedAt: new Date().toISOString() };
    writeManifest(this.dir, m);
    this.base = m;
    this.pending = [];
    this.tombstones.clear();
    if (renumbered) this.reindexIds();
    removeOldGenerations(this.dir, generation);
    return m.generation;
  }

  /** Rebuilds the id -> (segment, document) map after segments changed. */
  private reindexIds(): void {
    this.ids.clear();
    this.segmentNames.length = 0;
    for (const info of this.base.segments) {
      const seg = new Segment(this.dir, info, this.base.schema, false);
      const s = this.segmentNames.push(info.name) - 1;
      for (let i = 0; i < seg.ids.count; i++) if (seg.deleted === null || seg.deleted[i] === 0) this.ids.set(seg.ids.text(i), { seg: s, doc: i });
    }
  }

  /** Drops everything added since the last commit and releases the lock. */
  abort(): void {
    if (this.closed) return;
    for (const s of this.pending) rmSync(join(this.dir, s.name), { recursive: true, force: true });
    this.tombstones.clear();
    this.pending = [];
    this.closed = true;
    this.lock.release();
  }

  /** Releases the lock. Uncommitted documents are dropped (commit first to keep them). */
  close(): void {
    this.abort();
  }

  private checkOpen(): void {
    if (this.closed) throw new QuarryError('BAD_ARGUMENT', 'this writer is closed');
  }
}
