/**
 * A collection: a folder holding committed generations (manifests) and
 * immutable segment folders.
 *
 * @example
 * const c = Collection.create('./my-index', BEIR_FLAT_SCHEMA);
 * const w = c.writer();
 * w.add({ _id: 'd1', title: 'Hello', text: 'world' });
 * w.commit();
 * w.close();
 * c.reader().search('hello', { k: 5 });
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { absoluteEncoderPaths } from '../encode/field-encoders.js';
import { fsyncDirectory, ioError } from '../io/atomic-file.js';
import { QuarryError } from '../core/quarry-error.js';
import { listGenerations, MANIFEST_FORMAT, readLatestManifest, readManifest, writeManifest, type Manifest } from './manifest.js';
import { removeQuietly } from './generations.js';
import { Snapshot } from './snapshot/snapshot.js';
import { chooseSetting, DEEP_SEARCH, DEFAULT_TARGET_RECALL } from '../index/dense/recall-tuning.js';
import { INT8_DEFAULTS } from '../index/dense/int8/params.js';
import { CALIBRATION_FILE } from './calibration-file.js';
import { listFieldAdapters } from '../learn/drift/drift-adapter-file.js';
import { segmentTextCounts } from './segment.js';
import { parseSchema, type CollectionSchema, type SchemaInput } from './schema.js';
import { acquireWriteLock } from './write-lock.js';
import { checkWriterOptions, CollectionWriter, type WriterOptions } from './writer.js';

/** Sizes and counts shown by `quarry info`. */
export interface CollectionInfo {
  dir: string;
  generation: number;
  documents: number;
  segments: { name: string; documents: number; bytes: number }[];
  /**
   * Per field: text fields count terms and postings; dense fields name their index
   * family, metric, dimension and where their rescoring floats stay.
   */
  fields: {
    name: string;
    type: string;
    terms?: number;
    postings?: number;
    /** Text fields: segments (holding the field) whose postings keep token positions, out of how many. */
    positions?: { segments: number; of: number };
    index?: string;
    metric?: string;
    dim?: number;
    floats?: 'memory' | 'disk';
    /** ivfpq and binary fields encoded with a trained codebook (`quarry train-codes`): its version and method. */
    codebook?: { version: number; method: string };
    /** int8 fields rescoring from low-rank rows (params lowRank, sparseResidual): their rank and residual entries. */
    lowRank?: { rank: number; sparse: number };
    /**
     * Dense, Seismic and MUVERA fields: the recall@10 searches without parameters aim for,
     * and per tuned segment the setting its measured curve chose for a query spec's leg (which
     * fetches 100 candidates) and the recall it predicts.
     */
    recall?: { target: number; segments: { segment: string; params: Record<string, number>; predicted: number }[] };
  }[];
  bytes: number;
  schema: CollectionSchema;
  /** Drift adapters saved with the collection (`quarry adapter`), by name. */
  adapters: string[];
  /** Whether a relevance calibration was fitted (`quarry calibrate`). */
  calibrated: boolean;
}

/**
 * A collection folder. `D` is the type of its documents as the application writes them
 * (default: any object); the writer's `add` takes a `D` and hits' `stored` is a partial `D`.
 */
export class Collection<D extends object = Record<string, unknown>> {
  private constructor(readonly dir: string) {}

  /** True when `dir` holds a collection. */
  static exists(dir: string): boolean {
    return listGenerations(dir).length > 0;
  }

  /**
   * Creates an empty collection with `schema` in `dir` (which must be absent or empty).
   * The schema is checked at run time too (a schema read from a file is `unknown`: cast it,
   * or pass it through `parseSchema`, which names what is wrong).
   */
  static create<D extends object = Record<string, unknown>>(dir: string, schema: SchemaInput | CollectionSchema): Collection<D> {
    const parsed = parseSchema(schema);
    // Encoder paths are kept absolute, so the collection encodes the same way from any working directory.
    for (const f of Object.values(parsed.fields)) {
      if (f.type === 'dense' && f.encoder !== undefined) f.encoder.path = resolve(f.encoder.path);
      if ((f.type === 'sparse' || f.type === 'multivector') && f.encoder !== undefined) absoluteEncoderPaths(f.encoder, (p) => resolve(p));
    }
    for (const r of Object.values(parsed.rerankers ?? {})) r.path = resolve(r.path);
    if (existsSync(dir)) {
      if (!statSync(dir).isDirectory()) throw new QuarryError('ALREADY_EXISTS', 'exists and is not a directory', { file: dir });
      if (Collection.exists(dir))
        throw new QuarryError('ALREADY_EXISTS', 'is already a collection', { file: dir }, 'open it instead, or choose another folder');
      const entries = readdirSync(dir);
      // A create interrupted before its first manifest leaves at most that manifest's temporary file.
      const leftovers = entries.filter((f) => /^manifest-1\.json\.tmp-\d+$/.test(f));
      if (entries.length > leftovers.length)
        throw new QuarryError('ALREADY_EXISTS', 'folder is not empty', { file: dir }, 'use a new or empty folder');
      for (const f of leftovers) rmSync(join(dir, f), { force: true });
    } else {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw ioError(dir, e);
      }
    }
    const m: Manifest = {
      format: MANIFEST_FORMAT,
      generation: 1,
      schema: parsed,
      segments: [],
      nextSegment: 1,
      committedAt: new Date().toISOString(),
    };
    writeManifest(dir, m);
    fsyncDirectory(dir);
    return new Collection<D>(dir);
  }

  /** Opens an existing collection. */
  static open<D extends object = Record<string, unknown>>(dir: string): Collection<D> {
    readLatestManifest(dir); // fails clearly when dir is not a collection
    return new Collection<D>(dir);
  }

  /** The schema of the current generation. */
  get schema(): CollectionSchema {
    return readLatestManifest(this.dir).schema;
  }

  /** Opens the single writer (fails with LOCKED if another writer holds the lock). */
  writer(opts: WriterOptions = {}): CollectionWriter<D> {
    checkWriterOptions(opts);
    const lock = acquireWriteLock(this.dir);
    try {
      this.removeOrphans();
      return new CollectionWriter<D>(this.dir, lock, opts);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /**
   * Opens a snapshot of the newest generation, verifying every file's checksum.
   * With `previous` (an earlier snapshot of this collection), segments that
   * have not changed since are shared with it rather than read again.
   */
  reader(opts: { verifyChecksums?: boolean; previous?: Snapshot } = {}): Snapshot<D> {
    for (const name of Object.keys(opts)) {
      if (name !== 'verifyChecksums' && name !== 'previous')
        throw new QuarryError(
          'BAD_ARGUMENT',
          `"${name}" is not a reader option`,
          { field: name },
          'reader options: verifyChecksums, previous',
        );
    }
    return new Snapshot<D>(this.dir, readLatestManifest(this.dir), opts.verifyChecksums ?? true, opts.previous ?? null);
  }

  /**
   * Documents, segments, fields and sizes of the newest generation, or of `snapshot`
   * (one of this collection's). Neither opens a snapshot: the figures come from the
   * manifest and the text fields' tables of contents (or the open snapshot's fields).
   */
  info(snapshot?: Snapshot): CollectionInfo {
    if (snapshot !== undefined && resolve(snapshot.dir) !== resolve(this.dir)) {
      throw new QuarryError('BAD_ARGUMENT', 'the snapshot is of another collection', { file: snapshot.dir });
    }
    const m = snapshot?.manifest ?? readLatestManifest(this.dir);
    const textCounts = (name: string): { terms: number; postings: number; positions: { segments: number; of: number } } => {
      let terms = 0;
      let postings = 0;
      const positions = { segments: 0, of: 0 };
      m.segments.forEach((info, i) => {
        const loaded = snapshot?.segments[i]!.fields.get(name);
        const c =
          loaded !== undefined
            ? { terms: loaded.numTerms, postings: loaded.data.numPostings, positions: loaded.data.positions !== undefined }
            : snapshot === undefined
              ? segmentTextCounts(this.dir, info, name)
              : null;
        terms += c?.terms ?? 0;
        postings += c?.postings ?? 0;
        if (c !== null) {
          positions.of++;
          if (c.positions) positions.segments++;
        }
      });
      return { terms, postings, positions };
    };
    const segments = m.segments.map((s) => ({
      name: s.name,
      documents: s.numDocs,
      bytes: Object.values(s.files).reduce((a, f) => a + f.bytes, 0),
    }));
    const fields = Object.entries(m.schema.fields).map(([name, spec]) => {
      // the setting each tuned segment chose for a query spec's leg (100 candidates), and its predicted recall
      const recallOf = (target: number): { recall?: NonNullable<CollectionInfo['fields'][number]['recall']> } => {
        const segments = m.segments.flatMap((s) => {
          const p = chooseSetting(s.tuning?.[name], target, DEEP_SEARCH);
          return p === null ? [] : [{ segment: s.name, params: p.params, predicted: p.recall }];
        });
        return segments.length > 0 ? { recall: { target, segments } } : {};
      };
      if (spec.type === 'dense') {
        return {
          name,
          type: spec.type,
          index: spec.index,
          metric: spec.metric,
          dim: spec.dim,
          floats: spec.floats ?? 'memory',
          ...(spec.codebook !== undefined ? { codebook: spec.codebook } : {}),
          ...(spec.index === 'int8' && (spec.params.lowRank ?? 0) > 0
            ? { lowRank: { rank: spec.params.lowRank!, sparse: spec.params.sparseResidual ?? INT8_DEFAULTS.sparseResidual } }
            : {}),
          ...recallOf(spec.targetRecall ?? DEFAULT_TARGET_RECALL),
        };
      }
      if (spec.type === 'sparse')
        return { name, type: spec.type, index: spec.index, ...recallOf(spec.targetRecall ?? DEFAULT_TARGET_RECALL) };
      if (spec.type === 'multivector') return { name, type: spec.type, ...recallOf(spec.targetRecall ?? DEFAULT_TARGET_RECALL) };
      if (spec.type !== 'text') return { name, type: spec.type };
      return { name, type: 'text', ...textCounts(name) };
    });
    return {
      dir: this.dir,
      generation: m.generation,
      documents: m.segments.reduce((a, info) => a + info.numDocs - (info.deletes?.count ?? 0), 0),
      segments,
      fields,
      bytes: segments.reduce((a, s) => a + s.bytes, 0),
      schema: m.schema,
      adapters: listFieldAdapters(this.dir),
      calibrated: existsSync(join(this.dir, CALIBRATION_FILE)),
    };
  }

  /** Removes segment and merge folders that no manifest refers to (left by a crashed or aborted writer). */
  private removeOrphans(): void {
    const referenced = new Set<string>();
    for (const g of listGenerations(this.dir)) {
      try {
        for (const s of readManifest(this.dir, g).segments) referenced.add(s.name);
      } catch {
        // an unreadable old manifest references nothing we can trust
      }
    }
    for (const entry of readdirSync(this.dir)) {
      if (/^seg-\d+$/.test(entry) && !referenced.has(entry)) removeQuietly(join(this.dir, entry));
      // A background merge that never reached a commit (the writer crashed, or was aborted).
      if (/^merge-\d+-[0-9a-z]+$/.test(entry)) removeQuietly(join(this.dir, entry));
      if (entry.includes('.tmp-')) removeQuietly(join(this.dir, entry));
    }
  }
}
