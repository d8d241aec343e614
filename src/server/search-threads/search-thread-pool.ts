/**
 * The server's search threads: searches run on worker threads so that one slow
 * or hostile search never holds the thread that answers `/health`, takes writes
 * and handles SIGTERM. Each search also runs under the cooperative deadline
 * (core/deadline.ts); a search that has not answered a short grace after its
 * deadline (work the cooperative checks do not reach, such as a model's
 * inference) has its thread stopped and replaced, and is answered 503 TIMEOUT.
 * Jobs wait in one first-come queue for a free thread.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript } from '../../io/worker-script.js';
import { ApiError } from '../api-error.js';
import {
  fromSearchFailure,
  type RunRanking,
  type SearchAnswer,
  type SearchFailure,
  type SearchJob,
  type RunRequest,
  type SearchRequest,
} from './search-work.js';

/** What the request thread posts to a search thread. */
export type ThreadMessage = { type: 'job'; id: number; job: SearchJob } | { type: 'forget'; collectionKey: string };

/** What a search thread posts back about job `id`. */
export type ThreadReply =
  | { id: number; type: 'answer'; answer: SearchAnswer }
  | { id: number; type: 'ranking'; ranking: RunRanking }
  | { id: number; type: 'done'; generation: number }
  | { id: number; type: 'failed'; failure: SearchFailure };

/** Time past its deadline a search may take to answer before its thread is stopped. */
export const SEARCH_GRACE_MS = 500;

/** The error of a search asked for, or cut off, while the server closes. */
function shuttingDown(): ApiError {
  return new ApiError(503, 'SHUTTING_DOWN', 'the server is shutting down');
}

/** A job waiting for, or running on, a thread. */
interface Task {
  id: number;
  job: Omit<SearchJob, 'timeoutMs'>;
  /** The request's deadline, a `performance.now()` time. */
  deadline: number;
  onReply: (reply: ThreadReply) => void;
  fail: (e: Error) => void;
}

/** One thread and the task it runs. */
interface Slot {
  worker: Worker | null;
  task: Task | null;
  watchdog: NodeJS.Timeout | null;
}

/** Searches on a fixed number of worker threads (see the file comment). */
export class SearchThreadPool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  /** Threads stopped because a search ran past its deadline, or that died. */
  restarts = 0;

  private constructor(
    private readonly script: URL,
    threads: number,
  ) {
    this.slots = Array.from({ length: threads }, () => ({ worker: null, task: null, watchdog: null }));
  }

  /**
   * A pool of `threads` threads running `script` (the compiled search-thread.js unless
   * given), or null when `threads` is 0 or the script is missing (the server then
   * searches on its request thread).
   */
  static start(threads: number, script = compiledWorkerScript(import.meta.url, 'search-thread.js')): SearchThreadPool | null {
    if (threads < 1 || script === null) return null;
    return new SearchThreadPool(script, threads);
  }

  /** Number of threads. */
  get size(): number {
    return this.slots.length;
  }

  /** Answers one search, by `deadline` (a `performance.now()` time). */
  search(job: Omit<SearchJob, 'timeoutMs' | 'request'> & { request: SearchRequest }, deadline: number): Promise<SearchAnswer> {
    return new Promise((resolve, reject) => {
      this.enqueue(job, deadline, reject, (reply) => {
        if (reply.type === 'answer') resolve(reply.answer);
        else if (reply.type === 'failed') reject(fromSearchFailure(reply.failure));
      });
    });
  }

  /** Answers a batch, handing each ranking to `onRanking`; resolves with the generation searched. */
  run(
    job: Omit<SearchJob, 'timeoutMs' | 'request'> & { request: RunRequest },
    deadline: number,
    onRanking: (r: RunRanking) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.enqueue(job, deadline, reject, (reply) => {
        if (reply.type === 'ranking') onRanking(reply.ranking);
        else if (reply.type === 'done') resolve(reply.generation);
        else if (reply.type === 'failed') reject(fromSearchFailure(reply.failure));
      });
    });
  }

  /** Lets every thread close its snapshot of a collection (dropped, or no longer served). */
  forget(collectionKey: string): void {
    for (const s of this.slots) s.worker?.postMessage({ type: 'forget', collectionKey } satisfies ThreadMessage);
  }

  /** Stops every thread; waiting and running searches fail with SHUTTING_DOWN. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.fail(shuttingDown());
    await Promise.all(
      this.slots.map(async (s) => {
        const { worker, task } = s;
        this.clear(s);
        s.worker = null;
        task?.fail(shuttingDown());
        await worker?.terminate();
      }),
    );
  }

  private enqueue(job: Task['job'], deadline: number, fail: (e: Error) => void, onReply: Task['onReply']): void {
    if (this.closed) {
      fail(shuttingDown());
      return;
    }
    let settled = false;
    const task: Task = {
      id: this.nextId++,
      job,
      deadline,
      fail: (e) => {
        if (settled) return;
        settled = true;
        fail(e);
      },
      onReply: (reply) => {
        if (settled) return;
        if (reply.type !== 'ranking') settled = true;
        onReply(reply);
      },
    };
    this.queue.push(task);
    this.dispatch();
  }

  /** Gives waiting tasks to idle threads; a task whose deadline passed while it waited is refused. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task !== null) continue;
      let task: Task | undefined;
      let left = 0;
      while ((task = this.queue.shift()) !== undefined) {
        left = task.deadline - performance.now();
        if (left > 0) break;
        task.fail(new ApiError(503, 'TIMEOUT', 'the request waited for a free search thread until its deadline', undefined, 'retry later'));
      }
      if (task === undefined) return;
      const worker = (slot.worker ??= this.spawn(slot));
      slot.task = task;
      const running = task;
      slot.watchdog = setTimeout(() => this.stopOverdue(slot, running), left + SEARCH_GRACE_MS);
      const job: SearchJob = { ...task.job, timeoutMs: left } as SearchJob;
      worker.postMessage({ type: 'job', id: task.id, job } satisfies ThreadMessage);
    }
  }

  private spawn(slot: Slot): Worker {
    const worker = new Worker(this.script);
    worker.unref(); // the server's sockets keep the process alive, not its search threads
    worker.on('message', (reply: ThreadReply) => {
      const task = slot.task;
      if (slot.worker !== worker || task === null || reply.id !== task.id) return;
      task.onReply(reply);
      if (reply.type !== 'ranking') this.finish(slot);
    });
    const died = (why: string): void => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      this.restarts++;
      const task = slot.task;
      this.finish(slot);
      task?.fail(new Error(`a search thread died: ${why}`));
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exited with code ${code}`));
    return worker;
  }

  /** A search past its deadline and grace: stop its thread (a new one starts for the next job) and answer TIMEOUT. */
  private stopOverdue(slot: Slot, task: Task): void {
    if (slot.task !== task) return;
    const worker = slot.worker;
    slot.worker = null;
    this.restarts++;
    void worker?.terminate();
    this.finish(slot);
    task.fail(
      new ApiError(
        503,
        'TIMEOUT',
        'the search did not stop at the request deadline and was cut off',
        undefined,
        'narrow the query or allow more time (quarry serve --timeout)',
      ),
    );
  }

  private clear(slot: Slot): void {
    if (slot.watchdog !== null) clearTimeout(slot.watchdog);
    slot.watchdog = null;
    slot.task = null;
  }

  /** The slot's task is over: free the slot and start the next task. */
  private finish(slot: Slot): void {
    this.clear(slot);
    if (!this.closed) this.dispatch();
  }
}
