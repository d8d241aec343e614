/**
 * The collections a server serves: one sub-folder of the data folder each.
 * Knows the committed generation each serves (search threads open their own
 * snapshots of it); when the server searches on its request thread, keeps one
 * reader snapshot per collection (replaced after each commit, the replaced one
 * closed once no request holds it); and
 * opens the collection's single writer on the first write, holding it (and
 * its lock) until the collection is dropped or the server closes. Node runs
 * handlers one at a time, so a writer is never used by two requests at once.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Collection, type CollectionInfo, type CollectionWriter, type SchemaInput, type Snapshot } from '../collection/index.js';
import { readLatestManifest, type Manifest } from '../collection/manifest.js';
import { QuarryError } from '../core/quarry-error.js';

/** Counters kept per collection for `GET /v1/collections/:name`. */
export interface CollectionStats {
  searches: number;
  documentsAdded: number;
  documentsDeleted: number;
  commits: number;
  lastCommitAt: string | null;
  /** Finished background merges the server committed by itself. */
  mergesInstalled: number;
  /** The last failure of such a commit, if any. */
  lastMergeCommitError: string | null;
}

let openings = 0;

/** A served collection. */
export class ServedCollection {
  private snapshot: Snapshot | null = null;
  /** The committed generation served. */
  private served: number;
  /** Names this opening of the collection to search threads: a dropped and re-created collection gets a new one. */
  readonly key: string;
  /** Snapshots held by requests that await between searches, with how many hold each. */
  private readonly leases = new Map<Snapshot, number>();
  private openWriter: CollectionWriter | null = null;
  readonly stats: CollectionStats = {
    searches: 0,
    documentsAdded: 0,
    documentsDeleted: 0,
    commits: 0,
    lastCommitAt: null,
    mergesInstalled: 0,
    lastMergeCommitError: null,
  };

  constructor(
    readonly name: string,
    readonly collection: Collection,
  ) {
    this.served = readLatestManifest(collection.dir).generation;
    this.key = `${name}#${++openings}`;
  }

  /** The committed generation searches read. */
  get generation(): number {
    return this.snapshot?.generation ?? this.served;
  }

  /** The manifest of the served generation. */
  manifest(): Manifest {
    return this.snapshot?.manifest ?? readLatestManifest(this.collection.dir);
  }

  /** Live documents in the served generation. */
  documents(): number {
    return this.manifest().segments.reduce((n, s) => n + s.numDocs - (s.deletes?.count ?? 0), 0);
  }

  /** Documents, segments and fields of the served generation (from the open snapshot if there is one, else from the files' headers). */
  info(): CollectionInfo {
    return this.collection.info(this.snapshot ?? undefined);
  }

  /** The newest committed generation (opened once, checksums verified). */
  reader(): Snapshot {
    this.snapshot ??= this.collection.reader();
    return this.snapshot;
  }

  /**
   * The served snapshot for a request that awaits between its searches (a
   * model, a streamed batch): it stays open until `release()` even if a commit
   * replaces it meanwhile. Handlers that search without awaiting use reader().
   */
  lease(): { snapshot: Snapshot; release: () => void } {
    const snapshot = this.reader();
    this.leases.set(snapshot, (this.leases.get(snapshot) ?? 0) + 1);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const left = this.leases.get(snapshot)! - 1;
      if (left > 0) this.leases.set(snapshot, left);
      else {
        this.leases.delete(snapshot);
        if (snapshot !== this.snapshot) snapshot.close();
      }
    };
    return { snapshot, release };
  }

  /** Serves `next` and closes the snapshot it replaces unless a request still holds it (then its last release closes it). */
  private replaceSnapshot(next: Snapshot | null): void {
    const old = this.snapshot;
    this.snapshot = next;
    if (old !== null && old !== next && !this.leases.has(old)) old.close();
  }

  /** After a commit: an open snapshot moves to the new generation (sharing unchanged segments); none is opened otherwise. */
  private moveSnapshot(): void {
    if (this.snapshot !== null) this.replaceSnapshot(this.collection.reader({ verifyChecksums: false, previous: this.snapshot }));
  }

  /** The collection's writer, opened (and locked) on first use. */
  writer(): CollectionWriter {
    this.openWriter ??= this.collection.writer();
    return this.openWriter;
  }

  /** True when writes are waiting for a commit. */
  get hasUncommittedChanges(): boolean {
    return this.openWriter?.hasUncommittedChanges ?? false;
  }

  /** Commits (or, with `optimize`, merges everything and commits) and moves readers to the new generation. */
  commit(optimize = false): number {
    const w = this.writer();
    const generation = optimize ? w.optimize() : w.commit();
    this.served = generation;
    this.moveSnapshot();
    this.stats.commits++;
    this.stats.lastCommitAt = new Date().toISOString();
    return generation;
  }

  /**
   * Commits a finished background merge when nothing else waits for a commit, so
   * that searches see the merged segment without waiting for the next write. A
   * failed merge is left for the next commit to report. Returns true when it committed.
   */
  installFinishedMerge(): boolean {
    const w = this.openWriter;
    if (w === null || !w.mergeReady || w.hasUncommittedChanges) return false;
    try {
      this.served = w.commit();
    } catch (e) {
      // Runs from a timer: keep the server up and say what happened in the collection's stats.
      this.stats.lastMergeCommitError = (e as Error).message;
      return false;
    }
    this.moveSnapshot();
    this.stats.mergesInstalled++;
    return true;
  }

  /** Releases the writer (committing pending changes first when `commit` is true, else dropping them) and the served snapshot. */
  close(commit: boolean): void {
    const writer = this.openWriter;
    this.openWriter = null;
    try {
      if (writer !== null && commit && writer.hasUncommittedChanges) {
        this.openWriter = writer;
        this.commit();
        this.openWriter = null;
      }
    } catch (e) {
      // the lock is released whatever the commit did: a failed commit keeps the previous generation
      this.openWriter = null;
      writer?.abort();
      this.replaceSnapshot(null);
      throw e;
    }
    writer?.close();
    this.replaceSnapshot(null);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Validates a collection name from a URL. */
function checkCollectionName(name: string): void {
  if (!NAME.test(name) || name.includes('..')) {
    throw new QuarryError(
      'BAD_ARGUMENT',
      `"${name}" is not a valid collection name`,
      { field: 'name' },
      'use 1-64 letters, digits, "_", "-" or ".", starting with a letter or digit',
    );
  }
}

/** All collections under one data folder. */
export class CollectionRegistry {
  private readonly open = new Map<string, ServedCollection>();
  private readonly mergeTimer: NodeJS.Timeout;

  /** @param mergePollMs how often finished background merges are looked for and committed. */
  constructor(
    readonly dataDir: string,
    mergePollMs = 1000,
  ) {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
    else if (!statSync(dataDir).isDirectory()) throw new QuarryError('BAD_ARGUMENT', 'is not a directory', { file: dataDir });
    this.mergeTimer = setInterval(() => this.installFinishedMerges(), mergePollMs);
    this.mergeTimer.unref();
  }

  /** Commits the finished background merges of collections with nothing else to commit. */
  installFinishedMerges(): string[] {
    const done: string[] = [];
    for (const c of this.open.values()) if (c.installFinishedMerge()) done.push(c.name);
    return done;
  }

  /** Names of the collections in the data folder, sorted. */
  names(): string[] {
    return readdirSync(this.dataDir)
      .filter((n) => NAME.test(n) && Collection.exists(join(this.dataDir, n)))
      .sort();
  }

  /** The served collection `name`, or NOT_FOUND naming the ones that exist. */
  get(name: string): ServedCollection {
    checkCollectionName(name);
    let c = this.open.get(name);
    if (c !== undefined) return c;
    const dir = join(this.dataDir, name);
    if (!Collection.exists(dir)) {
      const have = this.names();
      throw new QuarryError(
        'NOT_FOUND',
        `no collection "${name}"`,
        { field: 'name' },
        have.length > 0 ? `collections: ${have.join(', ')}` : 'create one with PUT /v1/collections/{name}',
      );
    }
    c = new ServedCollection(name, Collection.open(dir));
    this.open.set(name, c);
    return c;
  }

  /** Creates collection `name` with `schema`. */
  create(name: string, schema: unknown): ServedCollection {
    checkCollectionName(name);
    const dir = join(this.dataDir, name);
    if (Collection.exists(dir))
      throw new QuarryError(
        'ALREADY_EXISTS',
        `collection "${name}" already exists`,
        { field: 'name' },
        'drop it first, or choose another name',
      );
    // checked by create, which names what is wrong
    const c = new ServedCollection(name, Collection.create(dir, schema as SchemaInput));
    this.open.set(name, c);
    return c;
  }

  /** Deletes collection `name` and its files (uncommitted writes are dropped). */
  drop(name: string): void {
    const c = this.get(name);
    c.close(false);
    this.open.delete(name);
    rmSync(join(this.dataDir, name), { recursive: true, force: true });
  }

  /**
   * Closes every writer, committing pending changes when `commit` is true, and releases
   * every lock: one collection that cannot commit does not stop the others from
   * committing. Returns the names committed and those that failed, with why.
   */
  closeAll(commit: boolean): { committed: string[]; failed: { name: string; error: string }[] } {
    clearInterval(this.mergeTimer);
    const committed: string[] = [];
    const failed: { name: string; error: string }[] = [];
    for (const c of this.open.values()) {
      const pending = commit && c.hasUncommittedChanges;
      try {
        c.close(commit);
        if (pending) committed.push(c.name);
      } catch (e) {
        failed.push({ name: c.name, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return { committed, failed };
  }

  /** Collections opened so far (for metrics). */
  opened(): ServedCollection[] {
    return [...this.open.values()];
  }
}
