/**
 * A segment merge running on a worker thread while the writer goes on adding,
 * deleting and committing (Lucene's concurrent merge scheduler, one merge at a
 * time). The worker writes the merged segment into a `merge-<n>-<tag>` folder that
 * no manifest refers to; the writer renames it to `seg-<n>` when it commits
 * the result, so a crash at any moment leaves only an orphan folder that the
 * next writer removes. The writer can poll for the outcome, block until it is
 * ready (Atomics.wait on a shared flag, so `commit()` and `close()` stay
 * synchronous), or cancel the merge.
 */
import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { compiledWorkerScript } from '../io/worker-script.js';
import { fsyncDirectory, ioError } from '../io/atomic-file.js';
import { QuarryError, type QuarryErrorCode } from '../core/quarry-error.js';
import type { SegmentInfo } from './manifest.js';
import { mergeSegments } from './merge.js';
import type { CollectionSchema } from './schema.js';
import { Segment } from './segment.js';

/** What the worker is given (structured-cloned). */
export interface MergeJob {
  dir: string;
  /** Folder the merged segment is written to (`merge-<n>`). */
  folder: string;
  segments: SegmentInfo[];
  /** Deleted flags of each segment when the merge started (the writer's view, uncommitted deletes included). */
  deleted: Uint8Array[];
  schema: CollectionSchema;
}

/** What the worker reports. */
export type MergeOutcome =
  { ok: true; info: SegmentInfo; ms: number } | { ok: false; name: string; code: string | undefined; message: string; ms: number };

/** A finished merge, ready to be committed. */
export interface FinishedMerge {
  /** The merged segment, named `seg-<n>` (its folder still `merge-<n>-<tag>` until {@link BackgroundMerge.install}). */
  info: SegmentInfo;
  /** Wall time of the merge in milliseconds. */
  ms: number;
}

/** Describes a failure as a MergeOutcome (errors do not cross threads as they are). */
function failedMerge(e: unknown, started: number): MergeOutcome {
  const err = e as Error & { code?: unknown };
  return {
    ok: false,
    name: err.name,
    code: typeof err.code === 'string' ? err.code : undefined,
    message: err.message,
    ms: performance.now() - started,
  };
}

/** Runs one merge where it is called (the worker's body, and the fallback without a worker). */
export function runMerge(
  dir: string,
  folder: string,
  segments: readonly SegmentInfo[],
  deleted: readonly Uint8Array[],
  schema: CollectionSchema,
): MergeOutcome {
  const started = performance.now();
  const segs: Segment[] = [];
  try {
    // checksums verified: a damaged input must fail the merge, not be rewritten as a healthy segment
    for (let i = 0; i < segments.length; i++) segs.push(new Segment(dir, segments[i]!, schema, true, deleted[i]));
    return { ok: true, info: mergeSegments(dir, folder, segs, schema), ms: performance.now() - started };
  } catch (e) {
    return failedMerge(e, started);
  } finally {
    for (const s of segs) s.close();
  }
}

/**
 * The compiled supervisor script (merge-supervisor.js, next to merge-worker.js),
 * or null when only sources exist (then merges run in the writer's thread).
 */
function workerScript(): URL | null {
  return compiledWorkerScript(import.meta.url, 'merge-supervisor.js');
}

const QUARRY_CODES = new Set<QuarryErrorCode>([
  'BAD_INPUT',
  'BAD_ARGUMENT',
  'BAD_SCHEMA',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CORRUPT',
  'LOCKED',
  'IO',
  'EMPTY',
]);

function outcomeError(o: Extract<MergeOutcome, { ok: false }>, folder: string): Error {
  if (o.name === 'QuarryError' && o.code !== undefined && QUARRY_CODES.has(o.code as QuarryErrorCode)) {
    return new QuarryError(o.code as QuarryErrorCode, `background merge failed: ${o.message}`);
  }
  return new QuarryError(
    'IO',
    `background merge into ${folder} failed: ${o.message}`,
    {},
    'the collection is unchanged; the merge is retried at a later commit',
  );
}

let mergeCounter = 0;

/** One merge in progress (or finished and not yet committed). */
export class BackgroundMerge {
  /** Segment names being merged. */
  readonly names: ReadonlySet<string>;
  private readonly worker: Worker | null;
  private readonly port: MessagePort | null;
  private readonly done: Int32Array;
  private outcome: MergeOutcome | null = null;

  /**
   * Starts merging `segments` (with their `deleted` flags as of now) into
   * `seg-<number>`. Runs on a worker thread when `background` is true and the
   * compiled worker exists; otherwise merges before returning.
   */
  constructor(
    private readonly dir: string,
    readonly number: number,
    readonly segments: readonly SegmentInfo[],
    readonly deleted: readonly Uint8Array[],
    schema: CollectionSchema,
    background: boolean,
    /** Heap limit of the merge worker in MB (old generation), or undefined for Node's default. */
    heapMB?: number,
  ) {
    this.names = new Set(segments.map((s) => s.name));
    this.folder = `merge-${number}-${(mergeCounter++).toString(36)}${Date.now().toString(36)}`;
    this.done = new Int32Array(new SharedArrayBuffer(4));
    const script = background ? workerScript() : null;
    if (script === null) {
      this.worker = null;
      this.port = null;
      this.outcome = runMerge(dir, this.folder, segments, deleted, schema);
      return;
    }
    const { port1, port2 } = new MessageChannel();
    const job: MergeJob = { dir, folder: this.folder, segments: [...segments], deleted: [...deleted], schema };
    this.port = port1;
    // The supervisor runs the merge worker and wakes this thread however that worker ends.
    this.worker = new Worker(script, { workerData: { job, port: port2, done: this.done, heapMB }, transferList: [port2] });
    // A process that ends without waiting drops the merge; the next writer removes its folder.
    this.worker.unref();
  }

  /** Folder the merged segment is written to until it is installed (unique, so that a cancelled merge's late clean-up never touches a newer one). */
  readonly folder: string;

  /** The merged segment's name once installed. */
  get name(): string {
    return `seg-${this.number}`;
  }

  /** True when the merge runs on a worker thread (false: it ran in the constructor). */
  get onWorker(): boolean {
    return this.worker !== null;
  }

  /** True once the merge has finished (successfully or not). */
  get finished(): boolean {
    return this.take(false) !== null;
  }

  /** True once the merge has finished successfully. */
  get succeeded(): boolean {
    return this.take(false)?.ok === true;
  }

  /**
   * The finished merge, or null while it runs (`wait` blocks until it ends).
   * A failed merge removes its folder and throws.
   */
  result(wait: boolean): FinishedMerge | null {
    const o = this.take(wait);
    if (o === null) return null;
    if (!o.ok) {
      rmSync(join(this.dir, this.folder), { recursive: true, force: true });
      throw outcomeError(o, this.folder);
    }
    return { info: { ...o.info, name: this.name }, ms: o.ms };
  }

  private take(wait: boolean): MergeOutcome | null {
    if (this.outcome !== null) return this.outcome;
    if (this.port === null) return null;
    if (wait) Atomics.wait(this.done, 0, 0);
    else if (Atomics.load(this.done, 0) === 0) return null;
    const msg = receiveMessageOnPort(this.port);
    if (msg !== undefined) this.outcome = msg.message as MergeOutcome;
    if (this.outcome !== null) {
      this.port.close();
      void this.worker?.terminate();
    }
    return this.outcome;
  }

  /** Renames the finished merge's folder to its segment name (durably), ready to be referenced by a manifest. */
  install(): void {
    const from = join(this.dir, this.folder);
    try {
      renameSync(from, join(this.dir, this.name));
    } catch (e) {
      throw ioError(from, e);
    }
    fsyncDirectory(this.dir);
  }

  /** Stops the merge and removes what it wrote. */
  cancel(): void {
    const folder = join(this.dir, this.folder);
    this.port?.close();
    if (this.worker === null || this.outcome !== null) {
      rmSync(folder, { recursive: true, force: true });
      return;
    }
    void this.worker.terminate().then(() => rmSync(folder, { recursive: true, force: true }));
  }
}
